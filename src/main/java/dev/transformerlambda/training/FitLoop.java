package dev.transformerlambda.training;

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
import dev.transformerlambda.evaluation.Evaluator;
import dev.transformerlambda.model.ArtifactManifest.Epoch;
import dev.transformerlambda.model.ArtifactManifest.LearningRate;
import dev.transformerlambda.model.ClassifierTranslator;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fit loop: AdamW with linear warm-up and decay over the epochs' batches, the validation data
 * scored after every epoch, the best epoch's weights kept, early stopping when validation accuracy
 * stops improving, progress and per-epoch metrics logged, and a checkpoint after every epoch.
 */
final class FitLoop {

    private final TrainingOptions options;
    private final PrintWriter log;
    private final boolean terminal;

    /** @param terminal whether {@code log} is a terminal, where progress redraws one line */
    FitLoop(TrainingOptions options, PrintWriter log, boolean terminal) {
        this.options = options;
        this.log = log;
        this.terminal = terminal;
    }

    /**
     * Trains {@code model} epoch by epoch on {@code batches}, keeping the best epoch's weights (by
     * validation accuracy) in {@code staging}; resumes from and saves to {@code checkpointer} (null
     * for none), whose checkpoints must carry {@code fingerprint}.
     */
    Fit run(Model model, HuggingFaceTokenizer tokenizer, TokenizedBatches batches, Loss loss, List<String> labels,
            LabelledDataset validation, Path staging, String fingerprint, Checkpointer checkpointer)
            throws IOException, TranslateException {
        Checkpointer.Resume resume = checkpointer == null ? null : checkpointer.latest(fingerprint).orElse(null);
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
            resume.restoreBestWeights(staging);
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
                    result = Evaluator.evaluate(predictor, labels, validation, Evaluator.BATCH);
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
                if (checkpointer != null) {
                    checkpointer.save(block, optimizer.state(parameterNames), random,
                            new TrainingCheckpoint(fingerprint, epoch, optimizer.steps(), bestEpoch,
                                    best.metrics(), history, Map.of()));
                }
            }
        }
        if (checkpointer != null) {
            checkpointer.clean();
        }
        if (epoch < options.epochs()) {
            log.printf("stopped early after epoch %d: no better validation accuracy for %d epochs%n",
                    epoch, options.patience());
        }
        return new Fit(bestEpoch, best, history);
    }

    /** Parameter id to its stable name in the block, which survives a restart; ids do not. */
    private static Map<String, String> parameterNames(Block block) {
        Map<String, String> names = new LinkedHashMap<>();
        block.getParameters().forEach(pair -> names.put(pair.getValue().getId(), pair.getKey()));
        return names;
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
