package dev.knotless.outcomes.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.data.mongodb.core.MongoTemplate;

/** A poll's events of one patient: one read and one save of the timeline, holding all of them. */
class TimelineProjectorBatchTest {

    @Test
    void eventsOfOnePatientAreAppliedWithOneReadAndOneSave() {
        UUID patientId = UUID.randomUUID();
        TimelineStore store = mock(TimelineStore.class);
        when(store.find(patientId.toString())).thenReturn(Optional.empty());
        when(store.save(any())).thenAnswer(invocation -> invocation.getArgument(0));
        var projector = new TimelineProjector(store, mock(MongoTemplate.class), mock(ClinicFiguresSink.class), PainMcid.DEFAULT);
        Instant at = Instant.parse("2026-11-20T15:00:00Z");
        var registered = EventEnvelope.of(at, patientId, "clinic-a", new EventPayload.PatientRegistered(at));
        var again = EventEnvelope.of(at.plusSeconds(60), patientId, "clinic-a", new EventPayload.PatientRegistered(at));

        projector.apply(List.of(registered, again));

        var saved = ArgumentCaptor.forClass(Timeline.class);
        verify(store, times(1)).find(patientId.toString());
        verify(store, times(1)).save(saved.capture());
        assertThat(saved.getValue().appliedEventIds()).containsExactlyInAnyOrder(registered.eventId().toString(), again.eventId().toString());
    }
}
