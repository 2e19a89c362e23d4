package dev.knotless.outcomes.survey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The one-time credential of a survey link: 32 random bytes (256 bits) from SecureRandom,
 * base64url without padding (43 characters). Only its SHA-256 hash is stored; a plain hash is
 * enough because the token is random and long, unlike a password.
 */
final class SurveyToken {

    static final int MAX_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SurveyToken() {
    }

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
