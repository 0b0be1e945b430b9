/**
 * Task-specific distillation: augmented texts, and what a teacher gives a small student to learn
 * from (its logits and pooled text vectors, cached) or to start from (its word embeddings and words).
 */
package dev.transformerlambda.distillation;
