package dev.transformerlambda.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.json.Json;
import dev.transformerlambda.model.ArtifactManifest.ArtifactFile;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Writes and reads model artifact directories: {@code manifest.json}, {@code tokenizer.json}, the
 * weights and, optionally, {@code report.html}. Reading always verifies every file against the
 * manifest first, so every command and the serving function share one notion of a trustworthy
 * artifact.
 */
public final class ModelArtifact {

    public static final String MANIFEST = "manifest.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String WEIGHTS = "weights.params";
    /**
     * The training report: listed with its sha256 when present, and refused when it differs like any
     * other file, but never needed to load the model, so an artifact without it (older ones, or one
     * whose report was deleted) still loads.
     */
    public static final String REPORT = "report.html";

    private static final DateTimeFormatter VERSION_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private ModelArtifact() {}

    /** Writes the block's weights into {@code dir}, replacing what an earlier epoch wrote there. */
    public static void writeWeights(Path dir, Block block) throws IOException {
        try (DataOutputStream out = new DataOutputStream(
                new BufferedOutputStream(Files.newOutputStream(dir.resolve(WEIGHTS))))) {
            block.saveParameters(out);
        }
    }

    /**
     * Loads a weights file that {@link #writeWeights} wrote during training (the kept epoch's, a
     * checkpoint's) into {@code block}; an artifact's weights load through {@link #load}, which also
     * checks them against the manifest.
     */
    public static void readWeights(Path file, Block block, NDManager manager) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException(file + ": the weights do not fit the model: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code manifest.json} into {@code dir}, which must already hold the tokenizer and the
     * weights; the manifest written lists the size and sha256 of each, and of the report if {@code
     * dir} holds one.
     *
     * @return the manifest as written
     */
    public static ArtifactManifest writeManifest(Path dir, ArtifactManifest manifest) throws IOException {
        List<ArtifactFile> files = new ArrayList<>();
        for (String name : List.of(manifest.tokenizer(), manifest.weights())) {
            files.add(describe(dir, name));
        }
        if (Files.isRegularFile(dir.resolve(REPORT))) {
            files.add(describe(dir, REPORT));
        }
        ArtifactManifest complete = manifest.withFiles(files);
        Json.INDENTED.writeValue(dir.resolve(MANIFEST).toFile(), complete);
        return complete;
    }

    /**
     * A new version name for the artifact in {@code dir}: the time, which makes versions sort by
     * age, and the first six hex digits of its weights' sha256, which makes them unique.
     */
    public static String newVersion(Instant now, Path dir) throws IOException {
        return VERSION_TIME.format(now) + "-" + describe(dir, WEIGHTS).sha256().substring(0, 6);
    }

    /**
     * Reads the manifest and checks every file it lists; nothing is loaded.
     *
     * @throws InvalidArtifactException if a file is missing, or its size or sha256 differ
     */
    public static ArtifactManifest verify(Path dir) throws InvalidArtifactException {
        return verify(dir, dir.toString());
    }

    /**
     * Like {@link #verify(Path)}, naming the artifact {@code name} in messages rather than by its
     * directory: a downloaded version's errors are shown to clients, and the paths of the machine
     * that downloaded it mean nothing to them.
     */
    public static ArtifactManifest verify(Path dir, String name) throws InvalidArtifactException {
        ArtifactManifest manifest = readManifest(dir, name);
        if (!ArtifactManifest.FORMAT.equals(manifest.format())) {
            throw new InvalidArtifactException(name + ": unsupported artifact format '" + manifest.format()
                    + "', expected " + ArtifactManifest.FORMAT);
        }
        if (manifest.hyperparameters() == null) {
            throw new InvalidArtifactException(name + ": the manifest has no hyperparameters");
        }
        String family = manifest.hyperparameters().family().architecture();
        if (!family.equals(manifest.architecture())) {
            throw new InvalidArtifactException(name + ": the manifest's architecture '" + manifest.architecture()
                    + "' contradicts its hyperparameters' family (" + family + ")");
        }
        List<ArtifactFile> files = manifest.files() == null ? List.of() : manifest.files();
        Set<String> listed = Set.copyOf(files.stream().map(ArtifactFile::path).toList());
        List<String> required = List.of(manifest.tokenizer(), manifest.weights());
        for (String file : required) {
            if (file == null || !listed.contains(file)) {
                throw new InvalidArtifactException(name + ": the manifest does not list " + file);
            }
        }
        for (ArtifactFile expected : files) {
            Path file = dir.resolve(expected.path()).normalize();
            if (!file.startsWith(dir.normalize())) {
                throw new InvalidArtifactException(name + ": the manifest names a file outside the artifact: "
                        + expected.path());
            }
            ArtifactFile actual;
            try {
                actual = describe(dir, expected.path());
            } catch (NoSuchFileException e) {
                if (!required.contains(expected.path())) {
                    continue; // the report: absent is harmless, altered is not
                }
                throw new InvalidArtifactException(name + ": " + expected.path() + " is missing");
            } catch (IOException e) {
                throw new InvalidArtifactException(name + ": cannot read " + expected.path(), e);
            }
            if (actual.size() != expected.size() || !actual.sha256().equalsIgnoreCase(expected.sha256())) {
                throw new InvalidArtifactException(String.format(
                        "%s: %s does not match the manifest (expected %d bytes, sha256 %s; found %d bytes,"
                                + " sha256 %s); refusing to load it",
                        name, expected.path(), expected.size(), expected.sha256(), actual.size(), actual.sha256()));
            }
        }
        return manifest;
    }

    /**
     * Refuses {@code manifest}'s artifact if the files {@code counted} accepts add up to more than
     * {@code maxBytes}, by the sizes the manifest lists: before anything is downloaded or loaded.
     */
    public static void requireFits(ArtifactManifest manifest, Predicate<ArtifactFile> counted, long maxBytes,
            String name) throws ModelTooLargeException {
        long bytes = manifest.files() == null ? 0
                : manifest.files().stream().filter(counted).mapToLong(ArtifactFile::size).sum();
        if (bytes > maxBytes) {
            throw new ModelTooLargeException(String.format("%s: %,d bytes of model files, over the %,d this"
                    + " function may load (classifier.limits.max-model-size, by default from its memory);"
                    + " refusing it before it runs out of memory", name, bytes, maxBytes));
        }
    }

    /** Verifies the artifact in {@code dir} and loads it for inference on the CPU. */
    public static TextClassifier load(Path dir) throws IOException {
        return load(dir, dir.toString());
    }

    /** Like {@link #load(Path)}, naming the artifact {@code name} in messages (see {@link #verify(Path, String)}). */
    public static TextClassifier load(Path dir, String name) throws IOException {
        return loadVerified(dir, verify(dir, name), name);
    }

    /**
     * Loads an artifact its caller has just verified against {@code manifest} (as
     * {@code ModelRegistry.download} does), without hashing its files a second time: at a cold start
     * that second pass cost 100-180 ms of a 1.3-2.4 s first answer.
     */
    public static TextClassifier loadVerified(Path dir, ArtifactManifest manifest, String name) throws IOException {
        Block block = manifest.hyperparameters().family().newBlock(manifest.hyperparameters());
        Model model = Model.newInstance(manifest.name());
        try {
            loadWeights(dir, name, manifest, block, model.getNDManager());
            model.setBlock(block);
            HuggingFaceTokenizer tokenizer;
            try {
                tokenizer = openTokenizer(dir.resolve(manifest.tokenizer()), manifest.maxSequenceLength());
            } catch (IOException | RuntimeException e) {
                // Its bytes match the manifest, so it reads the same way every time: the artifact is broken.
                throw new InvalidArtifactException(name + ": " + manifest.tokenizer()
                        + " is not a tokenizer the Hugging Face tokenizers library reads: " + e.getMessage(), e);
            }
            return new TextClassifier(manifest, model, tokenizer);
        } catch (IOException | RuntimeException | Error e) {
            // An Error too (a tensor larger than the direct memory left, a native library that
            // does not link): the half-loaded weights live in native memory the GC never frees.
            model.close();
            throw e;
        }
    }

    /**
     * Loads the weights into {@code block}, checking every parameter's shape against the shape the
     * manifest's hyperparameters call for; DJL's loader takes whatever shape the file holds.
     */
    private static void loadWeights(Path dir, String name, ArtifactManifest manifest, Block block,
            NDManager manager) throws IOException {
        Map<String, Shape> expected;
        try (NDManager scratch = manager.newSubManager()) {
            block.initialize(scratch, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            expected = parameterShapes(block);
        }
        try (DataInputStream in = new DataInputStream(
                new BufferedInputStream(Files.newInputStream(dir.resolve(manifest.weights()))))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            throw new InvalidArtifactException(name + ": the weights do not fit the manifest's architecture: "
                    + e.getMessage(), e);
        }
        Map<String, Shape> loaded = parameterShapes(block);
        if (!expected.equals(loaded)) {
            String differences = expected.keySet().stream()
                    .filter(parameter -> !expected.get(parameter).equals(loaded.get(parameter)))
                    .map(parameter -> parameter + " " + loaded.get(parameter) + " instead of " + expected.get(parameter))
                    .collect(Collectors.joining(", "));
            throw new InvalidArtifactException(name + ": the weights do not fit the manifest's architecture: "
                    + differences);
        }
    }

    private static Map<String, Shape> parameterShapes(Block block) {
        Map<String, Shape> shapes = new TreeMap<>();
        block.getParameters().forEach(pair -> shapes.put(pair.getKey(), pair.getValue().getArray().getShape()));
        return shapes;
    }

    /**
     * Opens a {@code tokenizer.json} that truncates to {@code maxLength} tokens and pads a batch to
     * its longest text.
     */
    public static HuggingFaceTokenizer openTokenizer(Path tokenizerJson, int maxLength) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optPadding(true)
                .optMaxLength(maxLength)
                .build();
    }

    /** Reads {@code manifest.json} without checking the files it lists; see {@link #verify}. */
    public static ArtifactManifest readManifest(Path dir) throws InvalidArtifactException {
        return readManifest(dir, dir.toString());
    }

    /** Like {@link #readManifest(Path)}, naming the artifact {@code name} in messages. */
    public static ArtifactManifest readManifest(Path dir, String name) throws InvalidArtifactException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new InvalidArtifactException(name + ": no " + MANIFEST + "; is this a model artifact directory?");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), ArtifactManifest.class);
        } catch (JsonProcessingException e) {
            throw new InvalidArtifactException(name + "/" + MANIFEST + ": not a valid manifest: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidArtifactException(name + "/" + MANIFEST + ": cannot read it", e);
        }
    }

    private static ArtifactFile describe(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        return new ArtifactFile(name, Files.size(file), Sha256.of(file));
    }

    /** The manifest as JSON, as it is written to {@code manifest.json}. */
    public static String toJson(ArtifactManifest manifest) throws JsonProcessingException {
        return Json.INDENTED.writeValueAsString(manifest);
    }
}
