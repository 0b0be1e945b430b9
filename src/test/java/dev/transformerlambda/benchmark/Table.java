package dev.transformerlambda.benchmark;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The suite's figures as one Markdown table, filled in as the measurements come. */
final class Table {

    private static final String[] HEADER = {"figure", "function (handler path)", "DJL predictor",
        "bare DJL forward", "PyTorch peer", "handler ÷ bare", "speed vs peer", "target"};

    private final List<String[]> rows = new ArrayList<>();
    /** Row index of each latency and throughput figure, in the order measured. */
    private final Map<String, Integer> latencyRows = new LinkedHashMap<>();
    private final Map<Integer, Integer> throughputRows = new LinkedHashMap<>();
    private final Map<String, Timings> handlerLatency = new LinkedHashMap<>();
    private final Map<Integer, Double> handlerThroughput = new LinkedHashMap<>();

    void coldStart(ColdStarts.Result cold) {
        ColdStarts.Run m = cold.median();
        row("cold start to first answer (median of " + cold.runs() + ")", ms(m.firstAnswer()), "", "", "", "", "",
                "≤ 1,000 ms");
        row("· init: process start to first poll", ms(m.init()));
        row("· JVM, Runtime Interface Client, Quarkus", ms(m.framework()));
        row("· libtorch load, beside Quarkus' start", ms(m.libtorch()) + " (overlapped)");
        row("· waited for libtorch", ms(m.libtorchWait()));
        row("· model download from S3, with verification", ms(m.download()));
        row("· weights and tokenizer load (verified once, at download)", ms(m.load()));
        row("· warm-up prediction", ms(m.warmUp()));
        row("· first invocation", ms(m.firstAnswer() - m.init()));
    }

    void handlerLatency(Map<String, Timings> latency) {
        for (var entry : latency.entrySet()) {
            handlerLatency.put(entry.getKey(), entry.getValue());
            latencyRows.put(entry.getKey(), rows.size());
            row("latency " + entry.getKey() + ", median / p99 (function: billed duration)", pair(entry.getValue()), "", "", "", "", "",
                    entry.getKey().startsWith("typical") ? "median ≤ 1.5 ms" : "");
        }
    }

    void handlerThroughput(Map<Integer, Double> throughput) {
        for (var entry : throughput.entrySet()) {
            handlerThroughput.put(entry.getKey(), entry.getValue());
            throughputRows.put(entry.getKey(), rows.size());
            row("throughput, " + entry.getKey() + " typical texts per request (sentences/s)",
                    String.format("%.0f", entry.getValue()), "", "", "", "", "",
                    entry.getKey() == 32 ? "≥ 1.2 × peer" : "");
        }
    }

    /** Fills the latency rows the handler's figures made, or adds them when the handler was not measured. */
    void bareLatency(Map<String, Timings> bare, Map<String, Timings> predictor, List<Integer> tokens) {
        int i = 0;
        for (var entry : bare.entrySet()) {
            String[] row = rowFor(latencyRows, entry.getKey(), "latency " + entry.getKey() + ", median / p99");
            row[0] = row[0].replace(", median", " = " + tokens.get(i++) + " tokens, median");
            row[2] = pair(predictor.get(entry.getKey()));
            row[3] = pair(entry.getValue());
            Timings handler = handlerLatency.get(entry.getKey());
            row[5] = handler == null ? "" : String.format("%.2f ×", handler.medianMs() / entry.getValue().medianMs());
        }
    }

    void bareThroughput(Map<Integer, Double> bare) {
        for (var entry : bare.entrySet()) {
            String[] row = rowFor(throughputRows, entry.getKey(),
                    "throughput, " + entry.getKey() + " typical texts per request (sentences/s)");
            row[3] = String.format("%.0f", entry.getValue());
            Double handler = handlerThroughput.get(entry.getKey());
            row[5] = handler == null ? "" : String.format("%.2f ×", entry.getValue() / handler);
        }
    }

    private <K> String[] rowFor(Map<K, Integer> index, K key, String figure) {
        if (!index.containsKey(key)) {
            index.put(key, rows.size());
            row(figure, "");
        }
        return rows.get(index.get(key));
    }

    /** The peer's figures come in the order the texts and request sizes were measured here. */
    void peer(PyTorchPeer.Figures peer, List<Integer> batchSizes) {
        int i = 0;
        for (String key : handlerLatency.keySet()) {
            Timings theirs = peer.latency().get(i++);
            String[] row = rows.get(latencyRows.get(key));
            row[4] = pair(theirs);
            row[6] = String.format("%.2f ×", theirs.medianMs() / handlerLatency.get(key).medianMs());
        }
        for (int b = 0; b < batchSizes.size(); b++) {
            int size = batchSizes.get(b);
            String[] row = rows.get(throughputRows.get(size));
            row[4] = String.format("%.0f", peer.throughput().get(b));
            row[6] = String.format("%.2f ×", handlerThroughput.get(size) / peer.throughput().get(b));
        }
    }

    void training(double ours, double peer, Path data, List<Integer> batchLengths) {
        double meanLength = batchLengths.stream().mapToInt(Integer::intValue).average().orElse(0);
        row(String.format("training, `train` one epoch of %s, batches of 32 × %.1f tokens (sentences/s)",
                        data.getFileName(), meanLength),
                String.format("%.0f", ours), "", "", String.format("%.0f", peer), "",
                String.format("%.2f ×", ours / peer), "≥ 1 × peer");
    }

    /** The bare forward pass of another model on the same texts, measured in the same run. */
    void comparedBareLatency(String model, Map<String, Timings> theirs, Map<String, Timings> ours) {
        for (var entry : theirs.entrySet()) {
            Timings mine = ours.get(entry.getKey());
            row(String.format("latency %s, median / p99, of %s (the model above ÷ this one: speed column)",
                    entry.getKey(), model), "", "", pair(entry.getValue()), "", "",
                    String.format("%.2f ×", mine.medianMs() / entry.getValue().medianMs()), "");
        }
    }

    void peakResident(double mib) {
        row("peak resident memory while serving", String.format("%.0f MiB", mib), "", "", "", "", "", "≤ 384 MB");
    }

    void residentOverPredictions(int predictions, double[] beforeAfter) {
        row(String.format("resident memory over %,d predictions (8 per request), after a warm-up", predictions),
                String.format("%.0f → %.0f MiB", beforeAfter[0], beforeAfter[1]), "", "", "", "", "", "flat");
    }

    void residentOverSwaps(int swaps, double[] afterTenAfterAll) {
        row(String.format("resident memory over %d model swaps (after %d → after %d)", swaps, Math.min(10, swaps), swaps),
                String.format("%.0f → %.0f MiB", afterTenAfterAll[0], afterTenAfterAll[1]), "", "", "", "", "", "flat");
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        out.append("|---".repeat(HEADER.length)).append("|\n");
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    /** The CPU model and core count, from /proc/cpuinfo. */
    static String machine() throws IOException {
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElse("an unknown CPU");
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format("%s, %d cores visible, %.0f GiB", model, Runtime.getRuntime().availableProcessors(),
                os.getTotalMemorySize() / 1073741824.0);
    }

    private void row(String figure, String function) {
        row(figure, function, "", "", "", "", "", "");
    }

    private void row(String... cells) {
        rows.add(cells);
    }

    private static String ms(double millis) {
        return String.format("%,.0f ms", millis);
    }

    private static String pair(Timings timings) {
        return String.format("%.2f / %.2f ms", timings.medianMs(), timings.p99Ms());
    }
}
