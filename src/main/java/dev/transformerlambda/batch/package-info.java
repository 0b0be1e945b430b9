/**
 * Training on AWS Batch: the job request (the {@code train} command as the container command, GPUs,
 * a retry strategy for Spot reclamation, a timeout, tags) and the job's status. Free of CDI.
 */
package dev.transformerlambda.batch;
