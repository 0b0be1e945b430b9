package dev.transformerlambda.benchmark;

import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.serving.LambdaRuntimeEmulator.Invocation;
import dev.transformerlambda.serving.PackagedFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warm figures of the packaged function through the whole handler path, as Lambda drives it: an
 * API Gateway event in through the Runtime API, the response out. Latency per text length,
 * throughput per request size, resident memory, and whether it stays flat over many predictions
 * and many model swaps.
 */
final class HandlerBenchmark {

    private final PackagedFunction function;
    private final Events events;

    HandlerBenchmark(PackagedFunction function, Events events) {
        this.function = function;
        this.events = events;
    }

    /**
     * Latency of one-text requests, for each named text: the invocation's duration as Lambda bills
     * it, from the event handed to the function to its answer received.
     */
    Map<String, Timings> latency(Map<String, String> texts, int requests) throws Exception {
        Map<String, Timings> results = new LinkedHashMap<>();
        for (var text : texts.entrySet()) {
            String event = events.predict(List.of(text.getValue()));
            for (int i = 0; i < 200; i++) {
                call(event);
            }
            long[] durations = new long[requests];
            for (int i = 0; i < requests; i++) {
                durations[i] = callTimed(event);
            }
            results.put(text.getKey(), Timings.ofNanos(durations));
        }
        return results;
    }

    /** Sentences per second for requests of each size, over about {@code texts} texts each. */
    Map<Integer, Double> throughput(List<Integer> sizes, List<String> typical, int texts) throws Exception {
        Map<Integer, Double> results = new LinkedHashMap<>();
        for (int size : sizes) {
            String event = events.predict(typical.subList(0, size));
            results.put(size, Timings.measure(20, Math.max(20, texts / size), () -> call(event)).perSecond(size));
        }
        return results;
    }

    /**
     * Resident memory (MiB) after a warm-up and after {@code predictions} more predictions, made
     * as requests of eight different texts.
     */
    double[] residentOver(int predictions, List<String> texts) throws Exception {
        String event = events.predict(texts.subList(0, 8));
        for (int i = 0; i < 1_000; i++) {
            call(event);
        }
        double before = function.residentMiB();
        for (int i = 0; i < predictions / 8; i++) {
            call(event);
        }
        return new double[] {before, function.residentMiB()};
    }

    /**
     * Resident memory (MiB) after the 10th (or last, if fewer) and after the last of {@code swaps} model swaps,
     * alternating two versions; the function must run with a reload interval of zero.
     */
    double[] residentOverSwaps(ModelRegistry registry, List<String> versions, int swaps, String text)
            throws Exception {
        String event = events.predict(List.of(text));
        double afterTen = Double.NaN;
        for (int swap = 1; swap <= swaps; swap++) {
            String version = versions.get(swap % versions.size());
            registry.promote(version);
            // The function answers with the model it has while a request's check loads the new one
            // beside it, so the swap shows in a later answer; a minute covers the largest model here.
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            String served = Events.read(call(event)).modelVersion();
            while (!version.equals(served) && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
                served = Events.read(call(event)).modelVersion();
            }
            if (!version.equals(served)) {
                throw new IllegalStateException("swap " + swap + ": " + served + " still answers a minute after "
                        + version + " was promoted");
            }
            if (swap == Math.min(10, swaps)) {
                afterTen = function.residentMiB();
            }
        }
        return new double[] {afterTen, function.residentMiB()};
    }

    double peakResidentMiB() throws IOException {
        return function.peakResidentMiB();
    }

    private String call(String event) throws Exception {
        return checked(function.call(event)).response();
    }

    private long callTimed(String event) throws Exception {
        return checked(function.call(event)).durationNanos();
    }

    private static Invocation checked(Invocation invocation) {
        if (!invocation.response().contains("\"statusCode\":200")) {
            throw new IllegalStateException("the function answered " + invocation.response());
        }
        return invocation;
    }
}
