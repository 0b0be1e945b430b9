package dev.transformerlambda.serving;

import java.time.Instant;

/**
 * The outcome of the last look at the registry.
 *
 * @param at when it happened
 * @param result {@code loaded}, {@code unchanged}, {@code failed} or {@code not-watched}
 * @param version the version current in the registry, when known
 * @param error what went wrong, for {@code failed}
 */
public record ReloadCheck(Instant at, String result, String version, String error) {

    static ReloadCheck loaded(String version) {
        return new ReloadCheck(Instant.now(), "loaded", version, null);
    }

    static ReloadCheck unchanged(String version) {
        return new ReloadCheck(Instant.now(), "unchanged", version, null);
    }

    static ReloadCheck failed(String version, Throwable e) {
        return new ReloadCheck(Instant.now(), "failed", version, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    static ReloadCheck notWatched() {
        return new ReloadCheck(Instant.now(), "not-watched", null, null);
    }
}
