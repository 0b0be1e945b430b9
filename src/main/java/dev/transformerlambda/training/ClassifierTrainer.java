package dev.transformerlambda.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.LinearTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import dev.transformerlambda.model.ArtifactManifest.LearningRate;
import dev.transformerlambda.model.ClassifierTranslator;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.report.TrainingReport;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.commons.io.FileUtils;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Trains a classifier from labelled text and writes its artifact: starts the encoder from scratch
 * or from a pretrained checkpoint ({@link EncoderStart}), runs AdamW with linear warm-up and decay,
 * scores the validation data after every epoch, keeps the best epoch's weights and stops early when
 * validation accuracy stops improving. The evaluation data, if any, is scored once at the end.
 */
public final class ClassifierTrainer {

    private static final int EVALUATION_BATCH = 64;

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
                fit = fit(model, tokenizer, batches, loss, labels, validation, staging, fingerprint,
                        resume(staging, fingerprint));
                scored = evaluation == null ? fit.best() : scoreOnce(model, tokenizer, labels, evaluation, staging);
            }
            FileUtils.deleteDirectory(staging.resolve(".resume").toFile());
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
        try (DataInputStream in = new DataInputStream(Files.newInputStream(staging.resolve(ModelArtifact.WEIGHTS)))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        } catch (MalformedModelException e) {
            throw new IOException("the kept weights do not fit the model: " + e.getMessage(), e);
        }
        try (Predictor<List<String>, List<Prediction>> predictor =
                model.newPredictor(new ClassifierTranslator(tokenizer, labels))) {
            Evaluator.Result result = Evaluator.evaluate(predictor, labels, evaluation, EVALUATION_BATCH);
            log.printf("evaluation (%s, scored once): accuracy %.4f, macro-F1 %.4f%n", evaluation.source(),
                    result.metrics().accuracy(), result.metrics().macroF1());
            return result;
        }
    }

    private Resume resume(Path staging, String fingerprint) throws IOException {
        if (checkpoints == null) {
            return null;
        }
        Optional<Path> latest = checkpoints.fetchLatest(staging.resolve(".resume"));
        return latest.isEmpty() ? null : new Resume(latest.get(), TrainingCheckpoint.read(latest.get(), fingerprint));
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

    private Fit fit(Model model, HuggingFaceTokenizer tokenizer, TokenizedBatches batches, Loss loss, List<String> labels,
            LabelledDataset validation, Path staging, String fingerprint, Resume resume)
            throws IOException, TranslateException {
        int stepsPerEpoch = batches.batchesPerEpoch(options.batchSize(), options.batchTokens());
        int totalSteps = stepsPerEpoch * options.epochs();
        int warmupSteps = Math.round(totalSteps * options.warmupFraction());
        Tracker decay = LinearTracker.builder()
                .setBaseValue(options.learningRate())
                .optSlope(-options.learningRate() / Math.max(1, totalSteps - warmupSteps))
                .optMinValue(0f)
                .build();
        Tracker learningRate = warmupSteps == 0 ? decay
                : WarmUpTracker.builder().setMainTracker(decay).optWarmUpSteps(warmupSteps).build();
        Block block = model.getBlock();
        ResumableAdamW optimizer = ResumableAdamW.builder()
                .learningRate(learningRate)
                .optWeightDecays(options.weightDecay())
                .groups(ParameterGroups.of(block, options.headLearningRate() / options.learningRate()))
                .maxGradNorm(options.maxGradNorm())
                .stepsDone(resume == null ? 0 : resume.checkpoint().stepsDone())
                .build();
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer)
                .optDevices(Engine.getInstance().getDevices());

        Random random = new Random(options.seed());
        Evaluator.Result best = null;
        int bestEpoch = 0;
        int epoch = 0;
        List<Epoch> history = new ArrayList<>();
        if (resume != null) {
            // Weights go in before the trainer initialises the block, which then keeps them.
            resume.loadWeights(block, model.getNDManager());
            Files.copy(resume.dir().resolve(TrainingCheckpoint.BEST_WEIGHTS), staging.resolve(ModelArtifact.WEIGHTS));
            random = resume.checkpoint().random(resume.dir());
            TrainingCheckpoint checkpoint = resume.checkpoint();
            epoch = checkpoint.epoch();
            bestEpoch = checkpoint.bestEpoch();
            best = new Evaluator.Result(checkpoint.best(), 0);
            history.addAll(checkpoint.history());
            // Dropout draws from libtorch's generator, whose state DJL cannot save: reseed it.
            Engine.getInstance().setRandomSeed((int) options.seed() + epoch);
            log.printf("resuming from the checkpoint of epoch %d (best so far: epoch %d, accuracy %.4f)%n",
                    epoch, bestEpoch, best.metrics().accuracy());
        }
        TrainingProgress progress = new TrainingProgress(log, terminal, options.epochs(), stepsPerEpoch);
        // About a hundred learning rates over the run, plus the schedule's corners: enough to draw it.
        int sampleEvery = Math.max(1, totalSteps / 100);
        ClassifierTranslator translator = new ClassifierTranslator(tokenizer, labels);
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(new Shape(1, 8), new Shape(1, 8));
            Map<String, String> parameterNames = parameterNames(block);
            if (resume != null) {
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    optimizer.restore(resume.checkpoint().optimizerState(resume.dir(), manager), parameterNames);
                }
            }
            while (epoch < options.epochs() && (epoch == 0 || epoch - bestEpoch < options.patience())) {
                epoch++;
                int step = 0;
                List<LearningRate> rates = new ArrayList<>();
                List<TokenizedBatches.Batch> epochBatches = batches.epoch(options.batchSize(), options.batchTokens(), random);
                progress.epochStarted(epochBatches.size());
                for (TokenizedBatches.Batch batch : epochBatches) {
                    float stepLoss = trainStep(trainer, optimizer, batch);
                    progress.step(epoch, ++step, batch.size(), stepLoss);
                    int done = optimizer.steps();
                    if (done == 1 || done == warmupSteps || done % sampleEvery == 0) {
                        rates.add(new LearningRate(done, optimizer.learningRate()));
                    }
                }
                if (rates.isEmpty() || rates.get(rates.size() - 1).step() != optimizer.steps()) {
                    rates.add(new LearningRate(optimizer.steps(), optimizer.learningRate()));
                }
                TrainingProgress.EpochPace pace = progress.takeEpoch();
                Evaluator.Result result;
                try (Predictor<List<String>, List<Prediction>> predictor = model.newPredictor(translator)) {
                    result = Evaluator.evaluate(predictor, labels, validation, EVALUATION_BATCH);
                }
                boolean improved = best == null || result.metrics().accuracy() > best.metrics().accuracy();
                Epoch summary = new Epoch(epoch, pace.meanLoss(), result.metrics().accuracy(),
                        result.metrics().macroF1(), pace.sentencesPerSecond(), optimizer.steps(), List.copyOf(rates));
                history.add(summary);
                log.printf("epoch %d: train loss %.4f, validation accuracy %.4f, macro-F1 %.4f%s%n", epoch,
                        summary.trainLoss(), summary.accuracy(), summary.macroF1(),
                        improved ? " (best so far, kept)" : "");
                // Its own line on standard output: in a Batch job CloudWatch makes metrics of it.
                log.println(TrainingMetrics.emf(options.name(), summary, Instant.now()));
                log.flush();
                if (improved) {
                    best = result;
                    bestEpoch = epoch;
                    ModelArtifact.writeWeights(staging, block);
                }
                if (checkpoints != null) {
                    saveCheckpoint(staging, block, optimizer.state(parameterNames), random,
                            new TrainingCheckpoint(fingerprint, epoch, optimizer.steps(), bestEpoch,
                                    best.metrics(), history, Map.of()));
                }
            }
        }
        if (epoch < options.epochs()) {
            log.printf("stopped early after epoch %d: no better validation accuracy for %d epochs%n",
                    epoch, options.patience());
        }
        return new Fit(bestEpoch, best, history);
    }

    private void saveCheckpoint(Path staging, Block block, NDList optimizerState, Random random,
            TrainingCheckpoint state) throws IOException {
        Path dir = Files.createDirectories(staging.resolve(".checkpoint"));
        try {
            ModelArtifact.writeWeights(dir, block);
            Files.copy(staging.resolve(ModelArtifact.WEIGHTS), dir.resolve(TrainingCheckpoint.BEST_WEIGHTS));
            TrainingCheckpoint.write(dir, state, optimizerState, random);
            String name = String.format("epoch-%04d", state.epoch());
            checkpoints.store(dir, name);
            log.printf("checkpoint: epoch %d saved (%s)%n", state.epoch(), name);
        } finally {
            FileUtils.deleteDirectory(dir.toFile());
        }
    }

    /** Parameter id to its stable name in the block, which survives a restart; ids do not. */
    private static Map<String, String> parameterNames(Block block) {
        Map<String, String> names = new LinkedHashMap<>();
        block.getParameters().forEach(pair -> names.put(pair.getValue().getId(), pair.getKey()));
        return names;
    }

    /** A checkpoint to continue from, fetched into {@code dir}. */
    private record Resume(Path dir, TrainingCheckpoint checkpoint) {
        void loadWeights(Block block, NDManager manager) throws IOException {
            try (DataInputStream in = new DataInputStream(
                    Files.newInputStream(dir.resolve(TrainingCheckpoint.WEIGHTS)))) {
                block.loadParameters(manager, in);
            } catch (MalformedModelException e) {
                throw new IOException("the checkpoint's weights do not fit the model: " + e.getMessage(), e);
            }
        }
    }

    /**
     * One optimiser step, data parallel: each device takes a slice of the batch, the gradients of
     * the slices add up (each slice's loss weighted by its share), and the trainer steps once.
     * With one device this is an ordinary step.
     */
    private static float trainStep(Trainer trainer, ResumableAdamW optimizer, TokenizedBatches.Batch batch) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList inputs = new NDList(manager.create(batch.ids()), manager.create(batch.mask()));
            NDList labels = batch.teacherLogits() == null ? new NDList(manager.create(batch.labels()))
                    : new NDList(manager.create(batch.labels()), manager.create(batch.teacherLogits()));
            Batch whole = new Batch(manager, inputs, labels, batch.size(), Batchifier.STACK, Batchifier.STACK, 0, 0);
            float loss = 0;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                for (Batch slice : whole.split(trainer.getDevices(), false)) {
                    NDList logits = trainer.forward(slice.getData(), slice.getLabels());
                    NDArray sliceLoss = trainer.getLoss().evaluate(slice.getLabels(), logits);
                    float share = (float) slice.getSize() / batch.size();
                    collector.backward(share == 1f ? sliceLoss : sliceLoss.mul(share));
                    loss += sliceLoss.getFloat() * share;
                }
            }
            trainer.step();
            optimizer.finishStep();
            return loss;
        }
    }
}
