package dev.transformerlambda.scoring;

import dev.transformerlambda.data.DataFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts a job's input listing into splits and deals them to shards. Both are pure functions of the
 * listing, so every child of an array job, planning on its own, agrees on who does what.
 */
public final class SplitPlan {

    private SplitPlan() {}

    /**
     * One split per object; an object larger than {@code splitSize} is cut into byte ranges, unless
     * it is compressed or CSV (whose quoted fields may hold line breaks), which is read whole.
     */
    public static List<Split> plan(List<InputObject> objects, long splitSize, PrintWriter log) {
        List<Split> splits = new ArrayList<>();
        for (InputObject object : objects) {
            boolean cuttable = !object.compressed() && DataFormat.of(object.formatName()) != DataFormat.CSV;
            if (object.size() <= splitSize || !cuttable) {
                if (object.size() > splitSize) {
                    log.printf("%s (%d bytes) is read whole: %s%n", object.name(), object.size(),
                            object.compressed() ? "gzip cannot be read from the middle"
                                    : "a CSV may quote line breaks, so it cannot be cut on lines");
                }
                splits.add(new Split(splits.size(), object, 0, object.size()));
                continue;
            }
            for (long start = 0; start < object.size(); start += splitSize) {
                splits.add(new Split(splits.size(), object, start, Math.min(object.size(), start + splitSize)));
            }
        }
        return splits;
    }

    /**
     * The splits of {@code shard}, balanced by bytes: largest first, each to the shard with the
     * fewest bytes so far (ties to the lowest shard), then in split order.
     */
    public static List<Split> forShard(List<Split> splits, Shard shard) {
        long[] load = new long[shard.count()];
        List<Split> mine = new ArrayList<>();
        List<Split> bySize = splits.stream()
                .sorted(Comparator.comparingLong(Split::bytes).reversed().thenComparingInt(Split::index))
                .toList();
        for (Split split : bySize) {
            int lightest = 0;
            for (int i = 1; i < load.length; i++) {
                if (load[i] < load[lightest]) {
                    lightest = i;
                }
            }
            load[lightest] += Math.max(1, split.bytes());
            if (lightest == shard.index()) {
                mine.add(split);
            }
        }
        mine.sort(Comparator.comparingInt(Split::index));
        return mine;
    }
}
