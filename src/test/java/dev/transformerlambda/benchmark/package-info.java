/**
 * The performance suite ({@code scripts/benchmark}): cold start and warm serving of the packaged
 * function as Lambda runs it, the bare DJL forward pass, the PyTorch peer and training throughput,
 * all in one run and printed as one table. These are programs that print figures, not tests.
 */
package dev.transformerlambda.benchmark;
