package dev.transformerlambda.batch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for the AWS Batch REST-JSON API on loopback: it records each request and answers
 * DescribeJobDefinitions, SubmitJob and DescribeJobs with what AWS would. Only for what moto's Batch
 * API cannot show (see TrainingJobRequestsIT); everything else is tested against moto.
 */
public final class BatchApiStub implements AutoCloseable {

    /** One request as received. */
    public record Request(String method, String path, String body) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final int definitionGpus;

    /** A stub whose job definitions reserve one GPU. */
    public BatchApiStub() throws IOException {
        this(1);
    }

    /** @param definitionGpus the GPUs every job definition it describes reserves */
    public BatchApiStub(int definitionGpus) throws IOException {
        this.definitionGpus = definitionGpus;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(exchange.getRequestMethod(), path, body));
        String answer = switch (path) {
            case "/v1/submitjob" -> "{\"jobArn\": \"arn:aws:batch:us-east-1:123456789012:job/job-1\","
                    + " \"jobName\": \"sst2-nightly\", \"jobId\": \"job-1\"}";
            case "/v1/describejobs" -> "{\"jobs\": [{\"jobArn\": \"arn:aws:batch:us-east-1:123456789012:job/job-1\","
                    + " \"jobId\": \"job-1\", \"jobName\": \"sst2-nightly\", \"jobQueue\": \"gpu-queue\","
                    + " \"jobDefinition\": \"training:3\", \"status\": \"RUNNABLE\","
                    + " \"statusReason\": \"Host EC2 (instance i-0abc) terminated.\", \"startedAt\": 1795953600000,"
                    + " \"attempts\": [{\"container\": {\"exitCode\": 143}}],"
                    + " \"container\": {\"logStreamName\": \"training/default/0123abcd\", \"logConfiguration\":"
                    + " {\"logDriver\": \"awslogs\", \"options\": {\"awslogs-group\": \"/aws/batch/nightly-training\","
                    + " \"awslogs-stream-prefix\": \"training\"}}}}]}";
            case "/v1/describejobdefinitions" -> "{\"jobDefinitions\": [{\"jobDefinitionName\": \"training\","
                    + " \"jobDefinitionArn\": \"arn:aws:batch:us-east-1:123456789012:job-definition/training:3\","
                    + " \"revision\": 3, \"status\": \"ACTIVE\", \"type\": \"container\", \"containerProperties\":"
                    + " {\"resourceRequirements\": [{\"type\": \"VCPU\", \"value\": \"4\"}"
                    + (definitionGpus > 0 ? ", {\"type\": \"GPU\", \"value\": \"" + definitionGpus + "\"}" : "") + "]}}]}";
            default -> null;
        };
        byte[] bytes = (answer == null ? "{\"message\": \"unknown operation\"}" : answer).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer == null ? 404 : 200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
