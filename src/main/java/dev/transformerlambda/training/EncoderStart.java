package dev.transformerlambda.training;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import dev.transformerlambda.data.LabelledText;
import dev.transformerlambda.model.ArtifactManifest.Lineage;
import dev.transformerlambda.model.ArtifactManifest.Source;
import dev.transformerlambda.model.BertClassifier;
import dev.transformerlambda.model.EncoderFamily;
import dev.transformerlambda.model.ModelArtifact;
import dev.transformerlambda.model.ModelConfig;
import dev.transformerlambda.model.TokenizerVocabulary;
import dev.transformerlambda.model.TreebankSpelling;
import dev.transformerlambda.model.TransformerClassifier;
import dev.transformerlambda.model.WordPieceTrainer;
import dev.transformerlambda.pretrained.BertShape;
import dev.transformerlambda.pretrained.EncoderWeights;
import dev.transformerlambda.pretrained.PretrainedEncoders;
import dev.transformerlambda.pretrained.PretrainedSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.io.FileUtils;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where a training run's encoder starts: from scratch (a vocabulary learned from the training
 * texts, random weights) or from a pretrained checkpoint (its tokenizer and weights, a new head).
 * Either way the tokenizer lands in the artifact's staging directory and the block is ready for the
 * fit loop.
 *
 * @param config the block's shape
 * @param tokenizer the {@code tokenizer.json} in the staging directory
 * @param padId the padding token's id
 * @param unknownId the unknown token's id
 * @param lineage the pretrained checkpoint; null from scratch
 */
record EncoderStart(ModelConfig config, Path tokenizer, long padId, long unknownId, Lineage lineage) {

    /**
     * Prepares the encoder {@code options} ask for, for {@code labels}, in {@code model}.
     *
     * @param embeddings where a from-scratch encoder's token embeddings start; null for random
     */
    static EncoderStart prepare(TrainingOptions options, List<LabelledText> train, List<String> labels, Model model,
            Path staging, Supplier<S3Client> s3, StudentEmbeddings embeddings, PrintWriter log) throws IOException {
        return options.fineTunes()
                ? pretrained(options, labels, model, staging, s3, log)
                : fromScratch(options, train, labels, model, staging, embeddings, log);
    }

    private static EncoderStart fromScratch(TrainingOptions options, List<LabelledText> train, List<String> labels,
            Model model, Path staging, StudentEmbeddings embeddings, PrintWriter log) throws IOException {
        List<String> vocabulary = new WordPieceTrainer(options.vocabularySize(), options.minFrequency())
                .learnVocabulary(train.stream().map(LabelledText::text).toList());
        Path tokenizer = staging.resolve(ModelArtifact.TOKENIZER);
        WordPieceTrainer.writeTokenizerJson(vocabulary, tokenizer);
        log.printf("vocabulary: %d word pieces learned from the training texts%n", vocabulary.size());
        ModelConfig config = ModelConfig.preLn(vocabulary.size(), labels.size(), options.layers(), options.width(),
                options.heads(), options.ffnSize(), options.dropout(), options.maxLength(), options.pooling());
        TransformerClassifier block = (TransformerClassifier) initialized(config, model);
        if (embeddings != null) {
            float[][] rows = embeddings.rows(vocabulary, config.width());
            float[] flat = new float[rows.length * config.width()];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * config.width(), config.width());
            }
            block.tokenEmbedding().getArray().set(FloatBuffer.wrap(flat));
            log.printf("token embeddings start from %s%n", embeddings.describe());
        }
        return new EncoderStart(config, tokenizer, vocabulary.indexOf(WordPieceTrainer.PAD),
                vocabulary.indexOf(WordPieceTrainer.UNK), null);
    }

    private static EncoderStart pretrained(TrainingOptions options, List<String> labels, Model model, Path staging,
            Supplier<S3Client> s3, PrintWriter log) throws IOException {
        Path work = Files.createDirectories(staging.resolve(".pretrained"));
        try {
            PretrainedSource source = PretrainedEncoders.read(options.pretrained(), work, s3);
            Path tokenizer = staging.resolve(ModelArtifact.TOKENIZER);
            Files.copy(source.tokenizer(), tokenizer);
            TreebankSpelling.addTo(tokenizer);
            BertShape shape = source.encoder().shape();
            ModelConfig config = new ModelConfig(shape.vocabSize(), labels.size(), shape.layers(), shape.hiddenSize(),
                    shape.heads(), shape.intermediateSize(), options.dropout(), options.maxLength(),
                    options.pooling(), EncoderFamily.BERT, shape.maxPositions(), shape.typeVocabSize(),
                    shape.layerNormEps());
            BertClassifier block = (BertClassifier) initialized(config, model);
            EncoderWeights.copy(source.encoder(), block.encoder());
            log.printf("pretrained encoder %s: %d layers x %d, %d heads, vocabulary %d (%s)%n", options.pretrained(),
                    shape.layers(), shape.hiddenSize(), shape.heads(), shape.vocabSize(), source.encoder().origin());
            Lineage lineage = new Lineage(new Source(options.pretrained(), source.encoder().origin(),
                    source.encoder().sha256()), null, null);
            return new EncoderStart(config, tokenizer, TokenizerVocabulary.idOf(tokenizer, "[PAD]"),
                    TokenizerVocabulary.idOf(tokenizer, WordPieceTrainer.UNK), lineage);
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
    }

    /**
     * A block of {@code config}'s shape with random weights (matrices drawn from N(0, 0.02), as BERT
     * initialises), set as {@code model}'s block.
     */
    private static AbstractBlock initialized(ModelConfig config, Model model) {
        AbstractBlock block = config.family().newBlock(config);
        block.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
        model.setBlock(block);
        return block;
    }
}
