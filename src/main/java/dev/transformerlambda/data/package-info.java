/** Labelled text data sets: reading TSV, CSV and JSONL files and reporting malformed rows. */
package dev.transformerlambda.data;
