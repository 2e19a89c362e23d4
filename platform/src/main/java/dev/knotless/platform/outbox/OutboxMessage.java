package dev.knotless.platform.outbox;

import dev.knotless.events.EventEnvelope;
import dev.knotless.platform.messaging.EventCodec;
import java.time.Instant;

/**
 * An event staged inside the document of the aggregate that produced it, so the data and the
 * event are one atomic MongoDB write (the embedded store has no transactions). The relay
 * publishes it and pulls it from the array.
 *
 * @param eventId the envelope's id, the key used to remove it once Kafka has acknowledged it
 * @param envelope the envelope as encoded for Kafka, so what is published is exactly what was stored
 */
public record OutboxMessage(String eventId, String topic, String key, String envelope, Instant stagedAt) {

    /** The name of the array field every outbox-carrying document uses. */
    public static final String FIELD = "outbox";

    public static OutboxMessage of(EventEnvelope event, EventCodec codec) {
        return new OutboxMessage(event.eventId().toString(), event.topic(), event.key(), codec.encode(event), event.occurredAt());
    }
}
