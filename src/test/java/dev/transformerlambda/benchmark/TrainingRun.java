package dev.transformerlambda.benchmark;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.model.ModelArtifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.FileUtils;

/**
 * Training throughput of the {@code train} command: one epoch in a process of its own, as a user
 * runs it, read from its last progress line. Also the padded lengths of its batches, so the
 * PyTorch peer can train on the same shapes.
 */
final class TrainingRun {

    private static final Pattern PROGRESS = Pattern.compile("step (\\d+)/(\\d+) .* (\\d+) sentences/s");

    private TrainingRun() {}

    /** Sentences per second over one epoch of {@code train} on {@code data}, batches of {@code batchSize}. */
    static double sentencesPerSecond(Path launcher, Path data, Path evaluationData, int batchSize)
            throws IOException, InterruptedException {
        Path output = Files.createTempDirectory("benchmark-train-").resolve("model");
        try {
            Process train = new ProcessBuilder(launcher.toString(), "train", "--data", data.toString(),
                    "--eval-data", evaluationData.toString(), "--output", output.toString(), "--epochs", "1",
                    "--batch-size", Integer.toString(batchSize), "--seed", "42")
                    .redirectErrorStream(true).start();
            String log = new String(train.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (train.waitFor() != 0) {
                throw new IOException("train failed:\n" + log);
            }
            double rate = Double.NaN;
            for (Matcher progress = PROGRESS.matcher(log); progress.find(); ) {
                if (progress.group(1).equals(progress.group(2))) {
                    rate = Double.parseDouble(progress.group(3));
                }
            }
            if (Double.isNaN(rate)) {
                throw new IOException("no end-of-epoch progress line in train's output:\n" + log);
            }
            return rate;
        } finally {
            FileUtils.deleteDirectory(output.getParent().toFile());
        }
    }

    /**
     * The padded length of each batch {@code train} makes from {@code data}: texts tokenized with
     * {@code tokenizerJson}, shuffled, sorted by length within pools of 50 batches and cut into
     * batches padded to their longest, as the trainer does.
     */
    static List<Integer> batchLengths(Path data, Path tokenizerJson, int maxLength, int batchSize) throws IOException {
        List<Integer> lengths = new ArrayList<>();
        try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(tokenizerJson, maxLength)) {
            for (LabelledText example : DatasetReader.read(data).examples()) {
                lengths.add(tokenizer.encode(example.text()).getIds().length);
            }
        }
        Collections.shuffle(lengths, new Random(42));
        int pool = batchSize * 50;
        for (int from = 0; from < lengths.size(); from += pool) {
            Collections.sort(lengths.subList(from, Math.min(lengths.size(), from + pool)));
        }
        List<Integer> padded = new ArrayList<>();
        for (int from = 0; from < lengths.size(); from += batchSize) {
            padded.add(Collections.max(lengths.subList(from, Math.min(lengths.size(), from + batchSize))));
        }
        return padded;
    }
}
