package dev.transformerlambda.registry;

/** One published version as {@code list} shows it. */
public record VersionInfo(String version, String created, double accuracy, double macroF1, boolean current) {}
