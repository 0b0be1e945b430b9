package dev.transformerlambda.api;

import dev.transformerlambda.serving.ModelService;
import dev.transformerlambda.serving.ModelStatus;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /model}: the loaded model and the state of the last reload check. */
@Path("/model")
@NonBlocking // one request at a time in Lambda: see PredictResource
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final ModelService models;

    ModelResource(ModelService models) {
        this.models = models;
    }

    @GET
    public ModelStatus model() {
        return models.status();
    }
}
