package dev.knotless.outcomes.timeline;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A patient's recovery timeline (collection {@code timelines}): one document per patient, kept up
 * to date from the intake, session and outcome events, so that reading it is one lookup. It keeps
 * one entry per fact (not the raw events) plus the ids of the events applied, written in the same
 * save as their effect: a redelivered event changes nothing. Events may arrive out of order across
 * topics; entries are upserted by their fact id and kept in time order, and a follow-up's status
 * never moves backwards.
 */
@Document(Timeline.COLLECTION)
public class Timeline {

    public static final String COLLECTION = "timelines";

    private static final Comparator<TimelineEntry> IN_TIME_ORDER = Comparator
            .comparing((TimelineEntry e) -> e.at, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(e -> e.type)
            .thenComparing(e -> e.id);

    // Package-private for TimelineCodec, which maps a timeline by hand on the hot path.
    @Id
    String patientId;
    @Version
    Long version;
    String clinicId;
    Instant registeredAt;
    List<TimelineEntry> entries = new ArrayList<>();
    Set<String> appliedEventIds = new HashSet<>();

    // Kept up to date on every change for the clinic dashboard, which reads only these fields.
    Instant lastSessionEndedAt;
    Instant dischargedAt;
    Integer baselinePain;
    Integer latestPain;

    // What the clinic's dashboard counts for this patient (as queued), and the changes not yet confirmed applied there.
    String activeDay;
    boolean mcidReached;
    List<FigureChange> figureChanges = new ArrayList<>();

    Timeline() {
    }

    static Timeline start(UUID patientId, String clinicId) {
        var timeline = new Timeline();
        timeline.patientId = patientId.toString();
        timeline.clinicId = clinicId;
        return timeline;
    }

    /** Applies an event of this patient; false when it was applied before (nothing changed). */
    boolean apply(EventEnvelope event) {
        String eventId = event.eventId().toString();
        if (appliedEventIds.contains(eventId)) {
            return false;
        }
        if (clinicId == null) {
            clinicId = event.clinicId();
        }
        switch (event.payload()) {
            case EventPayload.PatientRegistered registered -> registeredAt = registered.registeredAt();
            case EventPayload.IntakeCompleted intake -> {
                var entry = entry(EntryType.INTAKE, intake.assessmentId().toString(), intake.assessedAt());
                entry.recordedAt = event.occurredAt();
                entry.painNprs = intake.painNprs();
                entry.needlingClearance = intake.needlingClearance();
                entry.rom = RomValue.of(intake.rom());
            }
            case EventPayload.AssessmentRecorded assessment -> {
                var entry = entry(EntryType.ASSESSMENT, assessment.assessmentId().toString(), assessment.assessedAt());
                entry.painNprs = assessment.painNprs();
                entry.kind = assessment.kind();
                entry.rom = RomValue.of(assessment.rom());
            }
            case EventPayload.SessionRecorded session -> {
                var entry = entry(EntryType.SESSION, session.sessionId().toString(), session.endedAt());
                entry.startedAt = session.startedAt();
                entry.painBefore = session.painBefore();
                entry.painAfter = session.painAfter();
                entry.techniques = session.needling() == null ? List.of() : session.needling().stream()
                        .map(NeedlingSite::technique).filter(Objects::nonNull).distinct().sorted().toList();
                entry.rom = RomValue.of(session.rom());
            }
            case EventPayload.FollowUpOpened opened -> {
                var entry = followUp(opened.followUpId(), opened.sessionId(), opened.checkpoint(), opened.opensAt());
                entry.opensAt = opened.opensAt();
                entry.closesAt = opened.closesAt();
                advance(entry, FollowUpStatus.OPEN, opened.opensAt());
            }
            case EventPayload.FollowUpCompleted completed -> {
                var entry = followUp(completed.followUpId(), completed.sessionId(), completed.checkpoint(), completed.completedAt());
                if (advance(entry, FollowUpStatus.COMPLETED, completed.completedAt())) {
                    entry.soreness = completed.soreness();
                    entry.pain = completed.pain();
                    entry.adverseEventSeverity = completed.adverseEventSeverity();
                }
            }
            case EventPayload.FollowUpMissed missed -> {
                var entry = followUp(missed.followUpId(), missed.sessionId(), missed.checkpoint(), missed.closedAt());
                advance(entry, FollowUpStatus.MISSED, missed.closedAt());
            }
            case EventPayload.AlertRaised raised -> {
                var entry = entry(EntryType.ALERT, raised.alertId().toString(), event.occurredAt());
                entry.at = event.occurredAt();
                entry.level = raised.level();
                entry.rule = raised.rule();
                entry.sessionId = raised.sessionId() == null ? null : raised.sessionId().toString();
                entry.followUpId = raised.followUpId() == null ? null : raised.followUpId().toString();
                entry.checkpoint = raised.checkpoint();
                if (entry.alertStatus == null) {
                    entry.alertStatus = AlertStatus.OPEN;
                }
            }
            case EventPayload.AlertAcknowledged acknowledged ->
                    entry(EntryType.ALERT, acknowledged.alertId().toString(), event.occurredAt()).alertStatus = AlertStatus.ACKNOWLEDGED;
        }
        appliedEventIds.add(eventId);
        entries.sort(IN_TIME_ORDER);
        refreshFigures();
        return true;
    }

    private TimelineEntry entry(EntryType type, String id, Instant at) {
        for (TimelineEntry entry : entries) {
            if (entry.type == type && entry.id.equals(id)) {
                return entry;
            }
        }
        var entry = new TimelineEntry(type, id, at);
        entries.add(entry);
        return entry;
    }

    private TimelineEntry followUp(UUID followUpId, UUID sessionId, dev.knotless.events.Vocabulary.Checkpoint checkpoint, Instant at) {
        var entry = entry(EntryType.FOLLOW_UP, followUpId.toString(), at);
        entry.sessionId = sessionId.toString();
        entry.followUpId = followUpId.toString();
        entry.checkpoint = checkpoint;
        return entry;
    }

    /** Moves a follow-up entry forward only: OPEN before COMPLETED or MISSED, which are final. */
    private static boolean advance(TimelineEntry entry, FollowUpStatus next, Instant at) {
        if (rank(next) <= rank(entry.status)) {
            return false;
        }
        entry.status = next;
        entry.at = at;
        return true;
    }

    private static int rank(FollowUpStatus status) {
        if (status == null) {
            return -1;
        }
        return switch (status) {
            case SCHEDULED -> 0;
            case OPEN -> 1;
            case COMPLETED, MISSED -> 2;
        };
    }

    private void refreshFigures() {
        lastSessionEndedAt = entries.stream().filter(e -> e.type == EntryType.SESSION).map(e -> e.at)
                .max(Comparator.naturalOrder()).orElse(null);
        dischargedAt = entries.stream().filter(e -> e.type == EntryType.ASSESSMENT && e.kind == AssessmentKind.DISCHARGE)
                .map(e -> e.at).max(Comparator.naturalOrder()).orElse(null);
        baselinePain = baselineEntry().map(e -> e.painNprs).orElse(null);
        var pain = TimelineView.painSeries(entries);
        latestPain = pain.isEmpty() ? null : pain.getLast().value();
    }

    /**
     * Compares what the dashboard should count for this patient with what it was last told, and
     * queues the difference (to be saved with this document); true when something was queued.
     */
    boolean queueFigureChanges(PainMcid mcid) {
        boolean queued = false;
        String day = ClinicDays.activeDay(lastSessionEndedAt, dischargedAt);
        if (!Objects.equals(day, activeDay)) {
            if (activeDay != null) {
                figureChanges.add(FigureChange.of(FigureChange.Kind.ACTIVE_REMOVE, activeDay));
            }
            if (day != null) {
                figureChanges.add(FigureChange.of(FigureChange.Kind.ACTIVE_ADD, day));
            }
            activeDay = day;
            queued = true;
        }
        boolean reached = mcid.reached(baselinePain, latestPain);
        if (reached != mcidReached) {
            figureChanges.add(FigureChange.of(reached ? FigureChange.Kind.MCID_ADD : FigureChange.Kind.MCID_REMOVE, null));
            mcidReached = reached;
            queued = true;
        }
        return queued;
    }

    List<FigureChange> figureChanges() {
        return figureChanges == null ? List.of() : List.copyOf(figureChanges);
    }

    /**
     * The latest intake: a new intake starts a new episode of care, as it replaces the clearance. Of
     * two with the same assessedAt, the one recorded last is the correction and wins.
     */
    Optional<TimelineEntry> baselineEntry() {
        return entries.stream().filter(e -> e.type == EntryType.INTAKE)
                .max(Comparator.comparing((TimelineEntry e) -> e.at)
                        .thenComparing(e -> e.recordedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    UUID patientId() {
        return UUID.fromString(patientId);
    }

    public String clinicId() {
        return clinicId;
    }

    Instant registeredAt() {
        return registeredAt;
    }

    List<TimelineEntry> entries() {
        return entries;
    }

    Set<String> appliedEventIds() {
        return Set.copyOf(appliedEventIds);
    }

    public Instant lastSessionEndedAt() {
        return lastSessionEndedAt;
    }

    public Instant dischargedAt() {
        return dischargedAt;
    }

    public Integer baselinePain() {
        return baselinePain;
    }

    public Integer latestPain() {
        return latestPain;
    }
}
