package dev.transformerlambda.api;

import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.serving.ModelService;
import dev.transformerlambda.serving.ServingConfig;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code POST /predict}: classifies one text or a list of texts.
 *
 * <p>It runs on the event loop, not the worker pool: Lambda sends a process one request at a time,
 * so the hop to a worker thread and back buys no concurrency, and it cost 1.5 ms of a 4 ms request
 * (see the README's performance section). The reload check may then block the event loop while a
 * new version loads; {@code quarkus.vertx.max-event-loop-execute-time} allows for that.
 */
@Path("/predict")
@NonBlocking
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
    public RestResponse<PredictResponse> predict(String body) throws TranslateException {
        PredictRequest request = PredictRequest.parse(body, config.limits(), json);
        ModelService.Result result = models.predict(request.texts());
        PredictResponse answer = new PredictResponse(
                new PredictResponse.ModelRef(result.manifest().name(), result.manifest().version()),
                result.predictions());
        return RestResponse.ResponseBuilder.ok(answer)
                .header(RequestTelemetry.SERVER_TIMING, String.format(Locale.ROOT, "%s;dur=%.3f",
                        RequestTelemetry.MODEL_TIMING, result.modelNanos() / 1e6))
                .build();
    }
}
