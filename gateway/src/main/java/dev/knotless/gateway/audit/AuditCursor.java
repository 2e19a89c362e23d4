package dev.knotless.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a merged audit query stands: the query's window (fixed by its first page, so that paging
 * reads one set of records however long it takes) and each service's position. Handed to clients
 * as {@code next}: base64url of a small JSON document, opaque to them.
 *
 * @param lanes each service's position, in the order the services are asked
 */
record AuditCursor(String clinicId, Instant from, Instant to, String patientId, Map<String, Lane> lanes) {

    static final int MAX_LIMIT = 500;
    private static final int VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    AuditCursor {
        lanes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lanes));
    }

    /**
     * One service's position.
     *
     * @param done   its last page has been merged
     * @param cursor its own cursor of the page to read next (null: its first page)
     * @param limit  with {@code mark}: the limit that page was read with, so that reading it again gives the same page
     * @param mark   how far into that page the merge has gone; null: from its start
     */
    record Lane(boolean done, String cursor, Integer limit, Mark mark) {

        static final Lane START = new Lane(false, null, null, null);
        static final Lane DONE = new Lane(true, null, null, null);

        static Lane at(String cursor) {
            return new Lane(false, cursor, null, null);
        }
    }

    /**
     * The page's records up to the last one merged: all those ordered before {@code key}, and the
     * first {@code count} of those with exactly that key (a caller may re-send a request id).
     */
    record Mark(AuditRecord.Key key, int count) {
    }

    /** The first page of a query: every service from its start. */
    static AuditCursor start(String clinicId, Instant from, Instant to, String patientId, List<String> services) {
        Map<String, Lane> lanes = new LinkedHashMap<>();
        services.forEach(service -> lanes.put(service, Lane.START));
        return new AuditCursor(clinicId, from, to, patientId, lanes);
    }

    boolean finished() {
        return lanes.values().stream().allMatch(Lane::done);
    }

    String encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION);
        root.put("clinicId", clinicId);
        root.put("from", from.toString());
        root.put("to", to.toString());
        root.put("patientId", patientId);
        ObjectNode services = root.putObject("services");
        lanes.forEach((service, lane) -> {
            if (lane.done()) {
                services.putNull(service);
                return;
            }
            ObjectNode position = services.putObject(service);
            position.put("c", lane.cursor());
            if (lane.mark() != null) {
                position.put("l", lane.limit());
                position.put("at", lane.mark().key().at().toString());
                position.put("svc", lane.mark().key().service());
                position.put("id", lane.mark().key().requestId());
                position.put("n", lane.mark().count());
            }
        });
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(root));
    }

    /** The cursor a page handed out, for exactly these services; anything else is an IllegalArgumentException. */
    static AuditCursor decode(String text, Set<String> services) {
        try {
            JsonNode root = JSON.readTree(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
            if (root == null || !root.isObject() || root.path("v").asInt() != VERSION) {
                throw new IllegalArgumentException("unknown version");
            }
            JsonNode positions = root.get("services");
            if (positions == null || !positions.isObject() || !Set.copyOf(positions.propertyNames()).equals(Set.copyOf(services))) {
                throw new IllegalArgumentException("not these services");
            }
            Map<String, Lane> lanes = new LinkedHashMap<>();
            for (String service : services) {
                lanes.put(service, lane(positions.get(service)));
            }
            Instant from = Instant.parse(text(root, "from"));
            Instant to = Instant.parse(text(root, "to"));
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("empty window");
            }
            return new AuditCursor(Objects.requireNonNull(text(root, "clinicId")), from, to, text(root, "patientId"), lanes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a cursor of this query", e);
        }
    }

    private static Lane lane(JsonNode position) {
        if (position.isNull()) {
            return Lane.DONE;
        }
        if (!position.isObject()) {
            throw new IllegalArgumentException("not a position");
        }
        String cursor = text(position, "c");
        if (!position.has("at")) {
            return Lane.at(cursor);
        }
        int limit = position.get("l").asInt();
        int count = position.get("n").asInt();
        if (limit < 1 || limit > MAX_LIMIT || count < 1) {
            throw new IllegalArgumentException("not a position");
        }
        AuditRecord.Key key = new AuditRecord.Key(Instant.parse(text(position, "at")), text(position, "svc"), text(position, "id"));
        return new Lane(false, cursor, limit, new Mark(key, count));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new IllegalArgumentException(field + " is not text");
        }
        return value.asString();
    }
}
