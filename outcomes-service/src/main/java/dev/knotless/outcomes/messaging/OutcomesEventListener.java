package dev.knotless.outcomes.messaging;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.Topics;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.outcomes.alert.AlertProjector;
import dev.knotless.outcomes.dashboard.DashboardProjector;
import dev.knotless.outcomes.followup.FollowUpScheduler;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.platform.messaging.EventCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * The one consumer of the {@code outcomes-service} group. One listener for the three topics
 * rather than one per feature: listeners sharing a group id would split a topic's partitions
 * between them, so each feature would see only part of the events. Each handler is idempotent,
 * so a redelivered message is safe.
 *
 * <p>A batch listener, so that a patient's events in one poll rewrite the patient's timeline once
 * (the timeline is the one document that grows with the patient's history: rewriting it per event
 * made the store's cost per event grow with the data, docs/PERFORMANCE.md). Every other handler
 * runs per event, in order. A failure names its record ({@link BatchListenerFailedException}), and
 * everything before that record is fully applied first, timelines included, because the platform's
 * error handler commits the offsets before it and then retries or dead-letters that record alone.
 */
@Component
class OutcomesEventListener {

    private static final Logger log = LoggerFactory.getLogger(OutcomesEventListener.class);

    private final EventCodec codec;
    private final FollowUpScheduler followUps;
    private final AlertProjector alerts;
    private final TimelineProjector timelines;
    private final DashboardProjector dashboard;

    OutcomesEventListener(EventCodec codec, FollowUpScheduler followUps, AlertProjector alerts, TimelineProjector timelines,
                          DashboardProjector dashboard) {
        this.codec = codec;
        this.followUps = followUps;
        this.alerts = alerts;
        this.timelines = timelines;
        this.dashboard = dashboard;
    }

    /** An event and its place in the batch. */
    private record Placed(int index, EventEnvelope event) {
    }

    @KafkaListener(id = "outcomes-events", idIsGroup = false, topics = {Topics.INTAKE, Topics.SESSION, Topics.OUTCOME}, batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        List<Placed> decoded = new ArrayList<>(records.size());
        for (int index = 0; index < records.size(); index++) {
            try {
                EventEnvelope event = codec.decode(records.get(index).value());
                handle(event);
                decoded.add(new Placed(index, event));
            } catch (RuntimeException failure) {
                applyTimelines(decoded);
                throw new BatchListenerFailedException("Handling the record failed", failure, index);
            }
        }
        applyTimelines(decoded);
    }

    /** Everything but the timeline, for one event. */
    private void handle(EventEnvelope event) {
        log.debug("Handling {} {} of patient {}", event.type().wireName(), event.eventId(), event.patientId());
        switch (event.payload()) {
            // The session's H24 and H48 share their day: one update of the day document for both.
            case EventPayload.SessionRecorded session -> dashboard.sync(followUps.onSessionRecorded(event, session));
            case EventPayload.AlertRaised raised -> alerts.onAlertRaised(event, raised);
            case EventPayload.AlertAcknowledged acknowledged -> alerts.onAlertAcknowledged(event, acknowledged);
            // Opened and missed change no day figure (missed is read from the close minutes): no read of the follow-up for them.
            // Its "scheduled" count comes with SessionRecorded, whose redelivery also finishes one a crash interrupted.
            case EventPayload.FollowUpOpened opened -> { }
            case EventPayload.FollowUpCompleted completed ->
                    dashboard.onFollowUp(event, completed.followUpId(), FollowUpStatus.COMPLETED, completed.soreness());
            case EventPayload.FollowUpMissed missed -> { }
            case EventPayload.PatientRegistered p -> { }
            case EventPayload.IntakeCompleted p -> { }
            case EventPayload.AssessmentRecorded p -> { }
        }
    }

    /**
     * Applies these events to their timelines, one read and one save per patient, patients in the
     * order of their first event here. When a patient's timeline fails, every record before that
     * patient's first one belongs to a patient done already, so naming that first record leaves
     * nothing unapplied behind the committed offsets; the patients after it are redelivered.
     */
    private void applyTimelines(List<Placed> decoded) {
        Map<UUID, List<Placed>> byPatient = new LinkedHashMap<>();
        decoded.forEach(placed -> byPatient.computeIfAbsent(placed.event().patientId(), p -> new ArrayList<>()).add(placed));
        for (List<Placed> events : byPatient.values()) {
            try {
                timelines.apply(events.stream().map(Placed::event).toList());
            } catch (RuntimeException failure) {
                throw new BatchListenerFailedException("Applying events to a timeline failed", failure, events.getFirst().index());
            }
        }
    }
}
