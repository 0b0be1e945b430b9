package dev.transformerlambda.api;

import dev.transformerlambda.model.Prediction;
import java.util.List;

/** The answer to {@code POST /predict}: which model answered, and one prediction per text, in order. */
public record PredictResponse(ModelRef model, List<Prediction> predictions) {

    /** The model's name and version. */
    public record ModelRef(String name, String version) {}
}
