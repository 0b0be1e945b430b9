package dev.transformerlambda.pretrained;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The one way in: a pretrained encoder by shipped name or by local Hugging Face checkpoint directory. */
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
}
