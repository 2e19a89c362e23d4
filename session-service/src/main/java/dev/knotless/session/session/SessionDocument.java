package dev.knotless.session.session;

import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.EventPayload.SessionRecorded;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A recorded session; its SessionRecorded event waits in {@code outbox} until the relay published it. */
@Document("sessions")
class SessionDocument {

    @Id
    String sessionId;
    String patientId;
    String clinicId;
    String therapistId;
    Instant startedAt;
    Instant endedAt;
    List<NeedlingSite> needling = new ArrayList<>();
    List<String> adjuncts = new ArrayList<>();
    int painBefore;
    int painAfter;
    List<RomReading> rom = new ArrayList<>();
    boolean precautionAcknowledged;
    boolean adverseEventReviewed;
    /** Free text: stays in this service, never in an event or a log. */
    String notes;
    NeedlingClearance needlingClearance;
    Instant recordedAt;
    List<OutboxMessage> outbox = new ArrayList<>();

    /** The event payload: every field of the session except the notes. */
    SessionRecorded toEvent() {
        return new SessionRecorded(UUID.fromString(sessionId), therapistId, startedAt, endedAt, List.copyOf(needling),
                List.copyOf(adjuncts), painBefore, painAfter, List.copyOf(rom), precautionAcknowledged, adverseEventReviewed);
    }

    SessionView toView() {
        return new SessionView(UUID.fromString(sessionId), UUID.fromString(patientId), clinicId, therapistId, startedAt, endedAt,
                List.copyOf(needling), List.copyOf(adjuncts), painBefore, painAfter, List.copyOf(rom),
                precautionAcknowledged, adverseEventReviewed, notes, needlingClearance, recordedAt);
    }
}
