/**
 * The HTTP API, answered from API Gateway HTTP API events: {@code POST /predict}, {@code GET /model},
 * readiness, the OpenAPI document, the page to try the model and the served version's training
 * report, and JSON errors.
 */
package dev.transformerlambda.api;
