/**
 * The HTTP API, answered from API Gateway HTTP API events: {@code POST /predict}, {@code GET /model},
 * readiness, the OpenAPI document, and JSON errors.
 */
package dev.transformerlambda.api;
