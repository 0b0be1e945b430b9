package dev.transformerlambda.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.DataFile;
import dev.transformerlambda.model.ArtifactManifest.Distillation;
import dev.transformerlambda.model.ArtifactManifest.LeftOut;
import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.ArtifactManifest.Source;
import dev.transformerlambda.model.ArtifactManifest.TrainingSummary;
import dev.transformerlambda.model.ClassificationMetrics;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The manifest of a finished training run, before its files are listed: the data it trained and
 * chose on, how each epoch went, what the kept weights scored, and where the model came from.
 */
final class TrainingManifest {

    private TrainingManifest() {}

    /**
     * @param scored the evaluation set's scores, or the validation split's where there is none
     * @param staging the artifact as written so far: its weights name the version
     * @param softTargets the teacher's, when distilling; null otherwise
     */
    static ArtifactManifest describe(TrainingOptions options, EncoderStart start, List<String> labels,
            ValidationSplit split, LabelledDataset evaluation, Fit fit, ClassificationMetrics scored, double seconds,
            Device[] devices, Path staging, SoftTargets softTargets) throws IOException {
        Instant now = Instant.now();
        LabelledDataset train = split.train();
        LabelledDataset validation = split.validation();
        TrainingSummary training = new TrainingSummary(train.source(), train.sha256(),
                evaluation == null ? null : evaluation.source(), evaluation == null ? null : evaluation.sha256(),
                split.description(), validation.sha256(), train.size(), evaluation == null ? 0 : evaluation.size(),
                validation.size(), fit.epochs(), fit.bestEpoch(), options.batchSize(), options.learningRate(),
                options.headLearningRate(), options.maxGradNorm(), options.weightDecay(), options.warmupFraction(),
                options.tokenDropout(), options.patience(), options.seed(), seconds,
                Arrays.stream(devices).map(Device::toString).collect(Collectors.joining(",")), fit.history(),
                split.files().stream().map(f -> new DataFile(f.source(), f.sha256(), f.rows())).toList(),
                split.leftOut().stream().map(l -> new LeftOut(l.reason(), l.rows())).toList(),
                options.batchTokens() > 0 ? options.batchTokens() : null);
        ModelConfig config = start.config();
        return new ArtifactManifest(options.name(), ModelArtifact.newVersion(now, staging), now.toString(),
                ArtifactManifest.FORMAT, config.family().architecture(), config, config.maxLength(), labels,
                ModelArtifact.TOKENIZER, ModelArtifact.WEIGHTS, training, scored, fit.best().metrics(),
                lineage(start, softTargets), engineVersions(), null, List.of());
    }

    private static Lineage lineage(EncoderStart start, SoftTargets softTargets) {
        if (softTargets == null) {
            return start.lineage();
        }
        Source pretrained = start.lineage() == null ? null : start.lineage().pretrained();
        StudentEmbeddings embeddings = softTargets.studentEmbeddings();
        return new Lineage(pretrained, softTargets.teacher(), new Distillation(softTargets.augmentation(),
                softTargets.unlabelledTexts().size() - softTargets.givenUnlabelled(), softTargets.givenUnlabelled(),
                softTargets.labelWeight(), DistillationLoss.DESCRIPTION, softTargets.teacherEvaluation(),
                embeddings == null ? null : embeddings.describe()));
    }

    private static Map<String, String> engineVersions() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("djl", Engine.getDjlVersion());
        versions.put("engine", Engine.getInstance().getEngineName());
        versions.put("engineVersion", Engine.getInstance().getVersion());
        versions.put("java", System.getProperty("java.version"));
        return versions;
    }
}
