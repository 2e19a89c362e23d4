package dev.knotless.session.patient;

import dev.knotless.platform.messaging.DeadLetterObserver;
import dev.knotless.session.safety.SafetyHolds;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.Topics;
import dev.knotless.platform.messaging.EventCodec;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the patient read model from intake and outcome events. Nothing is caught here: a message
 * that cannot be decoded or applied fails the delivery, and the platform's error handler retries
 * it, or moves it to {@code <topic>-dlt} and holds the patient's sessions ({@link SafetyHolds}).
 */
@Component
class PatientEventListener {

    private final EventCodec codec;
    private final PatientReadModel readModel;
    private final SafetyHolds holds;

    PatientEventListener(EventCodec codec, PatientReadModel readModel, SafetyHolds holds) {
        this.codec = codec;
        this.readModel = readModel;
        this.holds = holds;
    }

    @KafkaListener(topics = Topics.INTAKE)
    void onIntakeEvent(ConsumerRecord<String, String> record) {
        apply(record);
    }

    @KafkaListener(topics = Topics.OUTCOME)
    void onOutcomeEvent(ConsumerRecord<String, String> record) {
        apply(record);
    }

    /**
     * Applies the event; a new intake, or a dead letter sent back ({@code ./knotless dlt replay}) and now
     * applied, releases what held the patient's sessions ({@link SafetyHolds}).
     */
    private void apply(ConsumerRecord<String, String> record) {
        EventEnvelope event = codec.decode(record.value());
        readModel.apply(event);
        if (event.payload() instanceof EventPayload.IntakeCompleted) {
            holds.rescreened(event.patientId());
        }
        Header replayed = record.headers().lastHeader(DeadLetterObserver.DEAD_LETTER_OF);
        if (replayed != null) {
            holds.applied(record.key(), new String(replayed.value(), StandardCharsets.UTF_8));
        }
    }
}
