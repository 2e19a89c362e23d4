package dev.knotless.auth.account;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a password set by an admin (or the bootstrap) must be: at least {@value #MIN_LENGTH}
 * characters (NIST SP 800-63B's minimum for a password that is the only factor; a passphrase of a
 * few words is meant), at most {@value #MAX_BYTES} bytes in UTF-8 (bcrypt reads no further, and
 * Spring's encoder refuses longer ones), not the username. No composition rules: they make
 * passwords shorter to remember, not stronger.
 */
public final class PasswordRule {

    public static final int MIN_LENGTH = 15;
    public static final int MAX_BYTES = 72;

    private PasswordRule() {
    }

    /** Why {@code password} is refused for {@code username}, or empty when it is acceptable. */
    public static Optional<String> problem(String password, String username) {
        if (password == null || password.isEmpty()) {
            return Optional.of("is required");
        }
        if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("must be at least " + MIN_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("must be at most " + MAX_BYTES + " bytes in UTF-8");
        }
        if (password.isBlank()) {
            return Optional.of("must not be only spaces");
        }
        if (username != null && password.strip().equalsIgnoreCase(username)) {
            return Optional.of("must not be the username");
        }
        return Optional.empty();
    }

    /** The username format of {@link StaffAccount#create}: 1 to 64 of lower-case letters, digits, '.', '_', '-', starting with a letter or digit. */
    public static boolean isUsername(String username) {
        return username != null && username.matches("[a-z0-9][a-z0-9._-]{0,63}");
    }
}
