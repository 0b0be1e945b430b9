package dev.transformerlambda.cli;

import dev.transformerlambda.data.DataSource;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.data.ValidationSplit;
import dev.transformerlambda.json.Json;
import dev.transformerlambda.model.ArtifactManifest;
import dev.transformerlambda.model.ArtifactManifest.Promotion;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.PointerMovedException;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.report.TrainingReport;
import dev.transformerlambda.training.CheckpointStore;
import dev.transformerlambda.training.ClassifierTrainer;
import dev.transformerlambda.training.PromotionGate;
import dev.transformerlambda.training.SoftTargets;
import dev.transformerlambda.training.TrainingOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A training run's data, output, checkpoints and publishing, shared by {@code train} and {@code
 * distill}: reads the data, carves the validation split, trains, and publishes (through the
 * promotion gate when asked).
 */
final class TrainingRun {

    /** The exit code when a model was published but not promoted by {@code --promote-if-better}. */
    static final int NOT_PROMOTED = 3;
    /**
     * The exit code when the gate promoted a model but {@code current.json} moved while it was
     * scoring (a rollback, another job): published, not promoted, and the comparison is void.
     */
    static final int POINTER_MOVED = 4;

    @Option(names = "--data", required = true, paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Training data: .tsv, .csv (label,text header; other columns allowed) or .jsonl, local or"
                    + " on S3. Repeat it for several files (sentences and phrases); each text is trained on once."
                    + " Rows with the same 'sentence' column go to one side of the validation split together.")
    List<String> data;

    @Option(names = "--val-data", paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Validation data that chooses the epoch and stops training early; its texts (and every"
                    + " row of their sentences' groups) are left out of training. Without it, --val-fraction of the"
                    + " training sentences is held out (per label, seeded).")
    String valData;

    @Option(names = "--val-fraction", description = "Share of the training data held out for validation when"
            + " --val-data is not given (default: ${DEFAULT-VALUE}).")
    float valFraction = TrainingOptions.builder().build().validationFraction();

    @Option(names = "--eval-data", paramLabel = "PATH|s3://BUCKET/KEY",
            description = "Evaluation data, scored once after training for the manifest's metrics and the"
                    + " promotion gate; never used to choose anything.")
    String evalData;

    @Option(names = "--write-validation", paramLabel = "FILE.jsonl", description = "Write the validation"
            + " sentences (label, text) here before training, to score other models on the same split.")
    Path writeValidation;

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

    /** One JSON object a line, {@code label} and {@code text}: any text survives, tabs and line breaks included. */
    private static void writeJsonLines(LabelledDataset data, Path file) throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (LabelledText example : data.examples()) {
                writer.write(Json.MAPPER.writeValueAsString(Map.of("label", example.label(), "text", example.text())));
                writer.newLine();
            }
        }
    }

    /** What a teacher says about the training texts, for {@code distill}, given the student's options. */
    interface Teacher {
        SoftTargets softTargets(TrainingOptions student, ValidationSplit split, LabelledDataset evaluation,
                Supplier<S3Client> s3) throws Exception;
    }

    /**
     * Trains the model {@code model} describes and publishes it as asked.
     *
     * @param teacher the teacher to distill from; null to train on the labels alone
     * @return the command's exit code
     */
    int run(CommandSpec spec, ModelOptions model, Teacher teacher) throws Exception {
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
            TrainingOptions options = model.options(valFraction, teacher != null);
            List<LabelledDataset> train = new ArrayList<>();
            for (String location : data) {
                train.add(source.read(location));
            }
            ValidationSplit split = valData != null ? ValidationSplit.given(train, source.read(valData))
                    : ValidationSplit.carve(train, options.validationFraction(), options.seed());
            if (writeValidation != null) {
                writeJsonLines(split.validation(), writeValidation);
                out.printf("validation sentences written to %s%n", writeValidation);
            }
            LabelledDataset evaluation = evalData == null ? null : source.read(evalData);
            if (evaluation != null) {
                refuseSelectingOn(spec, evaluation, train, split);
            }
            RegistryUri registryUri = publish == null ? null : RegistryUri.parse(publish);
            Path artifact = output != null ? output
                    : Files.createTempDirectory("transformer-lambda-").resolve(options.name());
            CheckpointStore checkpoints = checkpoint == null ? null
                    : CheckpointStore.at(checkpoint.replaceAll("/+$", "") + "/" + (jobId != null ? jobId : options.name()),
                            s3::client);
            SoftTargets softTargets = teacher == null ? null : teacher.softTargets(options, split, evaluation, s3::client);
            new ClassifierTrainer(options, out, System.console() != null, checkpoints, s3::client)
                    .train(split, evaluation, artifact, softTargets);
            if (registryUri == null) {
                return 0;
            }
            try {
                return publish(spec, new ModelRegistry(s3.client(), registryUri), artifact, evaluation);
            } catch (Exception e) {
                if (output == null) {
                    // Otherwise the only copy of hours of training is in a temporary folder nobody knows of.
                    spec.commandLine().getErr().printf("could not publish to %s: %s%nthe trained model is kept in"
                            + " %s; publish it with: publish %s --registry %s%n", registryUri, e, artifact, artifact,
                            registryUri);
                }
                throw e;
            }
        }
    }

    /**
     * Evaluation data that the model is trained or selected on would flatter it, and the promotion
     * gate would compare on it: refused before anything is trained.
     */
    private static void refuseSelectingOn(CommandSpec spec, LabelledDataset evaluation, List<LabelledDataset> train,
            ValidationSplit split) {
        String sha256 = evaluation.sha256();
        String use = sha256.equals(split.validation().sha256()) ? "--val-data"
                : train.stream().anyMatch(file -> sha256.equals(file.sha256())) ? "--data" : null;
        if (use != null) {
            throw new ParameterException(spec.commandLine(), "--eval-data " + evaluation.source() + " is also the "
                    + use + " (the same sha256): it is scored once on data nothing was chosen on; give other data");
        }
    }

    private int publish(CommandSpec spec, ModelRegistry registry, Path artifact, LabelledDataset evaluation)
            throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Promotion promotion = null;
        PromotionGate.Decision decision = null;
        if (promoteIfBetter) {
            decision = new PromotionGate(registry, promotionMargin).decide(artifact, evaluation);
            promotion = decision.promotion();
            // Recorded before publishing: a published version never changes. The report shows the
            // decision too, so it is drawn again and the manifest lists its new sha256.
            ArtifactManifest decided = ModelArtifact.verify(artifact).withPromotion(promotion);
            TrainingReport.write(artifact, decided);
            ModelArtifact.writeManifest(artifact, decided);
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
        try {
            // If-Match on what the gate compared with: a rollback made meanwhile is not undone.
            registry.promote(version, decision.comparedWith());
        } catch (PointerMovedException e) {
            spec.commandLine().getErr().printf("not promoted: the gate compared %s with the version served when it"
                    + " started, and %s%n", version, e.getMessage());
            return POINTER_MOVED;
        }
        out.printf("promoted %s: %s%n", version, promotion.reason());
        return 0;
    }

    /** Creates the S3 client on first use only, so local runs never touch AWS configuration. */
    static final class S3Access implements AutoCloseable {
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

}
