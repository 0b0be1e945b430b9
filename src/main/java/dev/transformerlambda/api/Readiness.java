package dev.transformerlambda.api;

import java.util.List;

/**
 * The body of {@code GET /health/ready}, in MicroProfile Health's shape (what load balancers and
 * Kubernetes-style probes read): {@code UP} only while a model is loaded.
 */
record Readiness(String status, List<Check> checks) {

    record Check(String name, String status) {}

    static Readiness of(boolean modelLoaded) {
        String status = modelLoaded ? "UP" : "DOWN";
        return new Readiness(status, List.of(new Check("model", status)));
    }
}
