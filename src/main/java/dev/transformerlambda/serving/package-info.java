/**
 * Serving: the loaded model, the cheap check for a newly promoted version, and the atomic swap that
 * lets requests in flight finish on the model they started with.
 */
package dev.transformerlambda.serving;
