package dev.transformerlambda.registry;

/**
 * {@code current.json}: the version being served, the one served before it (for rollback), and
 * when it was moved.
 */
public record CurrentPointer(String version, String previous, String updated) {}
