package dev.transformerlambda.api;

import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.serving.ModelService;
import dev.transformerlambda.serving.ServingConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /predict}: classifies one text or a list of texts. */
@Path("/predict")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class PredictResource {

    private final ModelService models;
    private final ServingConfig config;
    private final ObjectMapper json;

    PredictResource(ModelService models, ServingConfig config, ObjectMapper json) {
        this.models = models;
        this.config = config;
        this.json = json;
    }

    @POST
    public PredictResponse predict(String body) throws TranslateException {
        PredictRequest request = PredictRequest.parse(body, config.limits(), json);
        ModelService.Result result = models.predict(request.texts());
        return new PredictResponse(
                new PredictResponse.ModelRef(result.manifest().name(), result.manifest().version()),
                result.predictions());
    }
}
