package dev.knotless.outcomes.messaging;

import dev.knotless.events.EventPayload;
import dev.knotless.events.Topics;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.outcomes.alert.AlertProjector;
import dev.knotless.outcomes.dashboard.DashboardProjector;
import dev.knotless.outcomes.followup.FollowUpScheduler;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.platform.messaging.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The one consumer of the {@code outcomes-service} group. One listener for the three topics
 * rather than one per feature: listeners sharing a group id would split a topic's partitions
 * between them, so each feature would see only part of the events. Each handler is idempotent,
 * so a retried message (after any handler failed) is safe; failures go to the platform's error
 * handler (retries, then {@code <topic>-dlt}).
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

    @KafkaListener(id = "outcomes-events", idIsGroup = false, topics = {Topics.INTAKE, Topics.SESSION, Topics.OUTCOME})
    void on(ConsumerRecord<String, String> record) {
        var event = codec.decode(record.value());
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
        timelines.apply(event);
    }
}
