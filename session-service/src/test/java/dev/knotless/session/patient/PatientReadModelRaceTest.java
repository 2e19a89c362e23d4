package dev.knotless.session.patient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.platform.messaging.FailureClassifier;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The first events of a patient on the intake and outcome listeners at once: the one whose insert loses is retried. */
class PatientReadModelRaceTest {

    @Test
    void anInsertThatLosesTheRaceIsRetriedNotDeadLettered() {
        UUID patientId = UUID.randomUUID();
        PatientRepository patients = mock(PatientRepository.class);
        when(patients.findById(patientId.toString())).thenReturn(Optional.empty());
        when(patients.save(any())).thenThrow(new DuplicateKeyException("E11000 duplicate key error collection: patients"));
        var readModel = new PatientReadModel(patients, mock(MongoTemplate.class));
        var event = EventEnvelope.of(Instant.parse("2026-11-20T15:00:00Z"), patientId, "clinic-a",
                new PatientRegistered(Instant.parse("2026-11-20T15:00:00Z")));

        assertThatThrownBy(() -> readModel.apply(event))
                .satisfies(failure -> assertThat(FailureClassifier.isTransient(failure)).as("retried as transient").isTrue());
    }
}
