/** Task-specific distillation: augmented texts, and a teacher's logits for a small student to learn from. */
package dev.transformerlambda.distillation;
