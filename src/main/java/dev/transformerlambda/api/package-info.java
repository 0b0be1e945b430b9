/** The HTTP API: {@code POST /predict}, {@code GET /model}, readiness, and JSON errors. */
package dev.transformerlambda.api;
