package dev.transformerlambda.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.scoring.InputRow.Refused;
import dev.transformerlambda.scoring.InputRow.Text;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitReaderTest {

    @TempDir
    Path dir;

    @Test
    void badJsonLinesAreRefusedWithTheirLineAndReason() throws IOException {
        Files.writeString(dir.resolve("in.jsonl"), String.join("\n",
                "{\"text\": \"fine\", \"id\": 7}",
                "{\"text\": ",
                "[1, 2]",
                "{\"body\": \"no text field\", \"id\": 1}",
                "{\"text\": 42, \"id\": 2}",
                "{\"text\": \"  \", \"id\": 3}",
                "{\"text\": \"" + "x".repeat(30) + "\", \"id\": 4}",
                "{\"text\": \"no id\"}",
                "{\"text\": \"also fine\", \"id\": \"b\"}") + "\n");
        List<InputRow> rows = read("in.jsonl", new RowRules("text", "id", false, 20));
        assertEquals(List.of("7", "b"), rows.stream().filter(Text.class::isInstance).map(r -> ((Text) r).id()).toList());
        List<String> reasons = rows.stream().filter(Refused.class::isInstance)
                .map(r -> r.position().line() + " " + ((Refused) r).reason()).toList();
        assertEquals(7, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("2 not valid JSON"), reasons.get(0));
        assertTrue(reasons.get(1).startsWith("3 expected a JSON object"), reasons.get(1));
        assertTrue(reasons.get(2).startsWith("4 no 'text' string field"), reasons.get(2));
        assertTrue(reasons.get(3).startsWith("5 no 'text' string field"), reasons.get(3));
        assertEquals("6 empty text", reasons.get(4));
        assertEquals("7 a text of 30 characters, over --max-text-chars 20", reasons.get(5));
        assertTrue(reasons.get(6).startsWith("8 no 'id' field"), reasons.get(6));
        assertEquals("{\"text\": ", ((Refused) rows.get(1)).input(), "a refused row keeps its input");
    }

    @Test
    void csvRowsMayHoldQuotedLineBreaksAndKeepTheirLineNumbers() throws IOException {
        Files.writeString(dir.resolve("in.csv"), "id,text\n1,plain\n2,\"two\nlines, and a comma\"\n3,x,extra\n4,last\n");
        List<InputRow> rows = read("in.csv", new RowRules("text", null, true, 100));
        assertEquals("plain", ((Text) rows.get(0)).text());
        assertEquals("in.csv:2", ((Text) rows.get(0)).id());
        assertEquals("two\nlines, and a comma", ((Text) rows.get(1)).text());
        assertEquals("in.csv:3", ((Text) rows.get(1)).id());
        assertEquals("expected 2 columns, found 3", ((Refused) rows.get(2)).reason());
        assertEquals(5, rows.get(2).position().line());
        assertEquals("4", ((Text) rows.get(3)).input().get("id").asText(), "--join-input keeps the row's fields");
    }

    @Test
    void gzippedTsvIsReadWholeAndAHeaderWithoutTheTextColumnIsNamed() throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("in.tsv.gz")))) {
            out.write("label\ttext\npos\tgreat\nneg\tawful\tand more\nneg\tdull\n".getBytes(StandardCharsets.UTF_8));
        }
        List<InputRow> rows = read("in.tsv.gz", new RowRules("text", null, false, 100));
        assertEquals(3, rows.size());
        assertEquals("great", ((Text) rows.get(0)).text());
        assertEquals("in.tsv.gz:3", rows.get(1).position().id());
        assertTrue(rows.get(1) instanceof Refused);
        IOException noColumn = assertThrows(IOException.class,
                () -> read("in.tsv.gz", new RowRules("review", null, false, 100)));
        assertTrue(noColumn.getMessage().contains("no 'review' column"), noColumn.getMessage());
    }

    @Test
    void invalidUtf8IsRefusedNotGuessed() throws IOException {
        Files.write(dir.resolve("in.jsonl"), new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
        assertEquals("not valid UTF-8", ((Refused) read("in.jsonl", new RowRules("text", null, false, 100)).get(0)).reason());
    }

    private List<InputRow> read(String name, RowRules rules) throws IOException {
        LocalFolder folder = new LocalFolder(dir);
        InputObject object = folder.list().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
        List<InputRow> rows = new ArrayList<>();
        try (SplitReader reader = SplitReader.open(folder, new Split(0, object, 0, object.size()), rules)) {
            for (InputRow row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }
}
