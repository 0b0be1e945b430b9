package dev.transformerlambda.serving;

import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.ArtifactFile;
import dev.transformerlambda.model.InvalidArtifactException;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The training report ({@code report.html}) of the version being served. Serving never downloads
 * it (see {@link ModelRegistry.Contents#MODEL_ONLY}), so it is read from the registry the first
 * time someone asks, then kept in memory: versions are immutable, so a kept report never goes stale.
 */
@ApplicationScoped
public class ModelReports {

    /** A few versions' worth: a long-lived instance that swaps often must not grow without bound. */
    private static final int KEPT_VERSIONS = 8;

    private final ModelService models;
    private final Optional<ModelRegistry> registry;
    private final Path localArtifact;
    /** Where reports come from, for messages: the registry or the artifact directory. */
    private final String source;
    private final Map<String, Optional<String>> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
            return size() > KEPT_VERSIONS;
        }
    };

    ModelReports(ModelService models, ServingConfig config, Instance<S3Client> s3) {
        this.models = models;
        ServingConfig.S3 s3Config = config.s3();
        boolean fromRegistry = config.modelUri().startsWith("s3://");
        this.registry = fromRegistry
                ? Optional.of(new ModelRegistry(s3.get(), RegistryUri.parse(config.modelUri()),
                        new ModelRegistry.ReadTimeouts(s3Config.checkAttemptTimeout(), s3Config.checkTimeout(),
                                s3Config.downloadTimeout())))
                : Optional.empty();
        this.localArtifact = fromRegistry ? null : Path.of(config.modelUri());
        this.source = fromRegistry ? config.modelUri() : localArtifact.toAbsolutePath().toString();
    }

    /**
     * A version's report.
     *
     * @param version the version it belongs to
     * @param html the report, or empty where the version was published without one
     */
    public record Report(String version, Optional<String> html) {}

    /**
     * The report of the version serving now.
     *
     * @throws ModelUnavailableException if no model is loaded yet
     * @throws ReportUnavailableException if the registry cannot be read or the report is damaged
     */
    public Report served() {
        String version = models.servedVersion().orElseThrow(() -> new ModelUnavailableException(
                "no model is loaded yet, so there is no training report to show"));
        synchronized (kept) {
            Optional<String> html = kept.get(version);
            if (html != null) {
                return new Report(version, html);
            }
        }
        // Read outside the lock: a slow registry must not hold up reports already kept.
        Optional<String> html = read(version);
        synchronized (kept) {
            kept.put(version, html);
        }
        return new Report(version, html);
    }

    private Optional<String> read(String version) {
        try {
            Optional<byte[]> bytes = registry.isPresent()
                    ? registry.get().readFile(version, ModelArtifact.REPORT)
                    : readLocal(version);
            return bytes.map(b -> new String(b, StandardCharsets.UTF_8));
        } catch (IOException | SdkException e) {
            throw new ReportUnavailableException("cannot read the training report of " + version + " from "
                    + source + ": " + e.getMessage(), e);
        }
    }

    private Optional<byte[]> readLocal(String version) throws IOException {
        String name = localArtifact.toAbsolutePath().toString();
        ArtifactManifest manifest = ModelArtifact.readManifest(localArtifact, name);
        if (!version.equals(manifest.version())) {
            // The directory was rewritten after it was loaded; its report is another model's.
            throw new InvalidArtifactException(name + " now holds " + manifest.version() + ", not " + version);
        }
        Optional<ArtifactFile> listed = manifest.files() == null ? Optional.empty()
                : manifest.files().stream().filter(f -> f.path().equals(ModelArtifact.REPORT)).findFirst();
        if (listed.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(localArtifact.resolve(ModelArtifact.REPORT));
        if (!Sha256.of(bytes).equalsIgnoreCase(listed.get().sha256())) {
            throw new InvalidArtifactException(name + ": " + ModelArtifact.REPORT + " does not match the manifest");
        }
        return Optional.of(bytes);
    }
}
