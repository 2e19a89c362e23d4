package dev.knotless.outcomes.timeline;

import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.Technique;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One fact on a patient's timeline, keyed by {@code type} and {@code id} (assessment, session,
 * follow-up or alert id) so a fact told twice, or told in parts, stays one entry. Only the fields
 * of its type are set; free text never gets here.
 */
class TimelineEntry {

    EntryType type;
    String id;
    Instant at;
    /** When the fact was recorded (the event's occurredAt): orders two intakes with the same assessedAt. */
    Instant recordedAt;

    // INTAKE, ASSESSMENT
    Integer painNprs;
    NeedlingClearance needlingClearance;
    AssessmentKind kind;

    // SESSION (and INTAKE, ASSESSMENT for rom)
    Instant startedAt;
    Integer painBefore;
    Integer painAfter;
    List<Technique> techniques;
    List<RomValue> rom;

    // FOLLOW_UP (and ALERT for sessionId, followUpId, checkpoint)
    String sessionId;
    String followUpId;
    Checkpoint checkpoint;
    FollowUpStatus status;
    Instant opensAt;
    Instant closesAt;
    Integer soreness;
    Integer pain;
    AdverseEventSeverity adverseEventSeverity;

    // ALERT
    AlertLevel level;
    AlertRule rule;
    AlertStatus alertStatus;

    TimelineEntry() {
    }

    TimelineEntry(EntryType type, String id, Instant at) {
        this.type = type;
        this.id = id;
        this.at = at;
    }

    List<RomValue> romOrEmpty() {
        return rom == null ? List.of() : rom;
    }

    List<Technique> techniquesOrEmpty() {
        return techniques == null ? List.of() : new ArrayList<>(techniques);
    }
}
