/**
 * The model registry on S3: immutable versions under {@code <prefix>/<name>/<version>/} and a
 * {@code current.json} pointer moved with conditional writes, so racing publishers never lose an
 * update.
 */
package dev.transformerlambda.registry;
