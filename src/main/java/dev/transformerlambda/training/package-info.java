/**
 * Training a classifier from labelled text: vocabulary, optimisation loop, early stopping and the
 * artifact it writes. Free of CDI, so the same code runs from the command line and in a Batch job.
 */
package dev.transformerlambda.training;
