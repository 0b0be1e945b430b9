/** The chaos run behind {@code scripts/chaos}: live swaps under S3 faults switched on and off, with two clients. */
package dev.transformerlambda.chaos;
