package dev.knotless.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The one envelope of every Knotless event. Keyed on Kafka by {@code patientId} so that a
 * patient's events stay ordered within a partition.
 */
public record EventEnvelope(
        UUID eventId,
        EventType type,
        int schemaVersion,
        Instant occurredAt,
        UUID patientId,
        String clinicId,
        EventPayload payload) {

    public static final int SCHEMA_VERSION = 1;

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(clinicId, "clinicId");
        Objects.requireNonNull(payload, "payload");
        if (type != EventType.of(payload)) {
            throw new IllegalArgumentException("type " + type + " does not match payload " + payload.getClass().getSimpleName());
        }
    }

    /** A new event with a random id, stamped with the current schema version. */
    public static EventEnvelope of(Instant occurredAt, UUID patientId, String clinicId, EventPayload payload) {
        return new EventEnvelope(UUID.randomUUID(), EventType.of(payload), SCHEMA_VERSION, occurredAt, patientId, clinicId, payload);
    }

    public String topic() {
        return type.topic();
    }

    /** The Kafka record key. */
    public String key() {
        return patientId.toString();
    }
}
