package dev.transformerlambda.serving;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The function's settings, from {@code application.properties} or, in Lambda, from environment
 * variables such as {@code CLASSIFIER_MODEL_URI} and {@code CLASSIFIER_RELOAD_INTERVAL}.
 */
@ConfigMapping(prefix = "classifier")
public interface ServingConfig {

    /** The model to serve: a registry {@code s3://bucket/prefix/name}, or a local artifact directory. */
    String modelUri();

    /** How often, at most, to ask S3 whether {@code current.json} moved. */
    @WithDefault("30s")
    Duration reloadInterval();

    /**
     * How long a reload check may run before the next request starts another. It runs beside the
     * requests, so nothing waits on it but a request that finds no model loaded (up to this long);
     * a check frozen with the process, or stuck on S3, must not block every later one. Above the
     * check's and the download's timeouts, so only a check that ignores them is abandoned.
     */
    @WithDefault("60s")
    Duration reloadCheckAbandonAfter();

    /** Where downloaded versions are kept; only {@code /tmp} is writable in Lambda. */
    @WithDefault("/tmp/models")
    Path cacheDir();

    /** How to reach S3. */
    S3 s3();

    /** Request limits; over them a request gets 413. */
    Limits limits();

    /** libtorch's thread pools, fitted to the function's CPU share rather than to the cores it sees. */
    Threads threads();

    /** S3 access. */
    interface S3 {
        /** An S3-compatible endpoint instead of AWS's, for a local server. */
        Optional<URI> endpointOverride();

        /** Path-style bucket addressing, which local servers need. */
        @WithDefault("false")
        boolean pathStyle();

        /** The region; by default the SDK's chain ({@code AWS_REGION} in Lambda). */
        Optional<String> region();

        /**
         * One attempt to read {@code current.json}. The check runs beside the requests, but a cold
         * instance's requests wait for it, and a check that never ends blocks the next until it is
         * abandoned; with no bound a frozen S3 held a check for 121 s.
         */
        @WithDefault("2s")
        Duration checkAttemptTimeout();

        /** Reading {@code current.json}, the SDK's retries included; then the check has failed. */
        @WithDefault("5s")
        Duration checkTimeout();

        /**
         * Downloading a new version, every file together; apart from the check, as a 90 MB
         * encoder takes seconds where the pointer takes milliseconds.
         */
        @WithDefault("20s")
        Duration downloadTimeout();
    }

    /**
     * libtorch threads. Lambda gives a function about one vCPU per 1,769 MB of memory but shows it
     * more cores than that; threads beyond the share only wait for each other.
     */
    interface Threads {
        /** Threads one operator may split its work over. */
        @WithDefault("1")
        int intraOp();

        /** Operators run at once; a forward pass of this model has nothing to run side by side. */
        @WithDefault("1")
        int interOp();
    }

    /** Request limits. */
    interface Limits {
        /** Texts in one request. */
        @WithDefault("64")
        int maxTexts();

        /** Characters in one text. */
        @WithDefault("2000")
        int maxTextChars();

        /** Bytes in one request body. */
        @WithDefault("262144")
        int maxBodyBytes();

        /**
         * The largest model this function loads: the files a version needs to serve (weights and
         * tokenizer), as its manifest lists them, for example {@code 300M}. A larger version is
         * refused before it is downloaded, rather than running the instance out of memory. By
         * default derived from the function's memory ({@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, see
         * {@link ModelSizeLimit}); no limit outside Lambda.
         */
        Optional<MemorySize> maxModelSize();
    }
}
