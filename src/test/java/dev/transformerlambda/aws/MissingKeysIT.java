package dev.transformerlambda.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.transformerlambda.registry.ModelRegistry;
import dev.transformerlambda.registry.RegistryUri;
import dev.transformerlambda.training.CheckpointStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A missing key read by a role that may list only under a prefix: S3 answers the GET with 403, not
 * 404, and answers a listing of the key's prefix. No local S3 server reproduces IAM, so this server
 * gives exactly those answers (docs/deploying.md shows the {@code aws} commands that check them in a real
 * account); what it proves is that the registry and the checkpoint store read that 403 as absence
 * only when the listing agrees, and stay errors otherwise.
 */
class MissingKeysIT {

    private static final String ACCESS_DENIED = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>1</RequestId></Error>""";

    /** What the listing of a key's prefix answers: the key itself, nothing, or a refusal. */
    private enum Listing { HAS_KEY, EMPTY, REFUSED }

    private HttpServer server;
    private volatile Listing listing;
    private S3Client s3;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        s3 = AwsClients.s3(Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())), true,
                Optional.empty());
    }

    @AfterEach
    void stop() {
        s3.close();
        server.stop(0);
    }

    @Test
    void aRefusedReadOfAKeyTheListingDoesNotShowIsAMissingCheckpoint(@TempDir Path work) throws IOException {
        listing = Listing.EMPTY;
        CheckpointStore store = CheckpointStore.at("s3://models/checkpoints/job-1", () -> s3);

        assertEquals(Optional.empty(), store.fetchLatest(work));
    }

    @Test
    void aRefusedReadOfAKeyTheListingShowsStaysAnError(@TempDir Path work) {
        listing = Listing.HAS_KEY;
        CheckpointStore store = CheckpointStore.at("s3://models/checkpoints/job-1", () -> s3);

        S3Exception refused = assertThrows(S3Exception.class, () -> store.fetchLatest(work));
        assertEquals(403, refused.statusCode());
    }

    @Test
    void aRefusedReadWithARefusedListingStaysAnError() {
        listing = Listing.REFUSED;
        ModelRegistry registry = new ModelRegistry(s3, RegistryUri.parse("s3://models/registry/sst2"));

        S3Exception refused = assertThrows(S3Exception.class, registry::current);
        assertEquals(403, refused.statusCode());
    }

    @Test
    void aRegistryWhosePointerIsRefusedButNotListedHasNoCurrentVersion() throws Exception {
        listing = Listing.EMPTY;
        ModelRegistry registry = new ModelRegistry(s3, RegistryUri.parse("s3://models/registry/sst2"));

        assertTrue(registry.current().isEmpty());
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            boolean isListing = query != null && query.contains("list-type=2");
            if (!isListing || listing == Listing.REFUSED) {
                reply(exchange, 403, ACCESS_DENIED);
                return;
            }
            String prefix = exchange.getRequestURI().getQuery().replaceAll(".*prefix=([^&]*).*", "$1");
            String contents = listing == Listing.HAS_KEY
                    ? "<Contents><Key>" + prefix + "</Key><Size>1</Size></Contents><KeyCount>1</KeyCount>"
                    : "<KeyCount>0</KeyCount>";
            reply(exchange, 200, """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <ListBucketResult><Name>models</Name><Prefix>%s</Prefix><MaxKeys>1</MaxKeys>\
                    <IsTruncated>false</IsTruncated>%s</ListBucketResult>""".formatted(prefix, contents));
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
