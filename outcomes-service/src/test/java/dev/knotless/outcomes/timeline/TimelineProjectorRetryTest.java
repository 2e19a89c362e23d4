package dev.knotless.outcomes.timeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.platform.messaging.FailureClassifier;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;

/** A timeline that keeps changing under the projector: the event is retried later, not dead-lettered. */
class TimelineProjectorRetryTest {

    @Test
    void aTimelineThatKeepsChangingFailsTheDeliveryAsTransient() {
        UUID patientId = UUID.randomUUID();
        TimelineStore store = mock(TimelineStore.class);
        when(store.find(patientId.toString())).thenAnswer(invocation -> Optional.of(Timeline.start(patientId, "clinic-a")));
        when(store.save(any())).thenThrow(new OptimisticLockingFailureException("changed meanwhile"));
        var projector = new TimelineProjector(store, mock(MongoTemplate.class), mock(ClinicFiguresSink.class), PainMcid.DEFAULT);
        var event = EventEnvelope.of(Instant.parse("2026-11-20T15:00:00Z"), patientId, "clinic-a",
                new EventPayload.PatientRegistered(Instant.parse("2026-11-20T15:00:00Z")));

        assertThatThrownBy(() -> projector.apply(event))
                .satisfies(failure -> org.assertj.core.api.Assertions.assertThat(FailureClassifier.isTransient(failure)).isTrue());
    }
}
