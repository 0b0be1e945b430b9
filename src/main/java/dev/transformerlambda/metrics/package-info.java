/** Metrics as CloudWatch's Embedded Metric Format: JSON log lines CloudWatch turns into metrics. */
package dev.transformerlambda.metrics;
