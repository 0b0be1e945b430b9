package dev.transformerlambda.aws;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A local S3 server with a {@link FaultyS3Proxy} in front of it, for one test class: started
 * before its first test, every fault lifted after each test, both stopped after the last. Register
 * it with {@code @RegisterExtension static final FaultyLocalS3 S3 = new FaultyLocalS3("models");}.
 */
public final class FaultyLocalS3 implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final String[] buckets;
    private LocalS3Server server;
    private FaultyS3Proxy proxy;
    private S3Client direct;
    private S3Client throughProxy;

    public FaultyLocalS3(String... buckets) {
        this.buckets = buckets.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = LocalS3Server.start(buckets);
        proxy = FaultyS3Proxy.start(server.endpoint());
        direct = server.client();
        throughProxy = proxy.client();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        proxy.liftAll();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        throughProxy.close();
        direct.close();
        proxy.close();
        server.close();
    }

    /** The proxy, to inject faults with. */
    public FaultyS3Proxy proxy() {
        return proxy;
    }

    /** The server itself, past the proxy (an operator's view of the bucket). */
    public LocalS3Server server() {
        return server;
    }

    /** A client of the server itself. */
    public S3Client direct() {
        return direct;
    }

    /** A client that goes through the proxy and meets its faults. */
    public S3Client throughProxy() {
        return throughProxy;
    }
}
