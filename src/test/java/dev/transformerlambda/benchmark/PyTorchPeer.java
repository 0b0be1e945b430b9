package dev.transformerlambda.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.model.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs {@code scripts/pytorch-peer.py} (Debian's python3-torch) on the same model shape and input
 * shapes, and reads back its figures.
 */
final class PyTorchPeer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the peer measured, in the order it printed it. */
    record Figures(String description, List<Timings> latency, List<Double> throughput, double trainingPerSecond) {}

    static Figures run(String python, Path script, ModelConfig model, int threads, List<Integer> latencyTokens,
            int requests, List<Integer> batchSizes, int batchTokens, int batchTexts, int trainBatch,
            List<Integer> trainLengths) throws IOException, InterruptedException {
        List<String> command = List.of(python, script.toString(), "--threads", Integer.toString(threads),
                "--vocabulary", Integer.toString(model.vocabularySize()), "--width", Integer.toString(model.width()),
                "--layers", Integer.toString(model.layers()), "--heads", Integer.toString(model.heads()),
                "--ffn", Integer.toString(model.ffnSize()), "--max-length", Integer.toString(model.maxLength()),
                "--classes", Integer.toString(model.classes()), "--dropout", Float.toString(model.dropout()),
                "--latency", join(latencyTokens), "--requests", Integer.toString(requests),
                "--batches", join(batchSizes), "--batch-length", Integer.toString(batchTokens),
                "--batch-texts", Integer.toString(batchTexts), "--train-batch", Integer.toString(trainBatch),
                "--train-lengths", join(trainLengths));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("the PyTorch peer failed (" + String.join(" ", command) + "):\n" + output);
        }
        String description = null;
        List<Timings> latency = new ArrayList<>();
        List<Double> throughput = new ArrayList<>();
        double training = Double.NaN;
        for (String line : output.strip().split("\n")) {
            JsonNode figures = JSON.readTree(line);
            if (figures.has("peer")) {
                // Which BLAS it ran on is part of what the figures mean: the reference BLAS is
                // refused by the script itself, so this names OpenBLAS (or MKL) and its settings.
                description = figures.get("peer").asText() + ", BLAS " + figures.get("blas").asText() + " ("
                        + String.join(", ", JSON.convertValue(figures.get("blas_libraries"), String[].class)) + ")"
                        + (figures.get("blas_environment").isEmpty() ? "" : ", " + figures.get("blas_environment"));
            } else if (figures.has("latency_tokens")) {
                latency.add(new Timings(requests, figures.get("median_ms").asDouble(), figures.get("p99_ms").asDouble(),
                        Double.NaN));
            } else if (figures.has("batch")) {
                throughput.add(figures.get("sentences_per_s").asDouble());
            } else if (figures.has("train_batch")) {
                training = figures.get("sentences_per_s").asDouble();
            }
        }
        return new Figures(description, latency, throughput, training);
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
