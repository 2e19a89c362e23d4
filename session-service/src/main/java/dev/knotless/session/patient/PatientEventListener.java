package dev.knotless.session.patient;

import dev.knotless.events.Topics;
import dev.knotless.platform.messaging.EventCodec;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the patient read model from intake and outcome events. Nothing is caught here: a message
 * that cannot be decoded or applied fails the delivery, and the platform's error handler retries
 * it, then moves it to {@code <topic>-dlt}.
 */
@Component
class PatientEventListener {

    private final EventCodec codec;
    private final PatientReadModel readModel;

    PatientEventListener(EventCodec codec, PatientReadModel readModel) {
        this.codec = codec;
        this.readModel = readModel;
    }

    @KafkaListener(topics = Topics.INTAKE)
    void onIntakeEvent(String message) {
        readModel.apply(codec.decode(message));
    }

    @KafkaListener(topics = Topics.OUTCOME)
    void onOutcomeEvent(String message) {
        readModel.apply(codec.decode(message));
    }
}
