package dev.transformerlambda.scoring;

import dev.transformerlambda.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The small JSON files that hold a scoring job together in its output folder: {@code _job.json}
 * (written first, by whichever child starts first: the model, the inputs and the settings every
 * child must share), one {@code _splits/NNNNN.json} per finished split, and {@code _manifest.json}
 * (written last, the mark of a finished job).
 */
final class JobFiles {

    static final String JOB = "_job.json";
    static final String MANIFEST = "_manifest.json";

    private JobFiles() {}

    /** The model a job scores with, pinned by its manifest's sha256. */
    record ModelRef(String name, String version, String manifestSha256) {}

    /** What every child of a job must agree on; the first to start writes it. */
    record Job(ModelRef model, String input, String inputFolder, List<InputObject> inputs, long splitSize,
            RowRules rules, String command, String started) {}

    /** One finished split: its counts and where its rows went. */
    record SplitDone(int split, String object, long start, long end, long rows, long refused, String part,
            String errors, double seconds, String finished) {}

    /** A part and its rows. */
    record Part(String name, long rows) {}

    /** The finished job. Built only from {@link Job} and the splits' records, so two children racing to write it write the same bytes. */
    record Manifest(ModelRef model, String input, List<InputObject> inputs, RowRules rules, int splits,
            long rowsScored, long rowsRefused, List<Part> parts, List<Part> errors, String started,
            String finished, double scoringSeconds, String command) {}

    static byte[] bytes(Object record) throws IOException {
        return Json.INDENTED.writeValueAsBytes(record);
    }

    static <T> Optional<T> read(ScoringFolder folder, String name, Class<T> type) throws IOException {
        Optional<byte[]> bytes = folder.read(name);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(bytes.get(), type));
        } catch (IOException e) {
            throw new IOException(folder.locate(name) + " is not a scoring job's file: " + e.getMessage(), e);
        }
    }
}
