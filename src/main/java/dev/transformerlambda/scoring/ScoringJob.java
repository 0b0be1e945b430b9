package dev.transformerlambda.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.translate.TranslateException;
import dev.transformerlambda.json.Json;
import dev.transformerlambda.metrics.EmbeddedMetrics;
import dev.transformerlambda.metrics.EmbeddedMetrics.Unit;
import dev.transformerlambda.model.Prediction;
import dev.transformerlambda.model.TextClassifier;
import dev.transformerlambda.scoring.InputRow.Refused;
import dev.transformerlambda.scoring.InputRow.Text;
import dev.transformerlambda.scoring.JobFiles.Job;
import dev.transformerlambda.scoring.JobFiles.Manifest;
import dev.transformerlambda.scoring.JobFiles.ModelRef;
import dev.transformerlambda.scoring.JobFiles.Part;
import dev.transformerlambda.scoring.JobFiles.SplitDone;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One child of a scoring job: claims the job (or joins the one begun in the output folder), scores
 * its shard's splits that are not done yet, and writes the manifest if it finishes last. A part is
 * written whole, then its split's record: a child killed midway loses at most the split in flight,
 * and running it again picks up there.
 */
public final class ScoringJob {

    /** Reads of a split, when its input breaks off mid-read. */
    private static final int READ_ATTEMPTS = 3;

    /** How often a running split reports its progress. */
    private static final long PROGRESS_NANOS = 10_000_000_000L;

    /** What a job scores, besides the model: the rows' rules and how the inputs are cut. */
    public record Settings(RowRules rules, long splitSize, double maxErrorRate, int threads, int batchSize) {}

    /** What one child did. */
    public record Outcome(int splitsScored, int splitsSkipped, long rows, long refused, boolean finished) {

        static Outcome alreadyFinished() {
            return new Outcome(0, 0, 0, 0, true);
        }
    }

    private final ScoringFolder output;
    private final Settings settings;
    private final PrintWriter log;

    public ScoringJob(ScoringFolder output, Settings settings, PrintWriter log) {
        this.output = output;
        this.settings = settings;
        this.log = log;
    }

    /**
     * Scores {@code shard}'s splits of {@code input} with {@code classifier}, then writes the
     * manifest if every split of the job is done.
     *
     * @param input where the texts are: a folder, or one file or object in it
     * @param command the command line, for the manifest
     */
    public Outcome run(TextClassifier classifier, String manifestSha256, String input, ScoringFolder.S3Access s3,
            Shard shard, String command) throws IOException, TranslateException {
        ModelRef model = new ModelRef(classifier.manifest().name(), classifier.manifest().version(), manifestSha256);
        Optional<Manifest> finished = JobFiles.read(output, JobFiles.MANIFEST, Manifest.class);
        if (finished.isPresent()) {
            requireSameModel(finished.get().model(), model, JobFiles.MANIFEST);
            log.printf("%s is finished already (%d rows scored, %d refused, %d parts); nothing to do%n",
                    output.locate(JobFiles.MANIFEST), finished.get().rowsScored(), finished.get().rowsRefused(),
                    finished.get().parts().size());
            return Outcome.alreadyFinished();
        }
        Job job = claim(model, input, s3, command);
        ScoringFolder inputs = ScoringFolder.at(job.inputFolder(), s3);
        List<Split> splits = SplitPlan.plan(job.inputs(), job.splitSize(), log);
        List<Split> mine = SplitPlan.forShard(splits, shard);
        Set<String> done = names();
        List<Split> todo = mine.stream().filter(split -> !done.contains(split.doneName())).toList();
        long todoBytes = todo.stream().mapToLong(Split::bytes).sum();
        log.printf("scoring with %s %s: shard %s has %d of the job's %d splits (%d bytes), %d done already;"
                        + " %d threads, batches of %d%n", model.name(), model.version(), shard, mine.size(),
                splits.size(), mine.stream().mapToLong(Split::bytes).sum(), mine.size() - todo.size(),
                settings.threads(), settings.batchSize());
        long rows = 0;
        long refused = 0;
        Progress progress = new Progress(todoBytes);
        try (ParallelScorer scorer = new ParallelScorer(classifier, settings.threads(), settings.batchSize())) {
            for (Split split : todo) {
                SplitDone record = score(inputs, split, scorer, progress, model);
                rows += record.rows();
                refused += record.refused();
            }
        }
        boolean complete = finish().isPresent();
        return new Outcome(todo.size(), mine.size() - todo.size(), rows, refused, complete);
    }

    /**
     * Writes {@code _manifest.json} if every split is done and the refused rows are within
     * {@code --max-error-rate}; empty while splits are missing.
     */
    public Optional<Manifest> finish() throws IOException {
        Job job = JobFiles.read(output, JobFiles.JOB, Job.class).orElseThrow(() -> new ScoringException(
                "no scoring job in " + output.location() + " (no " + JobFiles.JOB + ")"));
        List<Split> splits = SplitPlan.plan(job.inputs(), job.splitSize(), new PrintWriter(PrintWriter.nullWriter()));
        Set<String> done = names();
        long missing = splits.stream().filter(split -> !done.contains(split.doneName())).count();
        if (missing > 0) {
            log.printf("%d of %d splits done; the child that finishes last (or score --finish) writes %s%n",
                    splits.size() - missing, splits.size(), JobFiles.MANIFEST);
            return Optional.empty();
        }
        List<SplitDone> records = new ArrayList<>();
        for (Split split : splits) {
            records.add(JobFiles.read(output, split.doneName(), SplitDone.class).orElseThrow());
        }
        long rows = records.stream().mapToLong(SplitDone::rows).sum();
        long refused = records.stream().mapToLong(SplitDone::refused).sum();
        double share = rows + refused == 0 ? 0 : (double) refused / (rows + refused);
        if (share > settings.maxErrorRate()) {
            throw new ScoringException(String.format("%d of %d rows refused (%.2f%%), over --max-error-rate %s:"
                    + " their input and reason are in %s; fix them, or finish with a higher rate"
                    + " (score --finish --max-error-rate R)", refused, rows + refused, 100 * share,
                    settings.maxErrorRate(), output.locate("errors-*.jsonl")));
        }
        Manifest manifest = new Manifest(job.model(), job.input(), job.inputs(), job.rules(), splits.size(), rows,
                refused,
                records.stream().map(r -> new Part(r.part(), r.rows())).toList(),
                records.stream().filter(r -> r.errors() != null).map(r -> new Part(r.errors(), r.refused())).toList(),
                job.started(),
                records.stream().map(SplitDone::finished).max(Comparator.naturalOrder()).orElse(job.started()),
                records.stream().mapToDouble(SplitDone::seconds).sum(), job.command());
        if (output.putIfAbsent(JobFiles.MANIFEST, JobFiles.bytes(manifest))) {
            log.printf("wrote %s: %d rows scored, %d refused, in %d parts%n", output.locate(JobFiles.MANIFEST), rows,
                    refused, splits.size());
        } else {
            log.printf("%s was written by another child%n", output.locate(JobFiles.MANIFEST));
        }
        return Optional.of(manifest);
    }

    private Job claim(ModelRef model, String input, ScoringFolder.S3Access s3, String command) throws IOException {
        Optional<Job> begun = JobFiles.read(output, JobFiles.JOB, Job.class);
        if (begun.isEmpty()) {
            InputSelection selection = InputSelection.of(input, s3);
            Job job = new Job(model, input, selection.folder().location(), selection.objects(), settings.splitSize(),
                    settings.rules(), command, Instant.now().toString());
            if (output.putIfAbsent(JobFiles.JOB, JobFiles.bytes(job))) {
                log.printf("began the job in %s: %d input objects, %d bytes%n", output.location(),
                        job.inputs().size(), job.inputs().stream().mapToLong(InputObject::size).sum());
                return job;
            }
            begun = JobFiles.read(output, JobFiles.JOB, Job.class);
        }
        Job job = begun.orElseThrow();
        requireSameModel(job.model(), model, JobFiles.JOB);
        if (!job.input().equals(input) || job.splitSize() != settings.splitSize()
                || !job.rules().equals(settings.rules())) {
            throw new ScoringException(String.format("%s holds a job begun with --input %s, --split-size %d and %s;"
                    + " this one has --input %s, --split-size %d and %s: use the same options to resume it,"
                    + " or another --output", output.location(), job.input(), job.splitSize(), job.rules(), input,
                    settings.splitSize(), settings.rules()));
        }
        log.printf("joined the job begun in %s at %s%n", output.location(), job.started());
        return job;
    }

    private void requireSameModel(ModelRef found, ModelRef model, String file) {
        if (!found.version().equals(model.version()) || !found.name().equals(model.name())) {
            throw new ScoringException(String.format("%s holds the parts of %s %s (%s); this job scores with %s %s:"
                    + " choose another --output, or delete that one first", output.location(), found.name(),
                    found.version(), file, model.name(), model.version()));
        }
    }

    private Set<String> names() throws IOException {
        return output.list().stream().map(InputObject::name).collect(Collectors.toSet());
    }

    private SplitDone score(ScoringFolder inputs, Split split, ParallelScorer scorer, Progress progress, ModelRef model)
            throws IOException, TranslateException {
        long start = System.nanoTime();
        Counts counts = null;
        for (int attempt = 1; counts == null; attempt++) {
            try {
                counts = scoreOnce(inputs, split, scorer, progress, start);
            } catch (UnreadableInputException e) {
                throw new IOException("split " + split.index() + " (" + split + "): " + e.getMessage(), e);
            } catch (IOException | SdkException e) {
                // The SDK retries a call, not a body that broke off while being read: read the split again.
                if (attempt == READ_ATTEMPTS) {
                    throw new IOException("split " + split.index() + " (" + split + ") failed " + attempt + " times: "
                            + e.getMessage(), e);
                }
                log.printf("split %d (%s): %s; scoring it again in %d s%n", split.index(), split, e.getMessage(),
                        attempt);
                sleep(attempt);
            }
        }
        long rows = counts.rows();
        long refused = counts.refused();
        double seconds = (System.nanoTime() - start) / 1e9;
        SplitDone record = new SplitDone(split.index(), split.object().name(), split.start(), split.end(), rows,
                refused, split.partName(), refused > 0 ? split.errorsName() : null, seconds, Instant.now().toString());
        output.putIfAbsent(split.doneName(), JobFiles.bytes(record));
        progress.finished(split);
        log.printf("split %d (%s): %d rows scored, %d refused, %.0f rows/s -> %s%n", split.index(), split, rows,
                refused, rows / Math.max(seconds, 1e-9), output.locate(split.partName()));
        log.println(EmbeddedMetrics.in("TransformerLambda/Scoring")
                .dimensions("Model")
                .dimension("Model", model.name())
                .metric("Rows", rows, Unit.COUNT)
                .metric("RefusedRows", refused, Unit.COUNT)
                .metric("RowsPerSecond", rows / Math.max(seconds, 1e-9), Unit.COUNT_PER_SECOND)
                .property("version", model.version())
                .property("split", split.index())
                .toJson(Instant.now()));
        log.flush();
        return record;
    }

    /** Rows scored and refused in one split. */
    private record Counts(long rows, long refused) {}

    /** Reads and scores the split into temporary files, then writes its parts. */
    private Counts scoreOnce(ScoringFolder inputs, Split split, ParallelScorer scorer, Progress progress, long start)
            throws IOException, TranslateException {
        Path part = Files.createTempFile("score-part-", ".jsonl");
        Path errors = Files.createTempFile("score-errors-", ".jsonl");
        long rows = 0;
        long refused = 0;
        try {
            try (SplitReader reader = SplitReader.open(inputs, split, settings.rules());
                    BufferedWriter partOut = Files.newBufferedWriter(part, StandardCharsets.UTF_8);
                    BufferedWriter errorsOut = Files.newBufferedWriter(errors, StandardCharsets.UTF_8)) {
                List<Text> round = new ArrayList<>();
                long lastReport = System.nanoTime();
                for (InputRow row = reader.next(); row != null; row = reader.next()) {
                    if (row instanceof Refused bad) {
                        writeRefused(bad, errorsOut);
                        refused++;
                    } else {
                        round.add((Text) row);
                    }
                    if (round.size() >= scorer.roundSize()) {
                        rows += writeScored(round, scorer, partOut);
                        round.clear();
                        if (System.nanoTime() - lastReport > PROGRESS_NANOS) {
                            lastReport = System.nanoTime();
                            progress.report(split, reader.bytesRead(), rows, start);
                        }
                    }
                }
                rows += writeScored(round, scorer, partOut);
            }
            if (refused > 0) {
                output.put(split.errorsName(), errors);
            }
            output.put(split.partName(), part);
        } finally {
            Files.deleteIfExists(part);
            Files.deleteIfExists(errors);
        }
        return new Counts(rows, refused);
    }

    private static void sleep(int seconds) throws IOException {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static long writeScored(List<Text> round, ParallelScorer scorer, BufferedWriter out)
            throws IOException, TranslateException {
        if (round.isEmpty()) {
            return 0;
        }
        List<Prediction> predictions = scorer.score(round.stream().map(Text::text).toList());
        for (int i = 0; i < round.size(); i++) {
            Text row = round.get(i);
            Prediction prediction = predictions.get(i);
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.put("id", row.id());
            line.put("label", prediction.label());
            line.put("score", prediction.score());
            ObjectNode scores = line.putObject("scores");
            prediction.scores().forEach(scores::put);
            if (row.input() != null) {
                line.set("input", row.input());
            }
            out.write(Json.MAPPER.writeValueAsString(line));
            out.write('\n');
        }
        return round.size();
    }

    private static void writeRefused(Refused row, BufferedWriter out) throws IOException {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("object", row.position().object());
        if (row.position().line() > 0) {
            line.put("line", row.position().line());
        } else {
            line.put("offset", row.position().offset());
        }
        line.put("reason", row.reason());
        line.put("input", row.input());
        out.write(Json.MAPPER.writeValueAsString(line));
        out.write('\n');
    }

    /** Progress of a shard, by bytes read: rate and ETA. */
    private final class Progress {
        private final long totalBytes;
        private final long begun = System.nanoTime();
        private long bytesOfFinishedSplits;

        Progress(long totalBytes) {
            this.totalBytes = totalBytes;
        }

        void report(Split split, long splitBytes, long rows, long splitStart) {
            long doneBytes = bytesOfFinishedSplits + Math.min(splitBytes, split.bytes());
            double seconds = (System.nanoTime() - begun) / 1e9;
            double share = totalBytes == 0 ? 1 : (double) doneBytes / totalBytes;
            long eta = share <= 0 ? -1 : (long) (seconds / share - seconds);
            log.printf("split %d (%s): %d rows, %.0f rows/s; shard %.1f%% of %d bytes, ETA %d:%02d%n", split.index(),
                    split, rows, rows / ((System.nanoTime() - splitStart) / 1e9), 100 * share, totalBytes,
                    eta / 60, eta % 60);
            log.flush();
        }

        void finished(Split split) {
            bytesOfFinishedSplits += split.bytes();
        }
    }
}
