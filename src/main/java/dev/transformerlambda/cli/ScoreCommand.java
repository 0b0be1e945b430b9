package dev.transformerlambda.cli;

import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.scoring.RowRules;
import dev.transformerlambda.scoring.ScoringFolder;
import dev.transformerlambda.scoring.ScoringJob;
import dev.transformerlambda.scoring.ScoringJob.Outcome;
import dev.transformerlambda.scoring.Shard;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code score}: classifies every row of files or S3 objects into JSON Lines parts, resumably. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score every text of JSON Lines, CSV or TSV files (gzip by extension), local or under an"
                + " S3 prefix, into JSON Lines parts and a _manifest.json written last.",
            "Cut into splits, dealt to shards (--shard, or a Batch array job's index); parts already written are"
                + " skipped, so a rerun resumes."})
public final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = ModelLocation.LABEL,
            description = "Model artifact directory, a registry (its current version) or one version on S3."
                    + " Not needed with --finish.")
    String model;

    @Option(names = "--input", paramLabel = "PATH|s3://BUCKET/PREFIX",
            description = "A file or directory, or an S3 prefix or object: .jsonl, .csv, .tsv, each optionally .gz.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "Where the parts, the errors parts and _manifest.json go.")
    String output;

    @Option(names = "--text-field", defaultValue = "text", description = "The field or column with the text (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--id-field", description = "A field or column carried through as each row's id (default: the object and line).")
    String idField;

    @Option(names = "--join-input", description = "Copy each input row's fields into its output row, under \"input\".")
    boolean joinInput;

    @Option(names = "--split-size", defaultValue = "128MB", converter = ByteSize.class, paramLabel = "SIZE",
            description = "Objects larger than this are cut into byte ranges on line boundaries (JSON Lines and TSV;"
                    + " default: ${DEFAULT-VALUE}).")
    long splitSize;

    @Option(names = "--shard", paramLabel = "I/N", description = "Score only shard I of N (from 0).")
    String shard;

    @Option(names = "--shards", paramLabel = "N",
            description = "In a child of an AWS Batch array job of N children: its shard is AWS_BATCH_JOB_ARRAY_INDEX/N.")
    Integer shards;

    @Option(names = "--max-error-rate", defaultValue = "0.01",
            description = "Fail the job when more than this share of rows is refused (default: ${DEFAULT-VALUE}).")
    double maxErrorRate;

    @Option(names = "--max-text-chars", defaultValue = "20000",
            description = "Refuse longer texts (default: ${DEFAULT-VALUE}; the model reads only their first tokens).")
    int maxTextChars;

    @Option(names = "--batch-size", defaultValue = "64", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", description = "Forward passes run at once, one libtorch thread each (default: the vCPUs).")
    Integer threads;

    @Option(names = "--finish", description = "Only write _manifest.json, if every split is done.")
    boolean finishOnly;

    @Mixin
    S3Options s3Options;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RowRules rules = new RowRules(textField, idField, joinInput, maxTextChars);
        ScoringJob.Settings settings = new ScoringJob.Settings(rules, splitSize, maxErrorRate,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads, batchSize);
        try (TrainingRun.S3Access s3 = new TrainingRun.S3Access(s3Options)) {
            ScoringJob job = new ScoringJob(ScoringFolder.at(output, s3::client), settings, out);
            if (finishOnly) {
                return job.finish().isPresent() ? 0 : 1;
            }
            if (model == null || input == null) {
                throw new ParameterException(spec.commandLine(), "score needs --model and --input (or --finish)");
            }
            Shard mine = shard();
            Path work = Files.createTempDirectory("score-");
            try {
                Path artifact = ModelLocation.fetch(model, s3::client, work);
                try (TextClassifier classifier = ModelArtifact.load(artifact)) {
                    Outcome outcome = job.run(classifier, Sha256.of(artifact.resolve(ModelArtifact.MANIFEST)), input,
                            s3::client, mine, "transformer-lambda score " + String.join(" ",
                                    spec.commandLine().getParseResult().originalArgs()));
                    out.printf("shard %s: %d splits scored (%d rows, %d refused), %d done before%s%n", mine,
                            outcome.splitsScored(), outcome.rows(), outcome.refused(), outcome.splitsSkipped(),
                            outcome.finished() ? "; the job is finished" : "");
                }
            } finally {
                FileUtils.deleteDirectory(work.toFile());
            }
        }
        return 0;
    }

    private Shard shard() {
        if (shard != null) {
            return Shard.parse(shard);
        }
        if (shards != null) {
            return Shard.fromBatch(System.getenv(), shards).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--shards " + shards + " is for a child of a Batch array job (" + Shard.BATCH_ARRAY_INDEX
                            + " unset); elsewhere use --shard I/N"));
        }
        return Shard.WHOLE;
    }

    /** {@code 128MB}, {@code 1GB}, {@code 4096}: binary multiples, as S3's part sizes are. */
    static final class ByteSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.strip().toUpperCase(Locale.ROOT).replace("IB", "B");
            long unit = 1;
            for (String[] suffix : new String[][] {{"KB", "10"}, {"MB", "20"}, {"GB", "30"}, {"K", "10"}, {"M", "20"},
                {"G", "30"}, {"B", "0"}}) {
                if (text.endsWith(suffix[0])) {
                    unit = 1L << Integer.parseInt(suffix[1]);
                    text = text.substring(0, text.length() - suffix[0].length()).strip();
                    break;
                }
            }
            long size = Long.parseLong(text) * unit;
            if (size < 1) {
                throw new IllegalArgumentException("a size must be positive: " + value);
            }
            return size;
        }
    }
}
