/**
 * Task-specific distillation: augmented texts, and what a teacher gives a small student to learn
 * from (its logits, cached), to start from (its word embeddings) and to replace words with (its
 * nearest words).
 */
package dev.transformerlambda.distillation;
