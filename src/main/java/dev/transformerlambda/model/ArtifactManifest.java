package dev.transformerlambda.model;

import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: everything needed to rebuild, trust and compare a trained model. The
 * {@code files} list holds the size and sha256 of every other file of the artifact; a loader
 * refuses the artifact if any of them differs, or if the tokenizer or the weights are missing (the
 * report may be).
 *
 * @param name the model's name, for example {@code sst2}
 * @param version sorts by time, for example {@code 20261128T120000Z-1a2b3c}
 * @param created ISO-8601 instant the artifact was written
 * @param format the artifact format, {@link #FORMAT}
 * @param architecture the encoder family, {@link EncoderFamily#architecture()}
 * @param hyperparameters the block's shape
 * @param maxSequenceLength longest token sequence, special tokens included
 * @param labels labels in index order
 * @param tokenizer the tokenizer file, Hugging Face format
 * @param weights the DJL parameter file of the block
 * @param training what it was trained on and how
 * @param metrics scores on the evaluation set, scored once after training and never used to choose
 *     anything; the validation split's scores when training was given no evaluation set
 * @param validationMetrics scores of the kept epoch on the validation data it was chosen on
 * @param lineage the pretrained encoder a model was fine-tuned from; null when trained from scratch
 * @param engine library versions that wrote it
 * @param promotion the promotion gate's decision, when training was asked to promote if better
 * @param files every file but the manifest, with size and sha256
 */
public record ArtifactManifest(
        String name,
        String version,
        String created,
        String format,
        String architecture,
        ModelConfig hyperparameters,
        int maxSequenceLength,
        List<String> labels,
        String tokenizer,
        String weights,
        TrainingSummary training,
        ClassificationMetrics metrics,
        ClassificationMetrics validationMetrics,
        Lineage lineage,
        Map<String, String> engine,
        Promotion promotion,
        List<ArtifactFile> files) {

    public static final String FORMAT = "transformer-lambda/1";

    /**
     * Where a model's knowledge came from besides its training data.
     *
     * @param pretrained the checkpoint it was fine-tuned from; null if none
     * @param teacher the model it was distilled from; null if none
     * @param distillation how it was distilled; null if it was not
     * @param respelledFrom the version this one copies with {@link TreebankSpelling}'s rules added to
     *     its tokenizer (same weights, the same predictions on treebank text); null if none
     */
    public record Lineage(Source pretrained, Source teacher, Distillation distillation, Source respelledFrom) {

        public Lineage(Source pretrained, Source teacher, Distillation distillation) {
            this(pretrained, teacher, distillation, null);
        }
    }

    /**
     * How a student was distilled from its teacher.
     *
     * @param augmentation how the augmented texts were made, in words
     * @param augmentedTexts how many there were, besides the training texts
     * @param unlabelledTexts texts given without labels ({@code --unlabelled-data}, the words of {@code
     *     --word-texts}) the teacher labelled too
     * @param labelWeight the true label's share of the loss where one is known
     * @param loss how the student learned the teacher's logits, in words; null in manifests written
     *     before it was recorded (squared error)
     * @param teacherMetrics the teacher's scores on the student's evaluation data, for comparison
     * @param studentEmbeddings where the student's token embeddings started; null for random
     */
    public record Distillation(String augmentation, int augmentedTexts, int unlabelledTexts, float labelWeight, String loss,
            ClassificationMetrics teacherMetrics, String studentEmbeddings) {}

    /**
     * A model or checkpoint another one was made from.
     *
     * @param name its short name ({@code minilm}), location, or model name
     * @param origin where its weights come from: in words, or the teacher's version
     * @param sha256 the sha256 of its weights file (a teacher: of its manifest)
     */
    public record Source(String name, String origin, String sha256) {}

    /** One file of the artifact. */
    public record ArtifactFile(String path, long size, String sha256) {}

    /**
     * How the model was trained.
     *
     * @param data the training data's location
     * @param dataSha256 the training data file's sha256
     * @param evaluationData the evaluation data's location
     * @param evaluationDataSha256 the evaluation data file's sha256
     * @param trainExamples examples trained on
     * @param evaluationExamples examples evaluated on
     * @param epochs epochs run
     * @param bestEpoch the epoch whose weights were kept (best validation accuracy)
     * @param batchSize texts per step
     * @param learningRate the peak learning rate
     * @param headLearningRate the classification head's peak learning rate
     * @param maxGradNorm gradients were clipped to this global norm; 0 for none
     * @param weightDecay AdamW's decoupled weight decay
     * @param warmupFraction share of steps spent warming the learning rate up
     * @param tokenDropout chance a training token was replaced by {@code [UNK]}
     * @param patience epochs without improvement allowed before stopping
     * @param seed the random seed
     * @param seconds wall-clock training time
     * @param device the device trained on, for example {@code cpu()} or {@code gpu(0)}
     * @param history every epoch run, in order; null in manifests written before it was recorded
     * @param dataFiles every training file read, with its rows; null in manifests written before
     *     several files were taken
     * @param leftOut the rows of those files not trained on, and why (validation sentences and their
     *     trees, repeated texts); null where not recorded
     * @param batchTokens padded tokens per step where steps were cut by tokens, not texts; null otherwise
     */
    public record TrainingSummary(
            String data,
            String dataSha256,
            String evaluationData,
            String evaluationDataSha256,
            String validationData,
            String validationDataSha256,
            int trainExamples,
            int evaluationExamples,
            int validationExamples,
            int epochs,
            int bestEpoch,
            int batchSize,
            float learningRate,
            float headLearningRate,
            float maxGradNorm,
            float weightDecay,
            float warmupFraction,
            float tokenDropout,
            int patience,
            long seed,
            double seconds,
            String device,
            List<Epoch> history,
            List<DataFile> dataFiles,
            List<LeftOut> leftOut,
            Integer batchTokens) {}

    /** A training file as it was read: its location, sha256 and rows. */
    public record DataFile(String location, String sha256, int rows) {}

    /** Rows of the training files that were not trained on, and why. */
    public record LeftOut(String reason, int rows) {}

    /**
     * One epoch of training, as it went: what the training report draws and the job's metrics
     * show. Fields added later read as zero or null from older checkpoints.
     *
     * @param epoch counted from 1
     * @param trainLoss the mean loss of its steps
     * @param accuracy validation accuracy after it
     * @param macroF1 validation macro-F1 after it
     * @param sentencesPerSecond training throughput over its steps, validation excluded
     * @param steps optimiser steps done by its end, counted from the start of training
     * @param learningRates the encoder's learning rate at sampled steps of it, its last step
     *     included; the schedule is piecewise linear and its corners are among the samples
     */
    public record Epoch(int epoch, double trainLoss, double accuracy, double macroF1, double sentencesPerSecond,
            int steps, List<LearningRate> learningRates) {

        /**
         * The encoder's learning rate at the epoch's last step, as the manifest writes it (2.5E-4,
         * not the float's binary expansion 2.500000118743628E-4); NaN if none was recorded.
         */
        public double learningRate() {
            return learningRates == null || learningRates.isEmpty() ? Double.NaN
                    : Double.parseDouble(Float.toString(learningRates.get(learningRates.size() - 1).rate()));
        }
    }

    /** The encoder's learning rate at one optimiser step (counted from 1); the head's is scaled. */
    public record LearningRate(int step, float rate) {}

    /**
     * Whether a newly trained model replaced the one served: both were scored on the same
     * evaluation data, and the new one is promoted unless it is worse by more than the margin.
     *
     * @param decision {@code promoted}, {@code not-promoted} or {@code first-version}
     * @param reason the decision in words
     * @param evaluationData the data both were scored on
     * @param accuracy the new model's accuracy
     * @param comparedWith the version served at the time, if any
     * @param comparedAccuracy that version's accuracy on the same data, if any
     * @param margin how much worse the new model may be and still be promoted
     */
    public record Promotion(String decision, String reason, String evaluationData, double accuracy,
            String comparedWith, Double comparedAccuracy, double margin) {

        public boolean promoted() {
            return !"not-promoted".equals(decision);
        }
    }

    /** A copy of this manifest listing {@code newFiles}. */
    public ArtifactManifest withFiles(List<ArtifactFile> newFiles) {
        return new ArtifactManifest(name, version, created, format, architecture, hyperparameters,
                maxSequenceLength, labels, tokenizer, weights, training, metrics, validationMetrics, lineage, engine,
                promotion, List.copyOf(newFiles));
    }

    /** A copy of this manifest with the promotion gate's decision. */
    public ArtifactManifest withPromotion(Promotion newPromotion) {
        return new ArtifactManifest(name, version, created, format, architecture, hyperparameters,
                maxSequenceLength, labels, tokenizer, weights, training, metrics, validationMetrics, lineage, engine,
                newPromotion, files);
    }
}
