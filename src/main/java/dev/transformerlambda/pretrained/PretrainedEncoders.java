package dev.transformerlambda.pretrained;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The one way in: a pretrained encoder by shipped name, or a Hugging Face checkpoint directory, local or on S3. */
public final class PretrainedEncoders {

    private PretrainedEncoders() {}

    /**
     * Reads a pretrained encoder and puts its {@code tokenizer.json} in {@code workDir}.
     *
     * @param spec a shipped encoder's name ({@code minilm}, {@code bge-small}) or a local directory
     *     holding config.json, model.safetensors and tokenizer.json (callers download S3 checkpoints first)
     * @param workDir where the tokenizer is copied; created if missing
     * @throws InvalidCheckpointException if the weights, configuration or tokenizer are unusable
     * @throws IllegalArgumentException if {@code spec} is neither a shipped name nor a directory
     */
    public static PretrainedSource read(String spec, Path workDir) throws IOException {
        return read(spec, workDir, () -> {
            throw new IllegalArgumentException(spec + ": no S3 client was given to read a checkpoint from S3");
        });
    }

    /**
     * As {@link #read(String, Path)}, and also {@code s3://bucket/prefix}: a checkpoint directory on
     * S3, downloaded into {@code workDir} first.
     *
     * @param s3 gives the S3 client, asked for only when {@code spec} is on S3
     */
    public static PretrainedSource read(String spec, Path workDir, Supplier<S3Client> s3) throws IOException {
        if (spec.startsWith("s3://")) {
            Path local = download(spec, s3.get(), workDir.resolve("checkpoint"));
            PretrainedSource source = read(local.toString(), workDir);
            PretrainedEncoder encoder = source.encoder();
            return new PretrainedSource(new PretrainedEncoder(encoder.shape(), encoder.weights(), spec,
                    encoder.sha256()), source.tokenizer());
        }
        if (PretrainedCatalog.find(spec).isPresent()) {
            return PretrainedCatalog.open(spec, workDir);
        }
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("'" + spec + "' is neither a shipped encoder "
                    + PretrainedCatalog.names() + " nor a Hugging Face checkpoint directory");
        }
        Path tokenizer = dir.resolve(PretrainedCatalog.TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizer)) {
            throw new InvalidCheckpointException(dir + ": no " + PretrainedCatalog.TOKENIZER_FILE
                    + " (a fast tokenizer's save_pretrained writes it)");
        }
        PretrainedEncoder encoder = HuggingFaceCheckpointReader.read(dir);
        Files.createDirectories(workDir);
        Path copy = workDir.resolve(PretrainedCatalog.TOKENIZER_FILE);
        Files.copy(tokenizer, copy, StandardCopyOption.REPLACE_EXISTING);
        return new PretrainedSource(encoder, copy);
    }

    /** The three files of a checkpoint under {@code s3://bucket/prefix}, into {@code dir}. */
    private static Path download(String location, S3Client s3, Path dir) throws IOException {
        URI uri = URI.create(location);
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        Files.createDirectories(dir);
        for (String file : List.of(HuggingFaceCheckpointReader.CONFIG, HuggingFaceCheckpointReader.WEIGHTS,
                PretrainedCatalog.TOKENIZER_FILE)) {
            String key = prefix.isEmpty() ? file : prefix + "/" + file;
            try {
                s3.getObject(GetObjectRequest.builder().bucket(uri.getHost()).key(key).build(), dir.resolve(file));
            } catch (NoSuchKeyException e) {
                throw new InvalidCheckpointException(location + ": no " + file + " (s3://" + uri.getHost() + "/" + key
                        + "); a checkpoint directory holds config.json, model.safetensors and tokenizer.json", e);
            }
        }
        return dir;
    }
}
