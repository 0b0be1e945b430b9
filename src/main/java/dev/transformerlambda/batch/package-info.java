/**
 * Training on AWS Batch: the job request (the {@code train} command as the container command, GPUs,
 * a retry strategy for Spot reclamation, a timeout, tags; no CPU job on a job definition that
 * reserves GPUs) and the job's status; bulk scoring as an array job of {@code score} children. Free
 * of CDI.
 */
package dev.transformerlambda.batch;
