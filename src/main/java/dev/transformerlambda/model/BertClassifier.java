package dev.transformerlambda.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A classifier on a BERT-layout encoder, the shape a pretrained encoder is fine-tuned in: the
 * {@link BertEncoder}, pooling over real tokens (or {@code [CLS]}), dropout and a linear head.
 *
 * <p>Inputs and outputs as {@link TransformerClassifier}: token ids and attention mask (B, T) in;
 * logits (B, classes) and the pooled text vectors (B, E) out.
 */
public class BertClassifier extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ModelConfig config;
    private final BertEncoder encoder;
    private final Dropout dropout;
    private final Linear head;

    public BertClassifier(ModelConfig config) {
        super(VERSION);
        this.config = config;
        encoder = addChildBlock("encoder", new BertEncoder(config));
        dropout = Dropout.builder().optRate(config.dropout()).build();
        head = addChildBlock("head", Linear.builder().setUnits(config.classes()).build());
    }

    /** The encoder, which a pretrained checkpoint fills. */
    public BertEncoder encoder() {
        return encoder;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = encoder.forward(ps, inputs, training).head();
        NDArray realTokens = inputs.get(1).toType(DataType.FLOAT32, false);
        NDArray pooled = config.pooling().pool(hidden, realTokens);
        NDArray dropped = dropout.forward(ps, new NDList(pooled), training).head();
        return new NDList(head.forward(ps, new NDList(dropped), training).head(), pooled);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long texts = inputShapes[0].get(0);
        return new Shape[] {new Shape(texts, config.classes()), new Shape(texts, config.width())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, new Shape(inputShapes[0].get(0), config.width()));
    }
}
