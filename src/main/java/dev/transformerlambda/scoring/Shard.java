package dev.transformerlambda.scoring;

import java.util.Map;
import java.util.Optional;

/** One child of a job cut {@code count} ways: {@code index} in {@code [0, count)}. */
public record Shard(int index, int count) {

    /** AWS Batch numbers the children of an array job in this variable. */
    public static final String BATCH_ARRAY_INDEX = "AWS_BATCH_JOB_ARRAY_INDEX";

    public static final Shard WHOLE = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": expected I/N with 0 <= I < N");
        }
    }

    /** {@code I/N}, as {@code --shard} takes it. */
    public static Shard parse(String text) {
        String[] parts = text.split("/", -1);
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("--shard " + text + ": expected I/N, for example 0/4");
    }

    /** In a child of a Batch array job of {@code shards} children: the child's index; else empty. */
    public static Optional<Shard> fromBatch(Map<String, String> environment, int shards) {
        String index = environment.get(BATCH_ARRAY_INDEX);
        return index == null ? Optional.empty() : Optional.of(new Shard(Integer.parseInt(index), shards));
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
