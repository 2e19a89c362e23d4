package dev.knotless.gateway.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One record of a service's audit page, as the service wrote it ({@code json}, passed on untouched),
 * with the key the merged trail is ordered by: {@code at}, then {@code service}, then {@code requestId}.
 */
record AuditRecord(Key key, JsonNode json) {

    /** The merged trail's order; a service's own records keep it too, which is what makes its page a prefix to skip. */
    record Key(Instant at, String service, String requestId) implements Comparable<Key> {

        private static final Comparator<Key> ORDER = Comparator.comparing(Key::at)
                .thenComparing(Key::service)
                .thenComparing(Key::requestId);

        Key {
            Objects.requireNonNull(at, "at");
            service = Objects.requireNonNullElse(service, "");
            requestId = Objects.requireNonNullElse(requestId, "");
        }

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    /**
     * Reads the key of one record of {@code service}'s page; {@code service} stands in for a record
     * that does not name its service. A record without a readable {@code at} cannot be placed in time:
     * the page is unreadable (IllegalArgumentException).
     */
    static AuditRecord of(JsonNode json, String service) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a record is not a JSON object");
        }
        JsonNode named = json.get("service");
        JsonNode requestId = json.get("requestId");
        return new AuditRecord(new Key(instant(json.get("at")),
                named != null && named.isString() ? named.asString() : service,
                requestId != null && requestId.isString() ? requestId.asString() : ""), json);
    }

    private static Instant instant(JsonNode at) {
        if (at == null || at.isNull()) {
            throw new IllegalArgumentException("a record has no at");
        }
        if (at.isNumber()) {
            // Jackson's numeric form of an Instant: seconds with the nanoseconds as the fraction.
            var seconds = at.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
        }
        try {
            return Instant.parse(at.asString());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a record's at is not an instant");
        }
    }
}
