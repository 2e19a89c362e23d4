package dev.knotless.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Every event type of the contract, with its wire name, topic and payload record. */
public enum EventType {
    PATIENT_REGISTERED("PatientRegistered", Topics.INTAKE, EventPayload.PatientRegistered.class),
    INTAKE_COMPLETED("IntakeCompleted", Topics.INTAKE, EventPayload.IntakeCompleted.class),
    ASSESSMENT_RECORDED("AssessmentRecorded", Topics.INTAKE, EventPayload.AssessmentRecorded.class),
    SESSION_RECORDED("SessionRecorded", Topics.SESSION, EventPayload.SessionRecorded.class),
    FOLLOW_UP_OPENED("FollowUpOpened", Topics.OUTCOME, EventPayload.FollowUpOpened.class),
    FOLLOW_UP_COMPLETED("FollowUpCompleted", Topics.OUTCOME, EventPayload.FollowUpCompleted.class),
    FOLLOW_UP_MISSED("FollowUpMissed", Topics.OUTCOME, EventPayload.FollowUpMissed.class),
    ALERT_RAISED("AlertRaised", Topics.OUTCOME, EventPayload.AlertRaised.class),
    ALERT_ACKNOWLEDGED("AlertAcknowledged", Topics.OUTCOME, EventPayload.AlertAcknowledged.class);

    private final String wireName;
    private final String topic;
    private final Class<? extends EventPayload> payloadType;

    EventType(String wireName, String topic, Class<? extends EventPayload> payloadType) {
        this.wireName = wireName;
        this.topic = topic;
        this.payloadType = payloadType;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends EventPayload> payloadType() {
        return payloadType;
    }

    @JsonCreator
    public static EventType fromWireName(String wireName) {
        return Arrays.stream(values())
                .filter(t -> t.wireName.equals(wireName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown event type: " + wireName));
    }

    /** The type of a payload; exhaustive over the sealed payload hierarchy. */
    public static EventType of(EventPayload payload) {
        return switch (payload) {
            case EventPayload.PatientRegistered p -> PATIENT_REGISTERED;
            case EventPayload.IntakeCompleted p -> INTAKE_COMPLETED;
            case EventPayload.AssessmentRecorded p -> ASSESSMENT_RECORDED;
            case EventPayload.SessionRecorded p -> SESSION_RECORDED;
            case EventPayload.FollowUpOpened p -> FOLLOW_UP_OPENED;
            case EventPayload.FollowUpCompleted p -> FOLLOW_UP_COMPLETED;
            case EventPayload.FollowUpMissed p -> FOLLOW_UP_MISSED;
            case EventPayload.AlertRaised p -> ALERT_RAISED;
            case EventPayload.AlertAcknowledged p -> ALERT_ACKNOWLEDGED;
        };
    }
}
