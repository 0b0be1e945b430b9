/** Measuring a classifier on labelled data: accuracy, macro-F1, per-class scores, confusion. */
package dev.transformerlambda.evaluation;
