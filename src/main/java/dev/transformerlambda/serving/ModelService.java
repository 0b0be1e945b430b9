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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Holds the model being served and keeps it current. Lambda freezes the process between
 * invocations, so nothing here runs in the background: the check for a new version is made on the
 * request path, at most once per reload interval, as one conditional GET of {@code current.json}.
 * When it moved, the new version is downloaded, verified, loaded and warmed up by that request,
 * then swapped in atomically; other requests keep using the old model meanwhile, and it is closed
 * once the last of them is done. If anything fails, the old model keeps serving.
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
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private final ReentrantLock checking = new ReentrantLock();
    private volatile long nextCheckNanos;
    private volatile String pointerEtag;
    private volatile ReloadCheck lastCheck;
    /** The refusal of the version current.json names, until it moves again. */
    private volatile ReloadCheck refused;
    /** Whether a version was ever loaded: only the first load is part of the cold start. */
    private boolean everLoaded;

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
    }

    /** The prediction, the model that made it, and how long it took (tokenization and scoring included). */
    public record Result(ArtifactManifest manifest, List<Prediction> predictions, long modelNanos) {}

    void onStart(@Observes StartupEvent event) {
        // Lambda's init phase: load before the first request, so it does not pay for it.
        checkNow();
    }

    void onStop(@Observes ShutdownEvent event) {
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

    /** True while a model is loaded and can serve. */
    public boolean ready() {
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

    private void checkIfDue() {
        if (System.nanoTime() - nextCheckNanos >= 0 && checking.tryLock()) {
            try {
                if (System.nanoTime() - nextCheckNanos >= 0) {
                    check();
                }
            } finally {
                checking.unlock();
            }
        }
    }

    private void checkNow() {
        checking.lock();
        try {
            check();
        } finally {
            checking.unlock();
        }
    }

    /** Runs under {@link #checking}. */
    private void check() {
        try {
            checkOnce();
        } finally {
            // Counted from the end of this check: a cold load does not eat into the first interval.
            Duration wait = current.get() == null ? COLD_RETRY : config.reloadInterval();
            nextCheckNanos = System.nanoTime() + wait.toNanos();
        }
    }

    /** Runs under {@link #checking}. */
    private void checkOnce() {
        if (registry.isEmpty()) {
            if (current.get() == null) {
                loadLocal(Path.of(config.modelUri()));
            }
            return;
        }
        String version = null;
        Optional<PointerRead> pointer = Optional.empty();
        try {
            LoadedModel serving = current.get();
            if (pointerEtag == null) {
                pointer = registry.get().current();
                if (pointer.isEmpty()) {
                    lastCheck = ReloadCheck.failed(null, new IOException(registry.get().uri() + " has no current.json"));
                    metrics.reloadCheck(ServingMetrics.FAILED, "NoCurrentVersion");
                    return;
                }
            } else {
                // Keyed on the ETag whether a model is loaded or not: a cold instance that refused
                // a version does not download it again every second either.
                pointer = registry.get().currentIfChanged(pointerEtag);
                if (pointer.isEmpty()) {
                    lastCheck = refused != null ? refused : ReloadCheck.unchanged(serving.manifest().version());
                    // A refused version still named by current.json counts as failing until it
                    // moves: the alarm on failed checks keeps saying the promoted model is not served.
                    metrics.reloadCheck(lastCheck.result(), refused != null ? "RefusedVersion" : null);
                    return;
                }
            }
            version = pointer.get().pointer().version();
            refused = null;
            if (serving == null || !serving.manifest().version().equals(version)) {
                long start = System.nanoTime();
                ModelRegistry.Downloaded artifact =
                        registry.get().download(version, config.cacheDir(), ModelRegistry.Contents.MODEL_ONLY);
                swapIn(load(artifact.dir(), artifact.manifest(), registry.get().uri() + "/" + version,
                        System.nanoTime() - start));
                lastCheck = ReloadCheck.loaded(version);
                pruneCache(version);
            } else {
                lastCheck = ReloadCheck.unchanged(version);
            }
            metrics.reloadCheck(lastCheck.result(), null);
            pointerEtag = pointer.get().etag();
        } catch (InvalidArtifactException | OutOfMemoryError | LinkageError e) {
            // The version itself is broken, or cannot load in this function (a tensor larger than
            // its memory, a native library that does not link): fetching it again cannot help, so
            // it is not retried until current.json moves; GET /model keeps showing why. Caught
            // here rather than left to the exception mapper, so the request that triggered the
            // check is still answered by the model already loaded.
            refused = ReloadCheck.failed(version, e);
            lastCheck = refused;
            metrics.reloadCheck(ServingMetrics.FAILED, e.getClass().getSimpleName());
            pointer.ifPresent(p -> pointerEtag = p.etag());
            logFailure(e);
            LoadedModel serving = current.get();
            pruneCache(serving == null ? null : serving.manifest().version());
        } catch (Exception e) {
            // Most likely S3 is unreachable or slow; the next check tries again. With no model
            // loaded, the next check reads current.json whole (pointerEtag names nothing refused).
            lastCheck = ReloadCheck.failed(version, e);
            metrics.reloadCheck(ServingMetrics.FAILED, e.getClass().getSimpleName());
            if (current.get() == null) {
                pointerEtag = null;
            }
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

    private void loadLocal(Path dir) {
        try {
            String source = dir.toAbsolutePath().toString();
            swapIn(load(dir, ModelArtifact.verify(dir, source), source, 0));
            lastCheck = ReloadCheck.notWatched();
        } catch (Exception e) {
            lastCheck = ReloadCheck.failed(null, e);
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
        } catch (TranslateException | RuntimeException | Error e) {
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
