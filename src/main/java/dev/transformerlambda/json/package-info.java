/** The one JSON mapper behind the product's files: manifests, pointers, checkpoints, job files, JSON lines. */
package dev.transformerlambda.json;
