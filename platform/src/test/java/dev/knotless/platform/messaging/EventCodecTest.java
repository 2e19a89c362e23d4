package dev.knotless.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.FollowUpMissed;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.EventType;
import dev.knotless.events.Vocabulary.Checkpoint;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();
    private final Instant now = Instant.parse("2026-11-20T15:00:00Z");

    @Test
    void anEnvelopeSurvivesTheRoundTripWithItsTypedPayload() {
        var event = EventEnvelope.of(now, UUID.randomUUID(), "clinic-a",
                new FollowUpMissed(UUID.randomUUID(), UUID.randomUUID(), Checkpoint.H24, now));

        String json = codec.encode(event);

        assertThat(json).contains("\"type\":\"FollowUpMissed\"").contains("\"occurredAt\":\"2026-11-20T15:00:00Z\"");
        assertThat(codec.decode(json)).isEqualTo(event);
    }

    @Test
    void fieldsAddedByANewerProducerAreIgnored() {
        var event = EventEnvelope.of(now, UUID.randomUUID(), "clinic-a", new PatientRegistered(now));
        String json = codec.encode(event).replace("\"payload\":{", "\"payload\":{\"addedLater\":1,");

        assertThat(codec.decode(json).payload()).isEqualTo(new PatientRegistered(now));
    }

    @Test
    void whatIsNotAnEnvelopeOfAKnownTypeCannotBeDecoded() {
        var json = codec.encode(EventEnvelope.of(now, UUID.randomUUID(), "clinic-a", new PatientRegistered(now)));

        assertThatThrownBy(() -> codec.decode("not json")).isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> codec.decode(json.replace("PatientRegistered", "PatientVanished")))
                .isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> codec.decode(json.replace("\"schemaVersion\":1", "\"schemaVersion\":2")))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("schemaVersion 2");
        assertThatThrownBy(() -> codec.decode(json.replaceAll("\"patientId\":\"[^\"]+\",", "")))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("patientId");
    }

    @Test
    void theTypeNamesItsTopic() {
        assertThat(EventType.SESSION_RECORDED.topic()).isEqualTo("knotless.session.v1");
        assertThat(EventType.ALERT_RAISED.topic()).isEqualTo("knotless.outcome.v1");
    }
}
