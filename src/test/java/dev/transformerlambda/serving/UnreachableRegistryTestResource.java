package dev.transformerlambda.serving;

import java.util.Map;

/** Like {@link RegistryTestResource}, but S3 is down when the function starts. */
public class UnreachableRegistryTestResource extends RegistryTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        server().stop();
        return config;
    }
}
