package dev.transformerlambda.training;

import dev.transformerlambda.data.DatasetReader;
import dev.transformerlambda.data.LabelledDataset;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.pretrained.TinyBertCheckpoint;
import dev.transformerlambda.data.ValidationSplit;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Real, small sentiment models trained in a few seconds on the project's fixtures, for tests. */
public final class TinyModels {

    private TinyModels() {}

    /**
     * Trains a model on the sentiment fixture into {@code output}; different seeds give different
     * weights and so different versions.
     */
    public static Path train(Path output, long seed) throws Exception {
        TrainingOptions options = TrainingOptions.builder().name("sst2").layers(1).width(32).heads(2)
                .ffnSize(64).dropout(0.1f).maxLength(32).vocabularySize(300).epochs(4).batchSize(16)
                .learningRate(3e-3f).seed(seed).build();
        new ClassifierTrainer(options, new PrintWriter(new StringWriter()), false)
                .train(ValidationSplit.given(fixture("sentiment-train.tsv"), fixture("sentiment-dev.tsv")), null, output);
        return output;
    }

    /**
     * Fine-tunes a small BERT checkpoint written for the purpose on the sentiment fixture into
     * {@code output}: a real model of the BERT family, trained in seconds.
     */
    public static Path fineTuned(Path output, long seed) throws Exception {
        LabelledDataset train = fixture("sentiment-train.tsv");
        Path checkpoint = output.resolveSibling(output.getFileName() + "-checkpoint");
        TinyBertCheckpoint.write(checkpoint, train.examples().stream().map(LabelledText::text).toList(), seed);
        TrainingOptions options = TrainingOptions.fineTuning(checkpoint.toString()).name("sst2").maxLength(32)
                .epochs(4).batchSize(16).learningRate(2e-3f).headLearningRate(5e-3f).seed(seed).build();
        new ClassifierTrainer(options, new PrintWriter(new StringWriter()), false)
                .train(ValidationSplit.given(train, fixture("sentiment-dev.tsv")), null, output);
        return output;
    }

    static LabelledDataset fixture(String name) throws IOException {
        try (InputStream in = TinyModels.class.getResourceAsStream("/fixtures/" + name)) {
            return DatasetReader.read(name, in);
        }
    }
}
