package dev.transformerlambda.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The fault-injecting proxy itself, run as {@code scripts/chaos} runs it: it must outlast the run. */
class FaultyS3ProxyIT {

    /**
     * A 100-swap chaos run drops hundreds of kept-alive connections that have carried a model's
     * weights. The proxy used to keep each of them, with a write buffer twice the weights' size, and
     * ran out of its heap in the run's "no answer" phase: every later request through it failed or
     * hung, which looked like the function's S3 client never recovering.
     */
    @Test
    void connectionsDroppedWithNoAnswerAreNotKeptSoASmallHeapOutlastsManyFaults() throws Exception {
        byte[] weights = new byte[5 * 1024 * 1024];
        new Random(25).nextBytes(weights);
        GetObjectRequest getWeights = GetObjectRequest.builder().bucket("models").key("weights.params").build();
        try (LocalS3Server server = LocalS3Server.start("models");
                S3Client direct = server.client();
                // 48 MB: room for a few weights in flight, not for a dozen kept after their connection.
                FaultyS3ProxyProcess proxy = FaultyS3ProxyProcess.start(server.endpoint(), "48m");
                // The CLI's client (the function's, without the SDK's retries): the same JDK
                // connections, kept alive between requests, so each round's dropped request goes
                // out on the connection that carried the weights.
                S3Client client = AwsClients.s3ForJobs(Optional.of(proxy.endpoint()), true, Optional.empty(), 1)) {
            direct.putObject(PutObjectRequest.builder().bucket("models").key("weights.params").build(),
                    RequestBody.fromBytes(weights));

            for (int round = 0; round < 12; round++) {
                assertArrayEquals(weights, client.getObjectAsBytes(getWeights).asByteArray(), "round " + round);
                proxy.inject("empty");
                try {
                    assertThrows(SdkException.class, () -> client.getObjectAsBytes(getWeights));
                } finally {
                    proxy.liftAll();
                }
            }

            assertArrayEquals(weights, client.getObjectAsBytes(getWeights).asByteArray(), "after the faults");
            assertFalse(proxy.log().contains("OutOfMemoryError"), proxy.log());
            // At least 24 were dropped (each round's request, and the JDK client's one retry of it);
            // what is left is the few the client keeps alive.
            int held = proxy.heldConnections();
            assertTrue(held <= 6, "the proxy holds " + held + " connections");
        }
    }
}
