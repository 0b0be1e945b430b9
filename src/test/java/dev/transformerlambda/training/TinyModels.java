package dev.transformerlambda.training;

import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.pretrained.TinyBertCheckpoint;
import dev.transformerlambda.data.ValidationSplit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ModelArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real, small sentiment models trained in a few seconds on the project's fixtures, for tests. */
public final class TinyModels {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyModels() {}

    /**
     * Trains a model on the sentiment fixture into {@code output}; different seeds give different
     * weights and so different versions.
     */
    public static Path train(Path output, long seed) throws Exception {
        TrainingOptions options = TrainingOptions.builder().name("sst2").layers(1).width(32).heads(2)
                .ffnSize(64).dropout(0.1f).maxLength(32).vocabularySize(300).epochs(4).batchSize(16)
                .learningRate(3e-3f).seed(seed).build();
        new ClassifierTrainer(options, new PrintWriter(new StringWriter()), false)
                .train(ValidationSplit.carve(fixture("sentiment-train.tsv"), 0.1, seed), null, output);
        return output;
    }

    /**
     * Fine-tunes a small BERT checkpoint written for the purpose on the sentiment fixture into
     * {@code output}: a real model of the BERT family, trained in seconds.
     */
    public static Path fineTuned(Path output, long seed) throws Exception {
        LabelledDataset train = fixture("sentiment-train.tsv");
        Path checkpoint = output.resolveSibling(output.getFileName() + "-checkpoint");
        TinyBertCheckpoint.write(checkpoint, train.examples().stream().map(LabelledText::text).toList(), seed);
        TrainingOptions options = TrainingOptions.fineTuning(checkpoint.toString()).name("sst2").maxLength(32)
                .epochs(4).batchSize(16).learningRate(2e-3f).headLearningRate(5e-3f).seed(seed).build();
        new ClassifierTrainer(options, new PrintWriter(new StringWriter()), false)
                .train(ValidationSplit.carve(train, 0.1, seed), null, output);
        return output;
    }

    /**
     * Copies the artifact in {@code source} into {@code target} under another version: the same
     * model published again, cheaply, where a test needs several versions.
     */
    public static Path copyAs(Path source, Path target, String version) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        ObjectNode manifest = (ObjectNode) JSON.readTree(target.resolve(ModelArtifact.MANIFEST).toFile());
        manifest.put("version", version);
        JSON.writeValue(target.resolve(ModelArtifact.MANIFEST).toFile(), manifest);
        return target;
    }

    /**
     * Replaces the tokenizer in {@code artifact} with JSON the tokenizers library cannot read, and
     * lists it anew in the manifest: a consistent artifact whose every file matches, that no load
     * can ever succeed on.
     */
    public static Path breakTokenizer(Path artifact) throws IOException {
        Files.writeString(artifact.resolve(ModelArtifact.TOKENIZER), "{\"model\": \"not a tokenizer\"}");
        ModelArtifact.writeManifest(artifact, ModelArtifact.readManifest(artifact));
        return artifact;
    }

    /**
     * Makes the tokenizer in {@code artifact} start every text with a token id far beyond the
     * weights' vocabulary, and lists it anew in the manifest: the tokenizer parses and the weights
     * load, but no prediction can run (the embedding lookup fails), the warm-up's included.
     */
    public static Path tokenizerBeyondItsWeights(Path artifact) throws IOException {
        Path file = artifact.resolve(ModelArtifact.TOKENIZER);
        ObjectNode tokenizer = (ObjectNode) JSON.readTree(file.toFile());
        ArrayNode ids = (ArrayNode) tokenizer.at("/post_processor/special_tokens/[CLS]/ids");
        ids.removeAll().add(1_000_000);
        JSON.writeValue(file.toFile(), tokenizer);
        ModelArtifact.writeManifest(artifact, ModelArtifact.readManifest(artifact));
        return artifact;
    }

    /**
     * Copies the artifact in {@code source} into {@code target} as the code before {@link
     * dev.transformerlambda.model.TreebankSpelling} wrote it: the tokenizer's normalizer is the BERT
     * normalizer alone, and the manifest lists the tokenizer anew.
     */
    public static Path asWrittenBeforeTreebankSpelling(Path source, Path target) throws IOException {
        copyAs(source, target, ModelArtifact.readManifest(source).version());
        Path file = target.resolve(ModelArtifact.TOKENIZER);
        ObjectNode tokenizer = (ObjectNode) JSON.readTree(file.toFile());
        tokenizer.set("normalizer", tokenizer.at("/normalizer/normalizers/0"));
        JSON.writeValue(file.toFile(), tokenizer);
        ModelArtifact.writeManifest(target, ModelArtifact.readManifest(target));
        return target;
    }

    /**
     * Copies the artifact in {@code source} into {@code target} as the code before per-epoch
     * history and reports wrote it: no {@code training.history} in the manifest, no report file.
     */
    public static Path asWrittenBeforeHistory(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        ObjectNode manifest = (ObjectNode) JSON.readTree(source.resolve(ModelArtifact.MANIFEST).toFile());
        ((ObjectNode) manifest.get("training")).remove("history");
        ArrayNode files = (ArrayNode) manifest.get("files");
        for (int i = files.size() - 1; i >= 0; i--) {
            String path = files.get(i).get("path").asText();
            if (path.equals(ModelArtifact.REPORT)) {
                files.remove(i);
            } else {
                Files.copy(source.resolve(path), target.resolve(path));
            }
        }
        JSON.writeValue(target.resolve(ModelArtifact.MANIFEST).toFile(), manifest);
        return target;
    }

    /**
     * Makes the first tensor of the weights in {@code artifact} declare 2 GB of data, and lists the
     * file anew in the manifest: a consistent artifact that cannot be loaded in a JVM whose direct
     * memory is smaller (tests run with 1 GB, as the function with its heap's 128 MB), where DJL
     * reserves a tensor's bytes before reading them and fails with an {@link OutOfMemoryError}.
     */
    public static Path declareHugeTensor(Path artifact) throws IOException {
        Path weights = artifact.resolve(ModelArtifact.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        int at = indexOf(bytes, new byte[] {0, 4, 'N', 'D', 'A', 'R'});
        if (at < 0) {
            throw new IllegalStateException("no NDArray in " + weights);
        }
        // Read the first NDArray's header as DJL's NDSerializer.decode does, up to its byte count.
        ByteBuffer in = ByteBuffer.wrap(bytes, at + 6, bytes.length - at - 6);
        int version = in.getInt();
        if (version > 1 && in.get() == 1) {
            skipUtf(in);
        }
        skipUtf(in); // sparse format
        skipUtf(in); // data type
        int dimensions = in.getInt();
        in.position(in.position() + 8 * dimensions);
        int layout = in.getInt();
        in.position(in.position() + 2 * layout);
        if (version > 2) {
            in.get(); // byte order
        }
        in.putInt(in.position(), 0x7fff_fff0);
        Files.write(weights, bytes);
        ArtifactManifest manifest = ModelArtifact.readManifest(artifact);
        ModelArtifact.writeManifest(artifact, manifest);
        return artifact;
    }

    private static void skipUtf(ByteBuffer in) {
        int length = in.getShort() & 0xffff;
        in.position(in.position() + length);
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i <= bytes.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static LabelledDataset fixture(String name) throws IOException {
        try (InputStream in = TinyModels.class.getResourceAsStream("/fixtures/" + name)) {
            return DatasetReader.read(name, in);
        }
    }
}
