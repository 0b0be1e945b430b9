package dev.transformerlambda.cli;

import dev.transformerlambda.data.DataSource;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.model.ArtifactManifest.Promotion;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.Pooling;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.training.CheckpointStore;
import dev.transformerlambda.training.ClassifierTrainer;
import dev.transformerlambda.training.PromotionGate;
import dev.transformerlambda.training.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code train}: learns a classifier from labelled text and writes its artifact directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a classifier and write a model artifact directory.")
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The exit code when a model was published but not promoted by {@code --promote-if-better}. */
    static final int NOT_PROMOTED = 3;

    @Option(names = "--data", required = true, paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Training data: .tsv, .csv (label,text header) or .jsonl, local or on S3.")
    String data;

    @Option(names = "--val-data", paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Validation data that chooses the epoch and stops training early. Without it,"
                    + " --val-fraction of the training data is held out (per label, seeded).")
    String valData;

    @Option(names = "--val-fraction", description = "Share of the training data held out for validation when"
            + " --val-data is not given (default: ${DEFAULT-VALUE}).")
    float valFraction = TrainingOptions.builder().build().validationFraction();

    @Option(names = "--eval-data", paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Evaluation data, scored once after training for the manifest's metrics and the"
                    + " promotion gate; never used to choose anything.")
    String evalData;

    @Option(names = "--pretrained", paramLabel = "minilm|bge-small|DIR|s3://BUCKET/PREFIX",
            description = "Fine-tune a pretrained BERT-family encoder instead of training from scratch: a shipped"
                    + " one by name, or a Hugging Face checkpoint directory (config.json, model.safetensors,"
                    + " tokenizer.json), local or on S3. Its defaults differ: see --help's values in brackets.")
    String pretrained;

    @Option(names = "--output", description = "The artifact directory to create; must not exist."
            + " Without it, a temporary directory (with --publish).")
    Path output;

    @Option(names = "--publish", paramLabel = "s3://BUCKET/PREFIX/NAME",
            description = "Publish the trained model to this registry as a new version.")
    String publish;

    @Option(names = "--promote-if-better", description = "With --publish: serve the new version unless it is"
            + " worse than the current one on the evaluation data by more than --promotion-margin.")
    boolean promoteIfBetter;

    @Option(names = "--promotion-margin", description = "Accuracy the new model may lose and still be promoted"
            + " (default: ${DEFAULT-VALUE}).")
    double promotionMargin = 0.0;

    @Option(names = "--checkpoint", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Save a checkpoint after every epoch under LOCATION/JOB_ID, and resume from the latest"
                    + " one there.")
    String checkpoint;

    @Option(names = "--job-id", defaultValue = "${env:AWS_BATCH_JOB_ID}",
            description = "Names the checkpoints of this run; a restarted job with the same id resumes"
                    + " (default: $AWS_BATCH_JOB_ID, else the model name).")
    String jobId;

    @Mixin
    S3Options s3Options;

    // Options left out keep the defaults of the kind of run: TrainingOptions.builder() from scratch,
    // TrainingOptions.fineTuning(...) with --pretrained.
    @Option(names = "--name", description = "Model name (default: classifier).")
    String name;

    @Option(names = "--layers", description = "Encoder layers, from scratch (default: 2).")
    Integer layers;

    @Option(names = "--width", description = "Embedding and hidden size, from scratch (default: 128).")
    Integer width;

    @Option(names = "--heads", description = "Attention heads, from scratch (default: 4).")
    Integer heads;

    @Option(names = "--ffn-size", description = "Feed-forward inner size, from scratch (default: 256).")
    Integer ffnSize;

    @Option(names = "--dropout", description = "Dropout rate (default: 0.3; [0.1]).")
    Float dropout;

    @Option(names = "--token-dropout", description = "Chance a training token becomes [UNK] (default: 0).")
    Float tokenDropout;

    @Option(names = "--max-length", description = "Longest token sequence (default: 64; [128]).")
    Integer maxLength;

    @Option(names = "--pooling", description = "MEAN or CLS (default: MEAN).")
    Pooling pooling;

    @Option(names = "--vocabulary-size", description = "Largest vocabulary, from scratch (default: 8000).")
    Integer vocabularySize;

    @Option(names = "--min-frequency", description = "Fewest occurrences to merge a word piece (default: 2).")
    Integer minFrequency;

    @Option(names = "--epochs", description = "Most epochs (default: 10; [4]).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Texts per step (default: 32).")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "Peak learning rate (default: 1e-3; [5e-5]).")
    Float learningRate;

    @Option(names = "--head-learning-rate", description = "The classification head's peak learning rate"
            + " (default: the learning rate; [1e-3]).")
    Float headLearningRate;

    @Option(names = "--max-grad-norm", description = "Clip gradients to this global norm; 0 for never (default: 1).")
    Float maxGradNorm;

    @Option(names = "--weight-decay", description = "AdamW weight decay, matrices only (default: 0.01).")
    Float weightDecay;

    @Option(names = "--warmup", description = "Share of steps spent warming up (default: 0.1).")
    Float warmup;

    @Option(names = "--patience", description = "Epochs without improvement before stopping (default: 3; [2]).")
    Integer patience;

    @Option(names = "--seed", description = "Random seed (default: 42).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        if (output == null && publish == null) {
            throw new ParameterException(spec.commandLine(), "give --output, --publish, or both");
        }
        if (promoteIfBetter && publish == null) {
            throw new ParameterException(spec.commandLine(), "--promote-if-better needs --publish");
        }
        if (promoteIfBetter && evalData == null) {
            throw new ParameterException(spec.commandLine(), "--promote-if-better needs --eval-data: models are"
                    + " compared on data neither was chosen on");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (S3Access s3 = new S3Access(s3Options)) {
            DataSource source = new DataSource(s3::client);
            TrainingOptions options = options();
            LabelledDataset train = source.read(data);
            ValidationSplit split = valData != null ? ValidationSplit.given(train, source.read(valData))
                    : ValidationSplit.carve(train, options.validationFraction(), options.seed());
            LabelledDataset evaluation = evalData == null ? null : source.read(evalData);
            RegistryUri registryUri = publish == null ? null : RegistryUri.parse(publish);
            Path artifact = output != null ? output
                    : Files.createTempDirectory("transformer-lambda-").resolve(options.name());
            CheckpointStore checkpoints = checkpoint == null ? null
                    : CheckpointStore.at(checkpoint.replaceAll("/+$", "") + "/" + (jobId != null ? jobId : options.name()),
                            s3::client);
            new ClassifierTrainer(options, out, System.console() != null, checkpoints, s3::client)
                    .train(split, evaluation, artifact);
            return registryUri == null ? 0 : publish(new ModelRegistry(s3.client(), registryUri), artifact, evaluation);
        }
    }

    private int publish(ModelRegistry registry, Path artifact, LabelledDataset evaluation) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Promotion promotion = null;
        if (promoteIfBetter) {
            promotion = new PromotionGate(registry, promotionMargin).decide(artifact, evaluation);
            // Recorded before publishing: a published version never changes.
            ModelArtifact.writeManifest(artifact, ModelArtifact.verify(artifact).withPromotion(promotion));
        }
        String version = registry.publish(artifact);
        out.printf("published %s/%s%n", registry.uri(), version);
        if (promotion == null) {
            return 0;
        }
        if (!promotion.promoted()) {
            out.printf("not promoted: %s%n", promotion.reason());
            return NOT_PROMOTED;
        }
        registry.promote(version);
        out.printf("promoted %s: %s%n", version, promotion.reason());
        return 0;
    }

    /** Creates the S3 client on first use only, so local runs never touch AWS configuration. */
    private static final class S3Access implements AutoCloseable {
        private final S3Options options;
        private S3Client client;

        S3Access(S3Options options) {
            this.options = options;
        }

        synchronized S3Client client() {
            if (client == null) {
                client = options.client();
            }
            return client;
        }

        @Override
        public synchronized void close() {
            if (client != null) {
                client.close();
            }
        }
    }

    /** The options given, over the defaults of the kind of run asked for. */
    TrainingOptions options() {
        TrainingOptions.Builder options = pretrained == null ? TrainingOptions.builder()
                : TrainingOptions.fineTuning(pretrained);
        set(name, options::name);
        set(layers, options::layers);
        set(width, options::width);
        set(heads, options::heads);
        set(ffnSize, options::ffnSize);
        set(dropout, options::dropout);
        set(tokenDropout, options::tokenDropout);
        set(maxLength, options::maxLength);
        set(pooling, options::pooling);
        set(vocabularySize, options::vocabularySize);
        set(minFrequency, options::minFrequency);
        set(epochs, options::epochs);
        set(batchSize, options::batchSize);
        set(learningRate, options::learningRate);
        set(headLearningRate, options::headLearningRate);
        set(maxGradNorm, options::maxGradNorm);
        set(weightDecay, options::weightDecay);
        set(warmup, options::warmupFraction);
        set(patience, options::patience);
        set(seed, options::seed);
        return options.validationFraction(valFraction).build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
