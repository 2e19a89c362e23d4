package dev.knotless.outcomes.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.Topics;
import dev.knotless.outcomes.alert.AlertProjector;
import dev.knotless.outcomes.dashboard.DashboardProjector;
import dev.knotless.outcomes.followup.FollowUpScheduler;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.platform.messaging.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * The batch listener: one timeline update per patient and poll, and a failure that names the first
 * record not fully applied, with every record before it applied, timelines included.
 */
class OutcomesEventListenerTest {

    private static final Instant AT = Instant.parse("2026-11-20T15:00:00Z");
    private final EventCodec codec = new EventCodec();
    private final TimelineProjector timelines = mock(TimelineProjector.class);
    private final OutcomesEventListener listener = new OutcomesEventListener(codec, mock(FollowUpScheduler.class),
            mock(AlertProjector.class), timelines, mock(DashboardProjector.class));
    private final UUID patientA = UUID.randomUUID();
    private final UUID patientB = UUID.randomUUID();

    @Test
    void aPatientsEventsInOnePollUpdateItsTimelineOnceInTheirOrder() {
        var a1 = registered(patientA);
        var b1 = registered(patientB);
        var a2 = registered(patientA);

        listener.on(records(a1, b1, a2));

        var order = inOrder(timelines);
        order.verify(timelines).apply(List.of(a1, a2));
        order.verify(timelines).apply(List.of(b1));
        order.verifyNoMoreInteractions();
    }

    @Test
    void anUndecodableRecordIsNamedAfterTheRecordsBeforeItAreAppliedAndNothingAfterItIs() {
        var a1 = registered(patientA);
        var b1 = registered(patientB);
        var after = registered(patientB);
        var batch = records(a1, b1, after);
        batch.add(2, new ConsumerRecord<>(Topics.INTAKE, 0, 2L, patientA.toString(), "{not json"));

        assertThatThrownBy(() -> listener.on(batch))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, failed -> assertThat(failed.getIndex()).isEqualTo(2));

        verify(timelines).apply(List.of(a1));
        verify(timelines).apply(List.of(b1));
        verify(timelines, never()).apply(argThat((List<EventEnvelope> events) -> events.contains(after)));
    }

    @Test
    void aTimelineThatFailsNamesItsPatientsFirstRecordAndKeepsTheTransientCause() {
        var a1 = registered(patientA);
        var b1 = registered(patientB);
        var a2 = registered(patientA);
        var failure = new OptimisticLockingFailureException("kept changing");
        doThrow(failure).when(timelines).apply(List.of(b1));

        assertThatThrownBy(() -> listener.on(records(a1, b1, a2)))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, failed -> {
                    assertThat(failed.getIndex()).as("b1: everything before it (a1) is applied").isEqualTo(1);
                    assertThat(failed.getCause()).isSameAs(failure);
                });
        verify(timelines).apply(List.of(a1, a2));
    }

    private EventEnvelope registered(UUID patientId) {
        return EventEnvelope.of(AT, patientId, "clinic-a", new EventPayload.PatientRegistered(AT));
    }

    private List<ConsumerRecord<String, String>> records(EventEnvelope... events) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (EventEnvelope event : events) {
            records.add(new ConsumerRecord<>(Topics.INTAKE, 0, records.size(), event.patientId().toString(), codec.encode(event)));
        }
        return records;
    }
}
