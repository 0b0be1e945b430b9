package dev.transformerlambda.scoring;

import dev.transformerlambda.data.DataFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The objects a job scores: every data file in a folder or below an S3 prefix (markers such as
 * {@code _SUCCESS} and hidden files skipped), or the one file or object named.
 */
record InputSelection(ScoringFolder folder, List<InputObject> objects) {

    static InputSelection of(String location, ScoringFolder.S3Access s3) throws IOException {
        boolean onS3 = location.startsWith("s3://");
        if (!onS3 && Files.isRegularFile(Path.of(location))) {
            Path file = Path.of(location).toAbsolutePath();
            return one(new LocalFolder(file.getParent()), file.getFileName().toString());
        }
        ScoringFolder folder = ScoringFolder.at(location, s3);
        List<InputObject> objects = folder.list().stream().filter(InputSelection::isData).toList();
        if (objects.isEmpty() && onS3 && !location.endsWith("/")) {
            // Not a prefix: perhaps one object, listed in the folder above it.
            int slash = location.lastIndexOf('/');
            if (slash > "s3://".length()) {
                return one(ScoringFolder.at(location.substring(0, slash), s3), location.substring(slash + 1));
            }
        }
        if (objects.isEmpty()) {
            throw new ScoringException("nothing to score at " + location + ": no .jsonl, .csv or .tsv (optionally .gz)");
        }
        objects.forEach(InputSelection::requireFormat);
        return new InputSelection(folder, objects);
    }

    private static InputSelection one(ScoringFolder folder, String name) throws IOException {
        InputObject object = folder.list().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new ScoringException("nothing to score at " + folder.locate(name)));
        requireFormat(object);
        return new InputSelection(folder, List.of(object));
    }

    private static boolean isData(InputObject object) {
        String file = object.name().substring(object.name().lastIndexOf('/') + 1);
        return !file.startsWith("_") && !file.startsWith(".");
    }

    private static void requireFormat(InputObject object) {
        try {
            DataFormat.of(object.formatName());
        } catch (IllegalArgumentException e) {
            throw new ScoringException(object.name() + ": unknown format; inputs are .jsonl, .csv or .tsv, each"
                    + " optionally .gz");
        }
    }
}
