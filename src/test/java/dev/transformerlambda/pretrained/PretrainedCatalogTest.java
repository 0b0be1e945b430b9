package dev.transformerlambda.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped encoders and the one entry point, {@link PretrainedEncoders#read}. */
class PretrainedCatalogTest {

    @TempDir
    Path workDir;

    @Test
    void readsBgeSmall() throws IOException {
        PretrainedSource source = PretrainedEncoders.read("bge-small", workDir);

        assertEquals(new BertShape(30522, 384, 12, 12, 1536, 512, 2, 1e-12f), source.encoder().shape());
        assertEquals("828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35", source.encoder().sha256());
        assertEquals(workDir.resolve("tokenizer.json"), source.tokenizer());
        assertTrue(Files.size(source.tokenizer()) > 100_000);
    }

    @Test
    void readsACheckpointDirectory() throws IOException {
        Path checkpoint = Files.createDirectories(workDir.resolve("checkpoint"));
        new SafetensorsWriter().all("", TinyBert.weights(TinyBert.SHAPE, 3)).write(checkpoint.resolve("model.safetensors"));
        Files.writeString(checkpoint.resolve("config.json"), """
                {"model_type": "bert", "hidden_act": "gelu", "vocab_size": 50, "hidden_size": 8,
                 "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16,
                 "max_position_embeddings": 32, "type_vocab_size": 2, "layer_norm_eps": 1e-12}""");
        Files.writeString(checkpoint.resolve("tokenizer.json"), "{}");

        PretrainedSource source = PretrainedEncoders.read(checkpoint.toString(), workDir.resolve("work"));

        assertEquals(TinyBert.SHAPE, source.encoder().shape());
        assertEquals("{}", Files.readString(source.tokenizer()));
        assertEquals(checkpoint.toAbsolutePath().normalize().toString(), source.encoder().origin());
    }

    @Test
    void refusesAnUnknownSpec() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedEncoders.read("bert-large", workDir));
        assertTrue(e.getMessage().contains("[minilm, bge-small]"), e.getMessage());
    }

    @Test
    void saysHowToGetAMissingJar() {
        String previous = System.getProperty(PretrainedCatalog.DIRECTORY_PROPERTY);
        System.setProperty(PretrainedCatalog.DIRECTORY_PROPERTY, workDir.toString());
        try {
            NoSuchFileException e = assertThrows(NoSuchFileException.class,
                    () -> PretrainedCatalog.open("minilm", workDir));
            assertTrue(e.getMessage().contains("./mvnw process-resources"), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(PretrainedCatalog.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(PretrainedCatalog.DIRECTORY_PROPERTY, previous);
            }
        }
    }
}
