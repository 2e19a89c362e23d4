package dev.knotless.auth;

import dev.knotless.testsupport.EmbeddedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What every auth-server IT gives its context: its own database in the embedded store, and a fresh directory for its signing keys. */
public final class AuthServerTestStore {

    private AuthServerTestStore() {
    }

    public static void register(DynamicPropertyRegistry registry, String database) {
        Path keys;
        try {
            keys = Files.createTempDirectory("knotless-auth-keys");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("spring.mongodb.uri", () -> EmbeddedInfrastructure.mongoUri(database));
        registry.add("knotless.auth.keys-dir", keys::toString);
    }
}
