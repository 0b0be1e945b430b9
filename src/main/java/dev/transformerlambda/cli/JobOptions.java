package dev.transformerlambda.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** What every Batch job a command submits shares: retries, a time limit, tags. */
final class JobOptions {

    @Option(names = "--attempts", defaultValue = "3",
            description = "Attempts; only Spot reclamation is retried (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--timeout", defaultValue = "PT4H", description = "Longest attempt, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag on the job; repeatable.")
    Map<String, String> tags = new LinkedHashMap<>();

    /** The tags given, and the project's, which cost reports group jobs by. */
    Map<String, String> allTags() {
        Map<String, String> all = new LinkedHashMap<>(Map.of("project", "transformer-lambda"));
        all.putAll(tags);
        return all;
    }
}
