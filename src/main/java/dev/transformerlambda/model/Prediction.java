package dev.transformerlambda.model;

import java.util.Map;

/**
 * The classifier's answer for one text: the most likely label, its probability, and the
 * probability of every label in the model's label order.
 */
public record Prediction(String label, float score, Map<String, Float> scores) {}
