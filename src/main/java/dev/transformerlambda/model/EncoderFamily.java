package dev.transformerlambda.model;

import ai.djl.nn.AbstractBlock;

/**
 * The two encoder layouts this project trains and serves. A manifest names its family in {@code
 * architecture}, so one loader builds the right block with no configuration.
 */
public enum EncoderFamily {
    /** The small pre-LN encoder trained from scratch: {@link TransformerClassifier}. */
    PRE_LN("transformer-encoder-classifier"),
    /** The BERT layout pretrained encoders use (post-LN, embedding LayerNorm): {@link BertClassifier}. */
    BERT("bert-encoder-classifier");

    private final String architecture;

    EncoderFamily(String architecture) {
        this.architecture = architecture;
    }

    /** The name written into the manifest's {@code architecture} field. */
    public String architecture() {
        return architecture;
    }

    /** An untrained classifier block of this family and {@code config}'s shape. */
    public AbstractBlock newBlock(ModelConfig config) {
        return switch (this) {
            case PRE_LN -> new TransformerClassifier(config);
            case BERT -> new BertClassifier(config);
        };
    }

    /** The family a manifest's {@code architecture} names. */
    public static EncoderFamily ofArchitecture(String architecture) {
        for (EncoderFamily family : values()) {
            if (family.architecture.equals(architecture)) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + architecture + "'; this version serves "
                + PRE_LN.architecture + " and " + BERT.architecture);
    }
}
