package dev.transformerlambda.pretrained;

import java.nio.file.Path;

/**
 * A pretrained encoder ready to build a classifier on: its weights and its tokenizer.
 *
 * @param encoder the weights, shape and origin
 * @param tokenizer the encoder's Hugging Face {@code tokenizer.json}, copied into the caller's work directory
 */
public record PretrainedSource(PretrainedEncoder encoder, Path tokenizer) {}
