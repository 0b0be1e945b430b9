package dev.transformerlambda.api;

/** The body of every error answer: a stable code and what to fix. */
public record ApiError(String error, String message) {}
