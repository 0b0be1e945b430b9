package dev.transformerlambda.distillation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transformerlambda.digest.Sha256;
import dev.transformerlambda.model.DefaultModelTest;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.TextClassifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherLogitsTest {

    private static final List<String> TEXTS = List.of("a wonderful film", "a dull , tedious film", "fine");

    @TempDir
    Path cache;

    @Test
    void aRerunReadsTheCacheAndOtherTextsOrAnotherTeacherAreScoredAnew() throws Exception {
        Path teacherDir = DefaultModelTest.DEFAULT_MODEL;
        String teacher = Sha256.of(teacherDir.resolve(ModelArtifact.MANIFEST));
        StringWriter log = new StringWriter();
        try (TextClassifier model = ModelArtifact.load(teacherDir)) {
            String key = TeacherLogits.key(teacher, TEXTS);
            float[][] scored = TeacherLogits.score(model, key, TEXTS, cache, new PrintWriter(log, true));
            float[][] cached = TeacherLogits.score(model, key, TEXTS, cache, new PrintWriter(log, true));

            assertEquals(TEXTS.size(), scored.length);
            for (int i = 0; i < scored.length; i++) {
                assertArrayEquals(scored[i], cached[i]);
            }
            assertTrue(log.toString().contains("from the cache"), log.toString());
            float[][] direct = model.newLogitsPredictor().predict(TEXTS.subList(1, 2));
            assertArrayEquals(direct[0], scored[1], 1e-5f);
        }

        assertNotEquals(TeacherLogits.key(teacher, TEXTS), TeacherLogits.key(teacher, TEXTS.subList(0, 2)),
                "other texts, another key");
        assertNotEquals(TeacherLogits.key(teacher, TEXTS), TeacherLogits.key(Sha256.of("another teacher"), TEXTS),
                "another teacher, another key");
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count(), "one cache file, for the one teacher and texts scored");
        }
    }
}
