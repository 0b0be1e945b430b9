package dev.transformerlambda.data;

import java.util.Locale;

/** The file formats a data set may come in, told apart by the file name's extension. */
public enum DataFormat {
    TSV,
    CSV,
    JSONL;

    public static DataFormat of(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".tsv") || lower.endsWith(".txt")) {
            return TSV;
        }
        if (lower.endsWith(".csv")) {
            return CSV;
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) {
            return JSONL;
        }
        throw new IllegalArgumentException(
                name + ": unknown data format; use .tsv, .csv or .jsonl");
    }
}
