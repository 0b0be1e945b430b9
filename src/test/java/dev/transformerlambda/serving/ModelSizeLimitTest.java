package dev.transformerlambda.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelSizeLimitTest {

    @Test
    void aConfiguredLimitWinsOverTheFunctionsMemory() {
        assertEquals(1_048_576, ModelSizeLimit.of(Optional.of(new MemorySize(BigInteger.valueOf(1_048_576))),
                Optional.of("2048")));
    }

    @Test
    void theDefaultLeavesTheBaseAndRoomForTwoModelsDuringASwap() {
        // 2048 MB: (2048 - 384) MiB over 5, about 333 MiB; a fine-tuned MiniLM (90 MB) fits at 1024 MB.
        assertEquals((2048L - 384) * 1024 * 1024 / 5, ModelSizeLimit.of(Optional.empty(), Optional.of("2048")));
        assertEquals(134_217_728L, ModelSizeLimit.of(Optional.empty(), Optional.of("1024")));
    }

    @Test
    void outsideLambdaThereIsNoLimitUnlessConfigured() {
        assertEquals(Long.MAX_VALUE, ModelSizeLimit.of(Optional.empty(), Optional.empty()));
        assertEquals(Long.MAX_VALUE, ModelSizeLimit.of(Optional.empty(), Optional.of("not a number")));
    }

    @Test
    void aFunctionSmallerThanTheBaseLoadsNothing() {
        assertEquals(0, ModelSizeLimit.of(Optional.empty(), Optional.of("256")));
    }
}
