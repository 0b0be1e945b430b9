package dev.transformerlambda.training;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.TrainingSummary;
import dev.transformerlambda.model.ArtifactManifest.Promotion;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.ModelRegistry.PointerRead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.io.FileUtils;

/**
 * Decides whether a newly trained model should replace the one being served: both are scored on
 * the same evaluation data, and the new one wins unless it is worse by more than a margin. The
 * decision holds for the pointer as it was read: promote with {@link Decision#comparedWith()}, so
 * that a rollback made while the models were being scored is not silently undone.
 */
public final class PromotionGate {

    private final ModelRegistry registry;
    private final double margin;

    /** @param margin how much lower the new model's accuracy may be and still be promoted */
    public PromotionGate(ModelRegistry registry, double margin) {
        this.registry = registry;
        this.margin = margin;
    }

    /**
     * The gate's decision and the pointer it was made against.
     *
     * @param comparedWith {@code current.json} as read before scoring, empty if there was none
     */
    public record Decision(Promotion promotion, Optional<PointerRead> comparedWith) {}

    /** Compares the artifact in {@code candidate} with the registry's current version. */
    public Decision decide(Path candidate, LabelledDataset evaluation) throws IOException, TranslateException {
        ArtifactManifest manifest = ModelArtifact.verify(candidate);
        Optional<String> chosenOn = usedBy(manifest, evaluation);
        if (chosenOn.isPresent()) {
            return new Decision(new Promotion("not-promoted", "the new model " + chosenOn.get() + " "
                    + evaluation.source() + "; compare on evaluation data neither model was trained or selected on",
                    evaluation.source(), manifest.metrics().accuracy(), null, null, margin), Optional.empty());
        }
        // Training already scored the candidate on its evaluation data; score again only on other data.
        double accuracy = evaluation.sha256().equals(manifest.training().evaluationDataSha256())
                ? manifest.metrics().accuracy()
                : accuracy(candidate, manifest, evaluation);
        Optional<PointerRead> current;
        try {
            current = registry.current();
        } catch (IOException | RuntimeException e) {
            return unreadable("the version served", e, evaluation, accuracy, null, Optional.empty());
        }
        if (current.isEmpty()) {
            return new Decision(new Promotion("first-version", "nothing is served yet", evaluation.source(), accuracy,
                    null, null, margin), current);
        }
        String currentVersion = current.get().pointer().version();
        Path cache = Files.createTempDirectory("promotion-gate-");
        try {
            // Verified as it is downloaded: neither read nor load hashes it again.
            ModelRegistry.Downloaded served;
            try {
                served = registry.download(currentVersion, cache, ModelRegistry.Contents.MODEL_ONLY);
            } catch (IOException | RuntimeException e) {
                return unreadable(currentVersion, e, evaluation, accuracy, currentVersion, current);
            }
            ArtifactManifest servedManifest = served.manifest();
            if (!servedManifest.labels().equals(manifest.labels())) {
                return new Decision(new Promotion("not-promoted", "the labels differ: " + manifest.labels()
                        + " against " + servedManifest.labels() + " served; promote by hand if that is intended",
                        evaluation.source(), accuracy, currentVersion, null, margin), current);
            }
            Optional<String> servedChoseOn = usedBy(servedManifest, evaluation);
            if (servedChoseOn.isPresent()) {
                return new Decision(new Promotion("not-promoted", "the served " + currentVersion + " "
                        + servedChoseOn.get() + " " + evaluation.source() + ", so the comparison would flatter it;"
                        + " compare on other data, or promote by hand", evaluation.source(), accuracy, currentVersion,
                        null, margin), current);
            }
            double currentAccuracy;
            try {
                currentAccuracy = accuracy(served.dir(), servedManifest, evaluation);
            } catch (IOException | TranslateException | RuntimeException e) {
                return unreadable(currentVersion, e, evaluation, accuracy, currentVersion, current);
            }
            boolean better = accuracy >= currentAccuracy - margin;
            String reason = String.format("accuracy %.4f against %.4f of %s on the same data (margin %.4f)",
                    accuracy, currentAccuracy, currentVersion, margin);
            return new Decision(new Promotion(better ? "promoted" : "not-promoted", reason, evaluation.source(),
                    accuracy, currentVersion, currentAccuracy, margin), current);
        } finally {
            FileUtils.deleteDirectory(cache.toFile());
        }
    }

    /**
     * The served version could not be read or scored (S3 failing, a damaged or deleted version): no
     * comparison, so no promotion, but the trained model is still worth publishing rather than
     * losing with the run; an operator promotes it by hand once the served version is looked at.
     */
    private Decision unreadable(String what, Exception e, LabelledDataset evaluation, double accuracy,
            String comparedWith, Optional<PointerRead> current) {
        return new Decision(new Promotion("not-promoted", "the gate could not read " + what + " to compare with ("
                + e + "); check it, then promote this version by hand if it should serve", evaluation.source(),
                accuracy, comparedWith, null, margin), current);
    }

    /**
     * How the model {@code manifest} describes used {@code evaluation}, if it did: trained on it or
     * chose its epoch on it, by the sha256 its manifest records of each file.
     */
    public static Optional<String> usedBy(ArtifactManifest manifest, LabelledDataset evaluation) {
        TrainingSummary training = manifest.training();
        if (training == null) {
            return Optional.empty();
        }
        String sha256 = evaluation.sha256();
        if (sha256.equals(training.validationDataSha256())) {
            return Optional.of("chose its epoch on");
        }
        boolean trainedOn = sha256.equals(training.dataSha256()) || training.dataFiles() != null
                && training.dataFiles().stream().anyMatch(file -> sha256.equals(file.sha256()));
        return trainedOn ? Optional.of("was trained on") : Optional.empty();
    }

    /** Accuracy on {@code evaluation} of the artifact in {@code dir}, verified against {@code manifest}. */
    private static double accuracy(Path dir, ArtifactManifest manifest, LabelledDataset evaluation)
            throws IOException, TranslateException {
        try (TextClassifier classifier = ModelArtifact.loadVerified(dir, manifest, dir.toString());
                Predictor<List<String>, List<Prediction>> predictor = classifier.newPredictor()) {
            return Evaluator.evaluate(predictor, classifier.manifest().labels(), evaluation, Evaluator.BATCH)
                    .metrics().accuracy();
        }
    }
}
