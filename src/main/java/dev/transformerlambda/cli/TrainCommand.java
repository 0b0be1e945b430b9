package dev.transformerlambda.cli;

import dev.transformerlambda.data.DataSource;
import dev.transformerlambda.data.LabelledDataset;
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

    private static final TrainingOptions DEFAULTS = TrainingOptions.builder().build();

    @Spec
    CommandSpec spec;

    /** The exit code when a model was published but not promoted by {@code --promote-if-better}. */
    static final int NOT_PROMOTED = 3;

    @Option(names = "--data", required = true, paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Training data: .tsv, .csv (label,text header) or .jsonl, local or on S3.")
    String data;

    @Option(names = "--eval-data", required = true, paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Evaluation data, used for early stopping, the manifest's metrics and the promotion gate.")
    String evalData;

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

    @Option(names = "--name", description = "Model name (default: ${DEFAULT-VALUE}).")
    String name = DEFAULTS.name();

    @Option(names = "--layers", description = "Encoder layers (default: ${DEFAULT-VALUE}).")
    int layers = DEFAULTS.layers();

    @Option(names = "--width", description = "Embedding and hidden size (default: ${DEFAULT-VALUE}).")
    int width = DEFAULTS.width();

    @Option(names = "--heads", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads = DEFAULTS.heads();

    @Option(names = "--ffn-size", description = "Feed-forward inner size (default: ${DEFAULT-VALUE}).")
    int ffnSize = DEFAULTS.ffnSize();

    @Option(names = "--dropout", description = "Dropout rate (default: ${DEFAULT-VALUE}).")
    float dropout = DEFAULTS.dropout();

    @Option(names = "--token-dropout", description = "Chance a training token becomes [UNK] (default: ${DEFAULT-VALUE}).")
    float tokenDropout = DEFAULTS.tokenDropout();

    @Option(names = "--max-length", description = "Longest token sequence (default: ${DEFAULT-VALUE}).")
    int maxLength = DEFAULTS.maxLength();

    @Option(names = "--pooling", description = "MEAN or CLS (default: ${DEFAULT-VALUE}).")
    Pooling pooling = DEFAULTS.pooling();

    @Option(names = "--vocabulary-size", description = "Largest vocabulary (default: ${DEFAULT-VALUE}).")
    int vocabularySize = DEFAULTS.vocabularySize();

    @Option(names = "--min-frequency", description = "Fewest occurrences to merge a word piece (default: ${DEFAULT-VALUE}).")
    int minFrequency = DEFAULTS.minFrequency();

    @Option(names = "--epochs", description = "Most epochs (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs();

    @Option(names = "--batch-size", description = "Texts per step (default: ${DEFAULT-VALUE}).")
    int batchSize = DEFAULTS.batchSize();

    @Option(names = "--learning-rate", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate = DEFAULTS.learningRate();

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay = DEFAULTS.weightDecay();

    @Option(names = "--warmup", description = "Share of steps spent warming up (default: ${DEFAULT-VALUE}).")
    float warmup = DEFAULTS.warmupFraction();

    @Option(names = "--patience", description = "Epochs without improvement before stopping (default: ${DEFAULT-VALUE}).")
    int patience = DEFAULTS.patience();

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Override
    public Integer call() throws Exception {
        if (output == null && publish == null) {
            throw new ParameterException(spec.commandLine(), "give --output, --publish, or both");
        }
        if (promoteIfBetter && publish == null) {
            throw new ParameterException(spec.commandLine(), "--promote-if-better needs --publish");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (S3Access s3 = new S3Access(s3Options)) {
            DataSource source = new DataSource(s3::client);
            LabelledDataset train = source.read(data);
            LabelledDataset evaluation = source.read(evalData);
            RegistryUri registryUri = publish == null ? null : RegistryUri.parse(publish);
            Path artifact = output != null ? output
                    : Files.createTempDirectory("transformer-lambda-").resolve(options().name());
            CheckpointStore checkpoints = checkpoint == null ? null
                    : CheckpointStore.at(checkpoint.replaceAll("/+$", "") + "/" + (jobId != null ? jobId : name),
                            s3::client);
            new ClassifierTrainer(options(), out, System.console() != null, checkpoints)
                    .train(train, evaluation, artifact);
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

    TrainingOptions options() {
        return new TrainingOptions(name, layers, width, heads, ffnSize, dropout, tokenDropout, maxLength, pooling,
                vocabularySize, minFrequency, epochs, batchSize, learningRate, weightDecay, warmup, patience, seed);
    }
}
