package dev.transformerlambda.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.scoring.InputRow.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitPlanTest {

    private static final RowRules RULES = new RowRules("text", null, false, 20_000);

    @TempDir
    Path dir;

    @Test
    void everyRowIsReadOnceWhateverTheSplitSize() throws IOException {
        Random random = new Random(7);
        List<String> texts = texts(random, 300);
        StringBuilder jsonl = new StringBuilder();
        StringBuilder tsv = new StringBuilder("label\ttext\n");
        for (int i = 0; i < texts.size(); i++) {
            String end = i % 7 == 0 ? "\r\n" : "\n";
            jsonl.append("{\"text\": \"").append(texts.get(i)).append("\"}").append(end);
            tsv.append("x\t").append(texts.get(i)).append(end);
            if (i % 50 == 0) {
                jsonl.append("\n"); // a blank line is no row
            }
        }
        Files.writeString(dir.resolve("rows.jsonl"), jsonl, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("rows.tsv"), tsv, StandardCharsets.UTF_8);
        LocalFolder folder = new LocalFolder(dir);
        for (int trial = 0; trial < 60; trial++) {
            long splitSize = 1 + random.nextInt(trial < 10 ? 40 : 4_000);
            List<Split> splits = SplitPlan.plan(folder.list(), splitSize, new PrintWriter(PrintWriter.nullWriter()));
            for (String name : List.of("rows.jsonl", "rows.tsv")) {
                List<String> read = new ArrayList<>();
                Set<String> ids = new HashSet<>();
                for (Split split : splits) {
                    if (!split.object().name().equals(name)) {
                        continue;
                    }
                    try (SplitReader reader = SplitReader.open(folder, split, RULES)) {
                        for (InputRow row = reader.next(); row != null; row = reader.next()) {
                            Text text = (Text) row;
                            read.add(text.text());
                            assertTrue(ids.add(text.id()), "id " + text.id() + " twice");
                        }
                    }
                }
                assertEquals(texts, read, name + " cut every " + splitSize + " bytes");
            }
        }
    }

    @Test
    void theFirstSplitNumbersLinesAndTheOthersGiveByteOffsets() throws IOException {
        Files.writeString(dir.resolve("a.jsonl"), "{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"text\":\"three\"}\n");
        List<Split> splits = SplitPlan.plan(new LocalFolder(dir).list(), 20, new PrintWriter(PrintWriter.nullWriter()));
        List<String> ids = new ArrayList<>();
        for (Split split : splits) {
            try (SplitReader reader = SplitReader.open(new LocalFolder(dir), split, RULES)) {
                for (InputRow row = reader.next(); row != null; row = reader.next()) {
                    ids.add(((Text) row).id());
                }
            }
        }
        assertEquals(List.of("a.jsonl:1", "a.jsonl:2", "a.jsonl@30"), ids);
    }

    @Test
    void compressedAndCsvObjectsAreNeverCut() {
        List<InputObject> objects = List.of(new InputObject("a.jsonl.gz", 1000, "e"),
                new InputObject("b.csv", 1000, "e"), new InputObject("c.tsv", 1000, "e"));
        List<Split> splits = SplitPlan.plan(objects, 100, new PrintWriter(PrintWriter.nullWriter()));
        assertEquals(12, splits.size());
        assertTrue(splits.get(0).whole());
        assertTrue(splits.get(1).whole());
        assertEquals(List.of(0L, 100L), List.of(splits.get(2).start(), splits.get(3).start()));
    }

    @Test
    void shardsTakeEverySplitOnceBalancedByBytes() {
        Random random = new Random(3);
        List<InputObject> objects = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            objects.add(new InputObject(String.format("o%02d.jsonl", i), 1 + random.nextInt(10_000), "e"));
        }
        List<Split> splits = SplitPlan.plan(objects, 4_000, new PrintWriter(PrintWriter.nullWriter()));
        for (int count = 1; count <= 7; count++) {
            Set<Integer> seen = new HashSet<>();
            long most = 0;
            long least = Long.MAX_VALUE;
            for (int index = 0; index < count; index++) {
                List<Split> mine = SplitPlan.forShard(splits, new Shard(index, count));
                assertEquals(mine, SplitPlan.forShard(splits, new Shard(index, count)), "the same plan every time");
                long bytes = 0;
                for (Split split : mine) {
                    assertTrue(seen.add(split.index()), "split " + split.index() + " in two shards");
                    bytes += split.bytes();
                }
                most = Math.max(most, bytes);
                least = Math.min(least, bytes);
            }
            assertEquals(splits.size(), seen.size());
            assertTrue(most - least <= 4_000, count + " shards: " + least + ".." + most + " bytes");
        }
    }

    @Test
    void aShardIsIOfN() {
        assertEquals(new Shard(2, 3), Shard.parse("2/3"));
        for (String bad : List.of("3/3", "-1/2", "1", "a/b", "1/0")) {
            try {
                Shard.parse(bad);
                throw new AssertionError(bad + " accepted");
            } catch (IllegalArgumentException expected) {
                assertFalse(expected.getMessage().isBlank());
            }
        }
    }

    private static List<String> texts(Random random, int count) {
        String[] words = {"good", "bad", "film", "naïve", "plot", "été", "so", "dull", "a", "—", "crisp", "ok"};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder("row " + i);
            int length = random.nextInt(random.nextInt(10) == 0 ? 60 : 8);
            for (int w = 0; w < length; w++) {
                text.append(' ').append(words[random.nextInt(words.length)]);
            }
            texts.add(text.toString());
        }
        return texts;
    }
}
