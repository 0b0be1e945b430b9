/** Bulk scoring: texts in files or under an S3 prefix, cut into splits, scored in shards, written as parts with a manifest. */
package dev.transformerlambda.scoring;
