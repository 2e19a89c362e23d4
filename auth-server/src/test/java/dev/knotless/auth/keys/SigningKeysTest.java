package dev.knotless.auth.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.knotless.testsupport.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt("2026-11-19T09:00:00Z");

    @Test
    void theFirstStartGeneratesAPrivateKeyFileAndLaterStartsReuseIt() throws Exception {
        SigningKeys first = SigningKeys.loadOrGenerate(dir.resolve("keys"), clock);
        dir = dir.resolve("keys");
        assertThat(Files.getPosixFilePermissions(dir)).as("a directory it creates").isEqualTo(PosixFilePermissions.fromString("rwx------"));
        List<Path> files = keyFiles();
        assertThat(files).hasSize(1);
        assertThat(Files.getPosixFilePermissions(files.getFirst())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(first.current().isPrivate()).isTrue();
        assertThat(first.current().size()).isEqualTo(2048);

        clock.advance(Duration.ofDays(1));
        SigningKeys second = SigningKeys.loadOrGenerate(dir, clock);

        assertThat(second.current().getKeyID()).isEqualTo(first.current().getKeyID());
        assertThat(second.current().toRSAPrivateKey()).isEqualTo(first.current().toRSAPrivateKey());
        assertThat(keyFiles()).hasSize(1);
    }

    @Test
    void theRotateMarkerMakesTheNextStartSignWithANewKeyAndStillPublishTheOldOne() throws IOException {
        RSAKey old = SigningKeys.loadOrGenerate(dir, clock).current();
        Files.createFile(dir.resolve(SigningKeys.ROTATE_MARKER));
        clock.advance(Duration.ofDays(90));

        SigningKeys rotated = SigningKeys.loadOrGenerate(dir, clock);

        assertThat(rotated.current().getKeyID()).isNotEqualTo(old.getKeyID());
        assertThat(rotated.all()).extracting(RSAKey::getKeyID).containsExactly(rotated.current().getKeyID(), old.getKeyID());
        assertThat(dir.resolve(SigningKeys.ROTATE_MARKER)).doesNotExist();
        assertThat(SigningKeys.loadOrGenerate(dir, clock).current().getKeyID()).as("one rotation per marker")
                .isEqualTo(rotated.current().getKeyID());

        Files.delete(keyFiles().stream().filter(file -> file.toString().contains(old.getKeyID())).findFirst().orElseThrow());
        assertThat(SigningKeys.loadOrGenerate(dir, clock).all()).extracting(RSAKey::getKeyID)
                .as("a retired key is no longer published").containsExactly(rotated.current().getKeyID());
    }

    private List<Path> keyFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().startsWith("signing-key-")).toList();
        }
    }
}
