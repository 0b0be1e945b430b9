/** Content hashes (SHA-256) shared by artifacts, data sets, checkpoints and caches. */
package dev.transformerlambda.digest;
