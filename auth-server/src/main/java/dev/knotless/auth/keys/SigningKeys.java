package dev.knotless.auth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The RSA keys tokens are signed with, one JSON Web Key file each in a directory that is never
 * committed: {@code signing-key-<UTC time>-<kid>.json}. The newest signs; the older ones stay
 * published in the JWKS, so that tokens they signed still verify until the files are removed.
 * The first start generates a key; a file named {@value #ROTATE_MARKER} in the directory makes
 * the next start generate a new one (docs/SECURITY.md, "Signing keys and how to rotate them").
 */
public final class SigningKeys {

    public static final String ROTATE_MARKER = "rotate";
    private static final String PREFIX = "signing-key-";
    private static final String SUFFIX = ".json";
    private static final int KEY_SIZE = 2048;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final List<RSAKey> newestFirst;

    private SigningKeys(List<RSAKey> newestFirst) {
        this.newestFirst = List.copyOf(newestFirst);
    }

    /** Reads the keys in {@code dir}, generating one when there is none or a rotation was asked for. */
    public static SigningKeys loadOrGenerate(Path dir, Clock clock) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                restrictToOwner(dir, "rwx------");
            }
            Path marker = dir.resolve(ROTATE_MARKER);
            boolean rotate = Files.exists(marker);
            if (rotate || keyFiles(dir).isEmpty()) {
                generate(dir, clock);
                Files.deleteIfExists(marker);
            }
            List<RSAKey> keys = new ArrayList<>();
            for (Path file : keyFiles(dir)) {
                keys.add(read(file));
            }
            return new SigningKeys(keys);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the signing keys in " + dir, e);
        }
    }

    /** The key that signs new tokens. */
    public RSAKey current() {
        return newestFirst.getFirst();
    }

    /** Every key, newest first: all are published, so tokens signed before a rotation still verify. */
    public List<RSAKey> all() {
        return newestFirst;
    }

    /** Newest first: the names start with the UTC time of generation. */
    private static List<Path> keyFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith(PREFIX) && name.endsWith(SUFFIX) && Files.isRegularFile(file);
                    })
                    .sorted(Comparator.comparing((Path file) -> file.getFileName().toString()).reversed())
                    .toList();
        }
    }

    private static RSAKey read(Path file) throws IOException {
        try {
            RSAKey key = RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!key.isPrivate()) {
                throw new IOException(file + " holds no private key");
            }
            return key;
        } catch (ParseException e) {
            throw new IOException(file + " is not a JSON Web Key: " + e.getMessage(), e);
        }
    }

    private static void generate(Path dir, Clock clock) throws IOException {
        RSAKey key;
        try {
            key = new RSAKeyGenerator(KEY_SIZE)
                    .keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .issueTime(Date.from(clock.instant()))
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an RSA key", e);
        }
        Path file = dir.resolve(PREFIX + STAMP.format(clock.instant()) + "-" + key.getKeyID() + SUFFIX);
        // Written to a private temporary file, then moved: a crash never leaves half a key behind.
        Path temporary = Files.createTempFile(dir, ".signing-key-", ".tmp");
        try {
            restrictToOwner(temporary, "rw-------");
            Files.writeString(temporary, key.toJSONString(), StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("A key file " + file + " exists already", e);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void restrictToOwner(Path file, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the directory's own access rules apply
        }
    }
}
