package dev.transformerlambda.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import dev.transformerlambda.model.ClassifierTranslator;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.report.TrainingReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.io.FileUtils;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Trains a classifier from labelled text and writes its artifact: stages the directory beside its
 * destination, starts the encoder from scratch or from a pretrained checkpoint ({@link
 * EncoderStart}), fits it ({@link FitLoop}, checkpointed by {@link Checkpointer}), scores the kept
 * weights once on the evaluation data, if any, and writes the report and the manifest ({@link
 * TrainingManifest}) before moving the directory into place.
 */
public final class ClassifierTrainer {

    private final TrainingOptions options;
    private final PrintWriter log;
    private final boolean terminal;
    private final CheckpointStore checkpoints;
    private final Supplier<S3Client> s3;

    /**
     * @param log where progress goes
     * @param terminal whether {@code log} is a terminal, where progress redraws one line
     */
    public ClassifierTrainer(TrainingOptions options, PrintWriter log, boolean terminal) {
        this(options, log, terminal, null);
    }

    /**
     * @param checkpoints where to save a checkpoint after every epoch and to resume from; null for
     *     none
     */
    public ClassifierTrainer(TrainingOptions options, PrintWriter log, boolean terminal, CheckpointStore checkpoints) {
        this(options, log, terminal, checkpoints, () -> {
            throw new IllegalArgumentException("no S3 client was given to read " + options.pretrained());
        });
    }

    /** @param s3 gives the S3 client for a pretrained checkpoint on S3; asked for only then */
    public ClassifierTrainer(TrainingOptions options, PrintWriter log, boolean terminal, CheckpointStore checkpoints,
            Supplier<S3Client> s3) {
        this.options = options;
        this.log = log;
        this.terminal = terminal;
        this.checkpoints = checkpoints;
        this.s3 = s3;
    }

    /** What a run produced, and how each epoch went. */
    public record Result(Path artifact, ArtifactManifest manifest, List<Epoch> history) {}

    /**
     * Trains on {@code split.train()}, selects the epoch on {@code split.validation()}, scores the
     * kept weights once on {@code evaluation} (if not null), and writes the artifact to {@code
     * output}, which must not exist yet. The directory appears only once complete.
     */
    public Result train(ValidationSplit split, LabelledDataset evaluation, Path output)
            throws IOException, TranslateException {
        return train(split, evaluation, output, null);
    }

    /**
     * As {@link #train(ValidationSplit, LabelledDataset, Path)}, distilling: the student learns from
     * {@code softTargets}, a teacher's logits for the training texts and augmented ones.
     */
    public Result train(ValidationSplit split, LabelledDataset evaluation, Path output, SoftTargets softTargets)
            throws IOException, TranslateException {
        if (Files.exists(output)) {
            throw new IOException(output + " already exists; an artifact is never overwritten");
        }
        LabelledDataset train = split.train();
        LabelledDataset validation = split.validation();
        List<String> labels = labelsOf(train, validation, evaluation);
        long started = System.nanoTime();
        Engine.getInstance().setRandomSeed((int) options.seed());
        Device[] devices = Engine.getInstance().getDevices();
        log.printf("training %s on %s (%d GPUs found): %d examples %s, choosing the epoch on %d (%s)%s%n",
                options.name(), Arrays.toString(devices), Engine.getInstance().getGpuCount(), train.size(),
                train.labelCounts(), validation.size(), split.description(),
                evaluation == null ? "" : ", scoring " + evaluation.size() + " once at the end");
        split.files().forEach(file -> log.printf("  data %s: %d rows, sha256 %s%n", file.source(), file.rows(),
                file.sha256()));
        split.leftOut().forEach(left -> log.printf("  left out of training: %d rows, %s%n", left.rows(),
                left.reason()));
        if (softTargets != null) {
            log.printf("distilling %s %s: the teacher's logits for those examples, %d unlabelled texts (given, or"
                    + " the teacher's words) and %d augmented texts, label weight %.2f%n",
                    softTargets.teacher().name(), softTargets.teacher().origin(), softTargets.givenUnlabelled(),
                    softTargets.unlabelledTexts().size() - softTargets.givenUnlabelled(), softTargets.labelWeight());
        }

        // Written beside the destination and moved into place at the end, so a crash never
        // leaves a half-written artifact under the final name.
        Path parent = Files.createDirectories(output.toAbsolutePath().getParent());
        Path staging = Files.createDirectory(
                parent.resolve("." + output.getFileName() + ".partial-" + ProcessHandle.current().pid()));
        try (Model model = Model.newInstance(options.name(), devices[0])) {
            EncoderStart start = EncoderStart.prepare(options, train.examples(), labels, model, staging, s3,
                    softTargets == null ? null : softTargets.studentEmbeddings(), log);
            Fit fit;
            Evaluator.Result scored;
            try (HuggingFaceTokenizer tokenizer = ModelArtifact.openTokenizer(start.tokenizer(),
                    start.config().maxLength())) {
                TokenizedBatches batches = new TokenizedBatches(tokenizer, train.examples(), labels, start.padId(),
                        start.unknownId(), options.tokenDropout(), softTargets);
                String fingerprint = TrainingCheckpoint.fingerprint(options, train.sha256(),
                        validation.sha256() + (softTargets == null ? "" : "|" + softTargets.cacheKey() + "|"
                                + DistillationLoss.DESCRIPTION + "|"
                                + (softTargets.studentEmbeddings() == null ? "random"
                                        : softTargets.studentEmbeddings().describe())));
                Loss loss = softTargets == null ? new LabelLoss()
                        : new DistillationLoss(softTargets.labelWeight());
                Checkpointer checkpointer = checkpoints == null ? null : new Checkpointer(checkpoints, staging, log);
                fit = new FitLoop(options, log, terminal).run(model, tokenizer, batches, loss, labels, validation, staging,
                        fingerprint, checkpointer);
                scored = evaluation == null ? fit.best() : scoreOnce(model, tokenizer, labels, evaluation, staging);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            ArtifactManifest described = TrainingManifest.describe(options, start, labels, split, evaluation, fit,
                    scored.metrics(), seconds, devices, staging, softTargets);
            // The report before the manifest, which lists it with its sha256.
            TrainingReport.write(staging, described);
            ArtifactManifest manifest = ModelArtifact.writeManifest(staging, described);
            Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
            log.printf("wrote %s (version %s, epoch %d: validation accuracy %.4f; %s accuracy %.4f, macro-F1 %.4f)"
                            + " in %s%n", output, manifest.version(), fit.bestEpoch(),
                    fit.best().metrics().accuracy(), evaluation == null ? "validation" : "evaluation",
                    manifest.metrics().accuracy(), manifest.metrics().macroF1(),
                    TrainingProgress.format(Duration.ofSeconds((long) seconds)));
            return new Result(output, manifest, fit.history());
        } finally {
            FileUtils.deleteDirectory(staging.toFile());
        }
    }

    /** Scores the kept epoch's weights on the evaluation data: once, after every choice is made. */
    private Evaluator.Result scoreOnce(Model model, HuggingFaceTokenizer tokenizer, List<String> labels,
            LabelledDataset evaluation, Path staging) throws IOException, TranslateException {
        ModelArtifact.readWeights(staging.resolve(ModelArtifact.WEIGHTS), model.getBlock(), model.getNDManager());
        try (Predictor<List<String>, List<Prediction>> predictor =
                model.newPredictor(new ClassifierTranslator(tokenizer, labels))) {
            Evaluator.Result result = Evaluator.evaluate(predictor, labels, evaluation, Evaluator.BATCH);
            log.printf("evaluation (%s, scored once): accuracy %.4f, macro-F1 %.4f%n", evaluation.source(),
                    result.metrics().accuracy(), result.metrics().macroF1());
            return result;
        }
    }

    private static List<String> labelsOf(LabelledDataset train, LabelledDataset... others) {
        List<String> labels = train.labels();
        if (labels.size() < 2) {
            throw new IllegalArgumentException(train.source() + " has only the label " + labels
                    + "; a classifier needs at least 2");
        }
        for (LabelledDataset other : others) {
            List<String> unseen = other == null ? List.of()
                    : other.labels().stream().filter(l -> !labels.contains(l)).toList();
            if (!unseen.isEmpty()) {
                throw new IllegalArgumentException(other.source() + " has labels never seen in training: " + unseen);
            }
        }
        return labels;
    }
}
