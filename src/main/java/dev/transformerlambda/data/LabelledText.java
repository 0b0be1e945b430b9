package dev.transformerlambda.data;

/** One example: a text and the label it carries. */
public record LabelledText(String text, String label) {}
