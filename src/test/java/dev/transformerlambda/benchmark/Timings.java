package dev.transformerlambda.benchmark;

import java.util.Arrays;

/** Latencies of repeated calls, in milliseconds: median, 99th percentile and mean. */
record Timings(int count, double medianMs, double p99Ms, double meanMs) {

    static Timings ofNanos(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return new Timings(n, sorted[n / 2] / 1e6, sorted[(int) Math.ceil(n * 0.99) - 1] / 1e6,
                Arrays.stream(sorted).average().orElse(0) / 1e6);
    }

    /** Times {@code repeats} calls of {@code work} after {@code warmUp} untimed ones. */
    static Timings measure(int warmUp, int repeats, Work work) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            work.run();
        }
        long[] nanos = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            work.run();
            nanos[i] = System.nanoTime() - start;
        }
        return ofNanos(nanos);
    }

    /** Items per second when each call handles {@code itemsPerCall}. */
    double perSecond(int itemsPerCall) {
        return itemsPerCall * 1000.0 / meanMs;
    }

    /** One timed call. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }
}
