package dev.transformerlambda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.data.MalformedDataException.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsTsvWithColumnsInAnyOrderAndQuotesAsText() throws IOException {
        Path file = write("train.tsv", "text\tlabel\n\"quoted\" and ''double'' quotes\tpositive\nplain text\tnegative\n");

        LabelledDataset data = DatasetReader.read(file);

        assertEquals(List.of(new LabelledText("\"quoted\" and ''double'' quotes", "positive"),
                new LabelledText("plain text", "negative")), data.examples());
        assertEquals(List.of("negative", "positive"), data.labels());
        assertEquals(64, data.sha256().length());
    }

    @Test
    void keepsTheSentenceColumnAsTheRowsGroupAndIgnoresOtherColumns() throws IOException {
        Path tsv = write("phrases.tsv", "label\ttext\tsentence\tsource\npositive\ta fine film\t7\ttreebank\n"
                + "positive\tfine\t7\ttreebank\n");
        Path jsonl = write("phrases.jsonl", "{\"text\": \"fine\", \"label\": \"positive\", \"sentence\": 7}\n"
                + "{\"text\": \"alone\", \"label\": \"negative\"}\n");

        assertEquals(List.of(new LabelledText("a fine film", "positive", "7"), new LabelledText("fine", "positive", "7")),
                DatasetReader.read(tsv).examples());
        assertEquals(List.of(new LabelledText("fine", "positive", "7"), new LabelledText("alone", "negative")),
                DatasetReader.read(jsonl).examples());
    }

    @Test
    void readsCsvWithQuotedCommas() throws IOException {
        Path file = write("train.csv", "label,text\npositive,\"good, really good\"\nnegative,bad\n");

        assertEquals(List.of(new LabelledText("good, really good", "positive"), new LabelledText("bad", "negative")),
                DatasetReader.read(file).examples());
    }

    @Test
    void readsJsonLinesWithNumericLabelsAndBlankLines() throws IOException {
        Path file = write("train.jsonl", "{\"text\": \"a\", \"label\": 1}\n\n{\"label\": \"x\", \"text\": \"b\"}\n");

        assertEquals(List.of(new LabelledText("a", "1"), new LabelledText("b", "x")),
                DatasetReader.read(file).examples());
    }

    @Test
    void reportsEveryMalformedTsvRowWithFileAndLine() throws IOException {
        Path file = write("broken.tsv", "label\ttext\npositive\tfine\nno tab here\n\tno label\nnegative\t \n");

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DatasetReader.read(file));

        assertEquals(List.of(3L, 4L, 5L), e.problems().stream().map(Problem::line).toList());
        assertTrue(e.getMessage().contains(file + ":3: expected 2 columns, found 1"), e.getMessage());
        assertTrue(e.getMessage().contains(file + ":4: the label is empty"), e.getMessage());
        assertTrue(e.getMessage().contains(file + ":5: the text is empty"), e.getMessage());
    }

    @Test
    void reportsMalformedJsonLinesWithLineNumbers() throws IOException {
        Path file = write("broken.jsonl", "{\"text\": \"ok\", \"label\": \"a\"}\n{\"text\": \"no label\"}\n{not json\n[1]\n");

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DatasetReader.read(file));

        assertEquals(List.of(2L, 3L, 4L), e.problems().stream().map(Problem::line).toList());
        assertTrue(e.getMessage().contains(file + ":3: not valid JSON"), e.getMessage());
    }

    @Test
    void refusesAHeaderWithoutLabelAndText() throws IOException {
        Path file = write("data.csv", "sentiment,sentence\npositive,good\n");

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DatasetReader.read(file));

        assertTrue(e.getMessage().contains(file + ":1: the header [sentiment, sentence] must name"), e.getMessage());
    }

    @Test
    void readsTextsWithoutLabelsAndIgnoresALabelWhereThereIsOne() throws IOException {
        Path tsv = write("unlabelled.tsv", "text\nfirst text\nsecond text\n");
        Path labelled = write("labelled.tsv", "label\ttext\npositive\tthird text\n");
        Path jsonl = write("unlabelled.jsonl", "{\"text\": \"fourth\"}\n{\"text\": \"fifth\", \"label\": 3}\n");

        assertEquals(List.of("first text", "second text"), readTexts(tsv));
        assertEquals(List.of("third text"), readTexts(labelled));
        assertEquals(List.of("fourth", "fifth"), readTexts(jsonl));
    }

    @Test
    void reportsBadRowsOfUnlabelledTextsWithFileAndLine() throws IOException {
        Path noText = write("no-text.tsv", "label\npositive\n");
        Path blank = write("blank.jsonl", "{\"text\": \"fine\"}\n{\"text\": \"  \"}\n{\"label\": \"x\"}\n");

        MalformedDataException header = assertThrows(MalformedDataException.class, () -> readTexts(noText));
        assertTrue(header.getMessage().contains("no-text.tsv:1: the header [label] must name a 'text' column"),
                header.getMessage());
        MalformedDataException rows = assertThrows(MalformedDataException.class, () -> readTexts(blank));
        assertTrue(rows.getMessage().contains("blank.jsonl:2: the text is empty"), rows.getMessage());
        assertTrue(rows.getMessage().contains("blank.jsonl:3: 'text' must be a string"), rows.getMessage());
    }

    private static List<String> readTexts(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return DatasetReader.readTexts(file.toString(), in);
        }
    }

    @Test
    void namesTheLineThatIsNotUtf8() {
        byte[] bytes = "label\ttext\npositive\tgood\nnegative\tbad \u00ff\n".getBytes(StandardCharsets.ISO_8859_1);

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DatasetReader.read("latin1.tsv", new ByteArrayInputStream(bytes)));

        assertEquals(List.of(new Problem(3, "not valid UTF-8")), e.problems());
    }

    @Test
    void refusesAnEmptyFileAndAnUnknownExtension() throws IOException {
        Path empty = write("empty.tsv", "");
        assertThrows(MalformedDataException.class, () -> DatasetReader.read(empty));

        Path parquet = write("data.parquet", "label\ttext\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetReader.read(parquet));
        assertTrue(e.getMessage().contains("unknown data format"), e.getMessage());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
