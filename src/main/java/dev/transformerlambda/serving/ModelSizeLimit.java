package dev.transformerlambda.serving;

import io.quarkus.runtime.configuration.MemorySize;
import java.util.Optional;

/**
 * The largest model the function loads, as {@code classifier.limits.max-model-size} sets it or, by
 * default, as the function's memory allows. A model's weights cost several times their size while
 * it swaps in: the old version and the new are both loaded, each read through a direct buffer of
 * its own before libtorch holds it (docs/reliability.md has the figures this is fitted to).
 */
public final class ModelSizeLimit {

    /** What the function holds without a model: the JVM, Quarkus and libtorch's code. */
    static final long BASE_MEGABYTES = 384;
    /** Memory a byte of model costs at the peak of a swap. */
    static final long BYTES_PER_MODEL_BYTE = 5;
    /** Lambda's setting of the function's memory, in MB. */
    static final String FUNCTION_MEMORY = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

    private ModelSizeLimit() {}

    /**
     * @param configured the configured limit, if any: it wins
     * @param functionMemory the value of {@link #FUNCTION_MEMORY}, if set
     * @return the limit in bytes; {@link Long#MAX_VALUE} where neither says
     */
    public static long of(Optional<MemorySize> configured, Optional<String> functionMemory) {
        if (configured.isPresent()) {
            return configured.get().asLongValue();
        }
        return functionMemory.map(String::trim).filter(m -> m.matches("[0-9]+"))
                .map(m -> fromFunctionMemory(Long.parseLong(m)))
                .orElse(Long.MAX_VALUE);
    }

    /** The default for a function of {@code megabytes} of memory. */
    static long fromFunctionMemory(long megabytes) {
        return Math.max(0, megabytes - BASE_MEGABYTES) * 1024 * 1024 / BYTES_PER_MODEL_BYTE;
    }
}
