package dev.knotless.platform.messaging;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventType;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns envelopes into the JSON of the contract and back. Owns its own mapper so that the wire
 * format does not change when a service tunes the mapper of its HTTP API. Unknown fields are
 * ignored (tolerant reader: a producer may add fields within a schema version).
 */
public class EventCodec {

    private final JsonMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public String encode(EventEnvelope envelope) {
        return mapper.writeValueAsString(envelope);
    }

    /** Reads an envelope; a message that is not a valid envelope of a known type fails for good. */
    public EventEnvelope decode(String json) {
        try {
            JsonNode tree = mapper.readTree(json);
            EventType type = EventType.fromWireName(required(tree, "type").asString());
            int schemaVersion = required(tree, "schemaVersion").asInt();
            if (schemaVersion != EventEnvelope.SCHEMA_VERSION) {
                throw new UndecodableEventException("unsupported schemaVersion " + schemaVersion + " for " + type.wireName());
            }
            EventPayload payload = mapper.treeToValue(required(tree, "payload"), type.payloadType());
            return new EventEnvelope(
                    UUID.fromString(required(tree, "eventId").asString()),
                    type,
                    schemaVersion,
                    Instant.parse(required(tree, "occurredAt").asString()),
                    UUID.fromString(required(tree, "patientId").asString()),
                    required(tree, "clinicId").asString(),
                    payload);
        } catch (UndecodableEventException e) {
            throw e;
        } catch (JacksonException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new UndecodableEventException("not a valid event envelope: " + e.getClass().getSimpleName(), e);
        }
    }

    private static JsonNode required(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || node.isNull()) {
            throw new UndecodableEventException("envelope field missing: " + field);
        }
        return node;
    }
}
