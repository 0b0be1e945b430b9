/**
 * Pretrained BERT-family encoder weights, read from ONNX files and Hugging Face checkpoints into
 * plain Java arrays under Hugging Face BERT names, and the catalogue of encoders the build ships.
 */
package dev.transformerlambda.pretrained;
