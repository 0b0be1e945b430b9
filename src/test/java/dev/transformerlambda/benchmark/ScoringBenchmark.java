package dev.transformerlambda.benchmark;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.scoring.RowRules;
import dev.transformerlambda.scoring.ScoringFolder;
import dev.transformerlambda.scoring.ScoringJob;
import dev.transformerlambda.scoring.Shard;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Bulk scoring's throughput beside the bare forward pass, in one JVM: the bare pass (token ids
 * tokenized beforehand, batches of 64 in the data's order, one libtorch thread), then {@code score}
 * end to end (read a JSON Lines file, tokenize, forward, write parts and the manifest) on every
 * vCPU. Prints a Markdown table: rows/s, rows/s per vCPU, and their ratio to the bare pass.
 */
@Command(name = "benchmark-scoring", mixinStandardHelpOptions = true)
public final class ScoringBenchmark implements Callable<Integer> {

    private static final int BATCH = 64;

    @Option(names = "--model", required = true, description = "A model artifact directory; repeatable.")
    List<Path> models;

    @Option(names = "--texts", required = true, description = "A data file whose texts are scored (TSV, CSV or JSON Lines).")
    Path texts;

    @Option(names = "--rows", defaultValue = "20000", description = "Rows to score, the texts repeated as needed.")
    int rows;

    @Option(names = "--threads", description = "Forward passes at once (default: the vCPUs).")
    Integer threads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScoringBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int vcpus = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        List<String> source = DatasetReader.readTexts(texts.toString(), Files.newInputStream(texts));
        List<String> all = new ArrayList<>(rows);
        for (int i = 0; all.size() < rows; i++) {
            all.add(source.get(i % source.size()));
        }
        Path work = Files.createTempDirectory("benchmark-scoring-");
        Path input = work.resolve("input.jsonl");
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter out = Files.newBufferedWriter(input)) {
            for (String text : all) {
                out.write(json.writeValueAsString(Map.of("text", text)));
                out.write('\n');
            }
        }
        System.out.printf("| model | bare forward, %d a batch, 1 thread (texts/s) | score, %d threads (rows/s) |"
                + " score per vCPU (rows/s) | per vCPU / bare |%n|---|---|---|---|---|%n", BATCH, vcpus);
        for (Path model : models) {
            double bare = bare(model, all);
            double scored = score(model, input, work.resolve("out-" + model.getFileName()), vcpus);
            System.out.printf("| %s | %.0f | %.0f | %.0f | %.2fx |%n", model.getFileName(), bare, scored,
                    scored / vcpus, scored / vcpus / bare);
        }
        return 0;
    }

    /** Texts per second of the bare forward pass over the texts in batches of 64, after one warm-up pass. */
    private static double bare(Path model, List<String> texts) throws Exception {
        try (ForwardBenchmark forward = new ForwardBenchmark(model)) {
            JniUtils.setNumThreads(1); // once the model has loaded libtorch
            List<List<String>> batches = new ArrayList<>();
            for (int from = 0; from + BATCH <= texts.size(); from += BATCH) {
                batches.add(texts.subList(from, from + BATCH));
            }
            forward.forward(batches.get(0), 2, 1);
            long start = System.nanoTime();
            for (List<String> batch : batches) {
                forward.forward(batch, 0, 1);
            }
            return batches.size() * BATCH / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Rows per second of score, from reading the input to writing the manifest. */
    private static double score(Path model, Path input, Path output, int threads) throws Exception {
        ScoringJob job = new ScoringJob(ScoringFolder.at(output.toString(), () -> null),
                new ScoringJob.Settings(new RowRules("text", null, false, 20_000), 128L << 20, 0.0, threads, BATCH),
                new PrintWriter(new StringWriter()));
        try (TextClassifier classifier = ModelArtifact.load(model)) {
            long start = System.nanoTime();
            ScoringJob.Outcome outcome = job.run(classifier, Sha256.of(model.resolve(ModelArtifact.MANIFEST)),
                    input.toString(), () -> null, Shard.WHOLE, "benchmark");
            return outcome.rows() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
