/**
 * The classifier itself, shared by training and serving: the Transformer encoder block, its
 * configuration, the tokenizer, the translator that turns texts into predictions, and the
 * artifact (manifest, tokenizer, weights) that carries a trained model.
 */
package dev.transformerlambda.model;
