package dev.knotless.platform.idempotency;

/**
 * The {@code Idempotency-Key} request header (IETF draft httpapi-idempotency-key-header): 1 to 255
 * visible ASCII characters. The draft makes it a Structured Field string ({@code "8e03978e-..."}),
 * while most clients send the bare value (Stripe's form); both are accepted, the quotes are not part
 * of the key.
 */
final class IdempotencyKey {

    static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;
    static final String RULE = "must be 1 to " + MAX_LENGTH + " visible ASCII characters, sent once";

    private IdempotencyKey() {
    }

    /** The key, or null when {@code value} is not a valid one. */
    static String parse(String value) {
        if (value == null) {
            return null;
        }
        String key = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return null;
            }
        }
        return key;
    }
}
