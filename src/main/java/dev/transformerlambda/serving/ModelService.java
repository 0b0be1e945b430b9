package dev.transformerlambda.serving;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.InvalidArtifactException;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.ModelRegistry.PointerRead;
import dev.transformerlambda.registry.RegistryUri;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Holds the model being served and keeps it current. Lambda freezes the process between
 * invocations, so no timer can drive the check for a new version: a request that finds it due (at
 * most once per reload interval) starts it, as one conditional GET of {@code current.json}, on a
 * thread of its own, and is answered at once by the model already loaded. When the pointer moved,
 * that thread downloads, verifies, loads and warms up the new version, then swaps it in atomically;
 * requests keep the model they started with, and the old one is closed once the last of them is
 * done. If anything fails, the old model keeps serving. Only a request that finds no model loaded
 * waits for the check: it has nothing else to answer with.
 *
 * <p>A check frozen with the process carries on when the next invocation thaws it. One that runs
 * past {@code classifier.reload-check-abandon-after} is abandoned: the next request starts another,
 * and whatever the abandoned one finds is dropped, so a late answer never overwrites a newer one.
 */
@ApplicationScoped
public class ModelService {

    private static final Logger LOG = Logger.getLogger(ModelService.class);
    /** While no model is loaded, S3 is retried this often at most, whatever the reload interval. */
    private static final Duration COLD_RETRY = Duration.ofSeconds(1);
    private static final List<String> WARM_UP = List.of("warm up");

    private final ServingConfig config;
    private final Optional<ModelRegistry> registry;
    /** The model's name in the registry (the last part of its URI): what metrics and logs call it. */
    private final String modelName;
    private final ServingMetrics metrics;
    private final long maxModelBytes;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    /** Runs the checks; a thread stuck in an abandoned check does not hold up the next one. */
    private final ExecutorService checker;
    /** Guards {@link #inFlight} and {@link #generation}, and makes a check's results visible at once. */
    private final Object checks = new Object();
    /** The check started last, until another replaces it. */
    private InFlight inFlight;
    /** The generation of the check whose results count; an abandoned check's are dropped. */
    private long generation;
    private volatile long nextCheckNanos = System.nanoTime();
    private volatile String pointerEtag;
    private volatile ReloadCheck lastCheck;
    /** The refusal of the version current.json names, until it moves again. */
    private volatile ReloadCheck refused;
    /** Whether a version was ever loaded: only the first load is part of the cold start. */
    private volatile boolean everLoaded;

    /** A check running on {@link #checker}: which generation, since when, and its end. */
    private record InFlight(long generation, long startedNanos, CompletableFuture<Void> done) {}

    ModelService(ServingConfig config, Instance<S3Client> s3) {
        this.config = config;
        ServingConfig.S3 s3Config = config.s3();
        this.registry = config.modelUri().startsWith("s3://")
                ? Optional.of(new ModelRegistry(s3.get(), RegistryUri.parse(config.modelUri()),
                        new ModelRegistry.ReadTimeouts(s3Config.checkAttemptTimeout(), s3Config.checkTimeout(),
                                s3Config.downloadTimeout())))
                : Optional.empty();
        this.modelName = registry.map(r -> r.uri().name())
                .orElseGet(() -> Path.of(config.modelUri()).getFileName().toString());
        this.metrics = new ServingMetrics(modelName, System.out);
        this.maxModelBytes = ModelSizeLimit.of(config.limits().maxModelSize(),
                Optional.ofNullable(System.getenv(ModelSizeLimit.FUNCTION_MEMORY)));
        AtomicInteger threads = new AtomicInteger();
        this.checker = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "model-check-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The prediction, the model that made it, and how long it took (tokenization and scoring included). */
    public record Result(ArtifactManifest manifest, List<Prediction> predictions, long modelNanos) {}

    void onStart(@Observes StartupEvent event) {
        // Lambda's init phase: load before the first request, so it does not pay for it.
        checkIfDue();
    }

    void onStop(@Observes ShutdownEvent event) {
        checker.shutdownNow();
        LoadedModel model = current.getAndSet(null);
        if (model != null) {
            model.release();
        }
    }

    /**
     * Classifies {@code texts} with the current model.
     *
     * @throws ModelUnavailableException if no model could be loaded yet
     */
    public Result predict(List<String> texts) throws TranslateException {
        checkIfDue();
        LoadedModel model = acquireCurrent();
        try {
            long start = System.nanoTime();
            List<Prediction> predictions = model.predict(texts);
            return new Result(model.manifest(), predictions, System.nanoTime() - start);
        } finally {
            model.release();
        }
    }

    /** The loaded model, if any, and the last reload check. */
    public ModelStatus status() {
        checkIfDue();
        LoadedModel model = current.get();
        if (model == null) {
            return new ModelStatus(null, null, null, null, null, null, null, null, config.modelUri(), lastCheck);
        }
        ArtifactManifest m = model.manifest();
        return new ModelStatus(m.name(), m.version(), m.labels(), m.architecture(), m.metrics(), m.lineage(), m.created(),
                model.loadedAt().toString(), model.source(), lastCheck);
    }

    /** The version serving now, if any: what an answer that is not a prediction reports. */
    public Optional<String> servedVersion() {
        LoadedModel model = current.get();
        return model == null ? Optional.empty() : Optional.of(model.manifest().version());
    }

    /** The model's name in the registry, whatever version serves. */
    public String modelName() {
        return modelName;
    }

    /** The metrics this function writes. */
    public ServingMetrics metrics() {
        return metrics;
    }

    /**
     * True while a model is loaded and can serve. Starts the reload check when it is due, so an
     * instance that started with nothing to serve turns ready once the registry recovers, with
     * readiness probes as its only traffic.
     */
    public boolean ready() {
        checkIfDue();
        return current.get() != null;
    }

    private LoadedModel acquireCurrent() {
        while (true) {
            LoadedModel model = current.get();
            if (model == null) {
                String reason = lastCheck == null || lastCheck.error() == null ? "" : ": " + lastCheck.error();
                throw new ModelUnavailableException("no model is loaded yet from " + config.modelUri() + reason);
            }
            if (model.acquire()) {
                return model;
            }
            // It was swapped out and closed between get() and acquire(); take the new one.
        }
    }

    /**
     * Starts the reload check if it is due; waits for it only while no model is loaded. In Lambda a
     * started check runs while this and later invocations do, and is frozen between them.
     */
    private void checkIfDue() {
        boolean cold = current.get() == null;
        if (!cold && System.nanoTime() - nextCheckNanos < 0) {
            return;
        }
        CompletableFuture<Void> running = startIfDue();
        if (cold && running != null) {
            try {
                running.get(config.reloadCheckAbandonAfter().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // The check records its own failure; this request answers 503 with it.
            }
        }
    }

    /** The check in flight (a new one if it was due), or null when none is due. */
    private CompletableFuture<Void> startIfDue() {
        synchronized (checks) {
            long now = System.nanoTime();
            long abandonAfter = config.reloadCheckAbandonAfter().toNanos();
            if (inFlight != null && !inFlight.done().isDone()) {
                if (now - inFlight.startedNanos() < abandonAfter) {
                    return inFlight.done();
                }
                abandon(inFlight, now);
            } else if (now - nextCheckNanos < 0) {
                return null;
            }
            long started = ++generation;
            CompletableFuture<Void> done = new CompletableFuture<>();
            inFlight = new InFlight(started, now, done);
            // Requests skip the due test until then: a check running that long is abandoned.
            nextCheckNanos = now + abandonAfter;
            try {
                checker.execute(() -> {
                    try {
                        check(started);
                    } catch (RuntimeException | Error e) {
                        LOG.errorf(e, "the model check of %s ended unexpectedly", config.modelUri());
                    } finally {
                        done.complete(null);
                    }
                });
            } catch (RuntimeException shutDown) {
                done.complete(null);
            }
            return done;
        }
    }

    /** Runs under {@link #checks}: the check {@code stuck} counts no more, whatever it finds later. */
    private void abandon(InFlight stuck, long now) {
        Duration ran = Duration.ofNanos(now - stuck.startedNanos());
        lastCheck = ReloadCheck.failed(lastCheck == null ? null : lastCheck.version(), new TimeoutException(
                "the check started " + ran.toSeconds() + " s ago never ended; abandoned, checking again"));
        metrics.reloadCheck(ServingMetrics.FAILED, "Abandoned");
        LOG.warnf("abandoning the model check of %s started %d s ago", config.modelUri(), ran.toSeconds());
    }

    /**
     * Applies what check {@code checkGeneration} found, if it still counts, under {@link #checks}.
     *
     * @return false if a newer check replaced it: nothing was applied
     */
    private boolean commit(long checkGeneration, Runnable results) {
        synchronized (checks) {
            if (checkGeneration != generation) {
                return false;
            }
            results.run();
            return true;
        }
    }

    private void check(long checkGeneration) {
        try {
            checkOnce(checkGeneration);
        } finally {
            // Counted from the end of this check: a cold load does not eat into the first interval.
            commit(checkGeneration, () -> {
                Duration wait = current.get() == null ? COLD_RETRY : config.reloadInterval();
                nextCheckNanos = System.nanoTime() + wait.toNanos();
            });
        }
    }

    /** Looks at the registry, and loads what it names if that is new; records what it found. */
    private void checkOnce(long checkGeneration) {
        if (registry.isEmpty()) {
            if (current.get() == null) {
                loadLocal(Path.of(config.modelUri()), checkGeneration);
            }
            return;
        }
        String version = null;
        Optional<PointerRead> pointer = Optional.empty();
        try {
            LoadedModel serving = current.get();
            String etag = pointerEtag;
            if (etag == null) {
                pointer = registry.get().current();
                if (pointer.isEmpty()) {
                    commit(checkGeneration, () -> {
                        lastCheck = ReloadCheck.failed(null,
                                new IOException(registry.get().uri() + " has no current.json"));
                        metrics.reloadCheck(ServingMetrics.FAILED, "NoCurrentVersion");
                    });
                    return;
                }
            } else {
                // Keyed on the ETag whether a model is loaded or not: a cold instance that refused
                // a version does not download it again every second either.
                pointer = registry.get().currentIfChanged(etag);
                if (pointer.isEmpty()) {
                    commit(checkGeneration, () -> {
                        lastCheck = refused != null ? refused : ReloadCheck.unchanged(serving.manifest().version());
                        // A refused version still named by current.json counts as failing until it
                        // moves: the alarm on failed checks keeps saying the promoted model is not served.
                        metrics.reloadCheck(lastCheck.result(), refused != null ? "RefusedVersion" : null);
                    });
                    return;
                }
            }
            version = pointer.get().pointer().version();
            String newEtag = pointer.get().etag();
            ReloadCheck found;
            if (serving == null || !serving.manifest().version().equals(version)) {
                long start = System.nanoTime();
                ModelRegistry.Downloaded artifact =
                        registry.get().download(version, config.cacheDir(), ModelRegistry.Contents.MODEL_ONLY,
                                maxModelBytes);
                LoadedModel loaded = load(artifact.dir(), artifact.manifest(), registry.get().uri() + "/" + version,
                        System.nanoTime() - start);
                found = ReloadCheck.loaded(version);
                if (!commit(checkGeneration, () -> swapIn(loaded))) {
                    LOG.infof("dropping %s, loaded by an abandoned check", version);
                    loaded.release();
                    return;
                }
            } else {
                found = ReloadCheck.unchanged(version);
            }
            boolean counted = commit(checkGeneration, () -> {
                refused = null;
                lastCheck = found;
                metrics.reloadCheck(found.result(), null);
                pointerEtag = newEtag;
            });
            if (counted && found.result().equals("loaded")) {
                pruneCache(version);
            }
        } catch (InvalidArtifactException | OutOfMemoryError | LinkageError e) {
            // The version itself is broken, or cannot load in this function (a tensor larger than
            // its memory, a native library that does not link): fetching it again cannot help, so
            // it is not retried until current.json moves; GET /model keeps showing why. Caught
            // here rather than left to the exception mapper, so the request that triggered the
            // check is still answered by the model already loaded.
            ReloadCheck refusal = ReloadCheck.failed(version, e);
            Optional<PointerRead> refusedPointer = pointer;
            boolean counted = commit(checkGeneration, () -> {
                refused = refusal;
                lastCheck = refusal;
                metrics.reloadCheck(ServingMetrics.FAILED, e.getClass().getSimpleName());
                refusedPointer.ifPresent(p -> pointerEtag = p.etag());
            });
            logFailure(e);
            if (counted) {
                LoadedModel serving = current.get();
                pruneCache(serving == null ? null : serving.manifest().version());
            }
        } catch (Exception e) {
            // Most likely S3 is unreachable or slow; the next check tries again. With no model
            // loaded, the next check reads current.json whole (pointerEtag names nothing refused).
            ReloadCheck failure = ReloadCheck.failed(version, e);
            commit(checkGeneration, () -> {
                lastCheck = failure;
                metrics.reloadCheck(ServingMetrics.FAILED, e.getClass().getSimpleName());
                if (current.get() == null) {
                    pointerEtag = null;
                }
            });
            logFailure(e);
        }
    }

    /** Keeps only {@code keep} (null: nothing) in the download cache; the rest was loaded or refused. */
    private void pruneCache(String keep) {
        try {
            List<String> deleted = registry.get().pruneCache(config.cacheDir(), keep);
            if (!deleted.isEmpty()) {
                LOG.debugf("deleted cached versions %s", deleted);
            }
        } catch (IOException e) {
            LOG.warnf("cannot prune the model cache in %s: %s", config.cacheDir(), e.toString());
        }
    }

    private void logFailure(Throwable e) {
        LoadedModel serving = current.get();
        LOG.errorf("model check of %s failed, %s: %s", config.modelUri(),
                serving == null ? "no model is loaded" : "still serving " + serving.manifest().version(), e.toString());
    }

    private void loadLocal(Path dir, long checkGeneration) {
        try {
            String source = dir.toAbsolutePath().toString();
            ArtifactManifest manifest = ModelArtifact.verify(dir, source);
            ModelArtifact.requireFits(manifest, file -> !file.path().equals(ModelArtifact.REPORT), maxModelBytes, source);
            LoadedModel loaded = load(dir, manifest, source, 0);
            if (!commit(checkGeneration, () -> {
                swapIn(loaded);
                lastCheck = ReloadCheck.notWatched();
            })) {
                loaded.release();
            }
        } catch (Exception e) {
            commit(checkGeneration, () -> lastCheck = ReloadCheck.failed(null, e));
            LOG.errorf("cannot load the model in %s: %s", dir, e.toString());
        }
    }

    /**
     * Loads and warms up the artifact in {@code artifact}, verified against {@code manifest} by the
     * caller; logs how long each part took.
     */
    private LoadedModel load(Path artifact, ArtifactManifest manifest, String source, long downloadNanos)
            throws IOException, TranslateException {
        long start = System.nanoTime();
        EnginePreload.await();
        useThreads(Engine.getEngine("PyTorch"));
        long engineReady = System.nanoTime();
        TextClassifier classifier = ModelArtifact.loadVerified(artifact, manifest, source);
        long loaded = System.nanoTime();
        LoadedModel model = new LoadedModel(classifier, source);
        try {
            model.predict(WARM_UP);
        } catch (TranslateException | RuntimeException e) {
            model.release();
            // Loaded yet unable to predict (a tokenizer whose ids the weights do not cover, say):
            // the same next time, so refused like a damaged file rather than loaded on every check.
            throw new InvalidArtifactException(source + ": the warm-up prediction failed: " + e, e);
        } catch (Error e) {
            model.release();
            throw e;
        }
        long warm = System.nanoTime();
        boolean first = !everLoaded;
        everLoaded = true;
        metrics.loaded(classifier.manifest().version(), new ServingMetrics.LoadTimes(millis(downloadNanos),
                        millis(engineReady - start), millis(loaded - engineReady), millis(warm - loaded)),
                current.get() != null,
                first ? ManagementFactory.getRuntimeMXBean().getUptime() : Double.NaN);
        LOG.infof("loaded %s %s from %s in %d ms: download %d ms, waited for libtorch %d ms, load %d ms,"
                + " warm-up %d ms%s", classifier.manifest().name(), classifier.manifest().version(), source,
                millis(warm - start + downloadNanos), millis(downloadNanos), millis(engineReady - start),
                millis(loaded - engineReady), millis(warm - loaded),
                EnginePreload.loadMillis() < 0 ? "" : " (libtorch loaded in " + EnginePreload.loadMillis()
                        + " ms beside Quarkus' start)");
        return model;
    }

    /**
     * Sets libtorch's thread pools from the configuration. The inter-op pool can only be sized
     * before its first use, so a second application in the same JVM (tests) keeps the first's.
     */
    private void useThreads(Engine engine) {
        ServingConfig.Threads threads = config.threads();
        if (JniUtils.getNumThreads() != threads.intraOp()) {
            JniUtils.setNumThreads(threads.intraOp());
        }
        if (JniUtils.getNumInteropThreads() != threads.interOp()) {
            try {
                JniUtils.setNumInteropThreads(threads.interOp());
            } catch (RuntimeException e) {
                LOG.warnf("keeping %d inter-op threads of %s: %s", JniUtils.getNumInteropThreads(), engine, e);
            }
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private void swapIn(LoadedModel model) {
        LoadedModel old = current.getAndSet(model);
        if (old != null) {
            old.release();
        }
    }
}
