package dev.transformerlambda.scoring;

/**
 * One input file or S3 object, as listed when a job begins.
 *
 * @param name its path below the input location (the key below the prefix on S3)
 * @param etag S3's ETag, or a local file's size and modification time: a changed object is refused
 */
public record InputObject(String name, long size, String etag) {

    /** Gzip cannot be read from the middle, so a compressed object is always one split. */
    boolean compressed() {
        return name.endsWith(".gz");
    }

    /** The name without {@code .gz}: its extension gives the format. */
    String formatName() {
        return compressed() ? name.substring(0, name.length() - 3) : name;
    }
}
