package dev.knotless.outcomes.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.RomPhase;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimelineProjectionTest {

    private static final UUID PATIENT = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID INTAKE = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID H24 = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    private static final UUID H48 = UUID.fromString("00000000-0000-0000-0000-0000000000f2");
    private static final UUID ALERT = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final Instant T0 = Instant.parse("2026-11-18T14:00:00Z");

    private static Instant at(long hours) {
        return T0.plus(Duration.ofHours(hours));
    }

    private static EventEnvelope event(Instant occurredAt, EventPayload payload) {
        return EventEnvelope.of(occurredAt, PATIENT, "clinic-a", payload);
    }

    private static final EventEnvelope REGISTERED = event(at(-1), new EventPayload.PatientRegistered(at(-1)));
    private static final EventEnvelope INTAKE_COMPLETED = event(at(0), new EventPayload.IntakeCompleted(INTAKE, at(0), "t-1", List.of(), 7,
            NeedlingClearance.CLEARED, List.of(), List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 120, null))));
    private static final EventEnvelope SESSION_RECORDED = event(at(48), new EventPayload.SessionRecorded(SESSION, "t-1", at(47), at(48),
            List.of(new EventPayload.NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, Technique.DEEP, 2, 60, true)), List.of(), 6, 4,
            List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 125, RomPhase.PRE),
                    new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 140, RomPhase.POST)), false, false));
    private static final EventEnvelope H24_OPENED = event(at(72), new EventPayload.FollowUpOpened(H24, SESSION, Checkpoint.H24, at(72), at(96)));
    private static final EventEnvelope H24_COMPLETED = event(at(75), new EventPayload.FollowUpCompleted(H24, SESSION, Checkpoint.H24, at(75),
            8, 3, false, false, false, AdverseEventSeverity.NONE));
    private static final EventEnvelope ALERT_RAISED = event(at(75), new EventPayload.AlertRaised(ALERT, AlertLevel.HIGH, AlertRule.HIGH_SORENESS,
            SESSION, H24, Checkpoint.H24));
    private static final EventEnvelope H48_OPENED = event(at(96), new EventPayload.FollowUpOpened(H48, SESSION, Checkpoint.H48, at(96), at(120)));
    private static final EventEnvelope H48_MISSED = event(at(120), new EventPayload.FollowUpMissed(H48, SESSION, Checkpoint.H48, at(120)));

    private static final List<EventEnvelope> JOURNEY = List.of(REGISTERED, INTAKE_COMPLETED, SESSION_RECORDED, H24_OPENED, H24_COMPLETED,
            ALERT_RAISED, H48_OPENED, H48_MISSED);

    private static Timeline project(List<EventEnvelope> events) {
        var timeline = Timeline.start(PATIENT, "clinic-a");
        events.forEach(timeline::apply);
        return timeline;
    }

    private static TimelineView view(Timeline timeline) {
        return TimelineView.of(timeline, PainMcid.DEFAULT);
    }

    @Test
    void theJourneyGivesBaselineEntriesSeriesAlertsAndSummary() {
        var view = view(project(JOURNEY));

        assertThat(view.registeredAt()).isEqualTo(at(-1));
        assertThat(view.baseline().painNprs()).isEqualTo(7);
        assertThat(view.baseline().rom()).singleElement()
                .satisfies(rom -> assertThat(rom.percentOfNormal()).isEqualByComparingTo(new BigDecimal("66.7")));
        assertThat(view.entries()).extracting(TimelineView.Entry::type).containsExactly(
                EntryType.INTAKE, EntryType.SESSION, EntryType.FOLLOW_UP, EntryType.ALERT, EntryType.FOLLOW_UP);
        assertThat(view.entries().get(2).status()).isEqualTo(FollowUpStatus.COMPLETED);
        assertThat(view.entries().get(2).soreness()).isEqualTo(8);
        assertThat(view.entries().get(4).status()).isEqualTo(FollowUpStatus.MISSED);

        assertThat(view.series().pain()).extracting(TimelineView.PainPoint::value).containsExactly(7, 6, 4, 3);
        assertThat(view.series().pain()).extracting(TimelineView.PainPoint::source).containsExactly(
                TimelineView.PainSource.INTAKE, TimelineView.PainSource.SESSION_BEFORE, TimelineView.PainSource.SESSION_AFTER,
                TimelineView.PainSource.FOLLOW_UP);
        assertThat(view.series().soreness().get(Checkpoint.H24)).containsExactly(new TimelineView.SorenessPoint(SESSION, H24, 8, at(75)));
        assertThat(view.series().soreness().get(Checkpoint.H48)).isEmpty();
        assertThat(view.series().rom()).singleElement().satisfies(series -> {
            assertThat(series.points()).extracting(TimelineView.RomPoint::degrees).containsExactly(120, 125, 140);
            assertThat(series.points()).extracting(TimelineView.RomPoint::source).containsExactly(
                    TimelineView.RomSource.INTAKE, TimelineView.RomSource.SESSION, TimelineView.RomSource.SESSION);
            assertThat(series.points()).extracting(TimelineView.RomPoint::phase).containsExactly(null, RomPhase.PRE, RomPhase.POST);
            assertThat(series.points().get(2).percentOfNormal()).isEqualByComparingTo(new BigDecimal("77.8"));
        });

        assertThat(view.openAlerts()).singleElement().satisfies(alert -> {
            assertThat(alert.alertId()).isEqualTo(ALERT);
            assertThat(alert.level()).isEqualTo(AlertLevel.HIGH);
        });
        assertThat(view.summary()).isEqualTo(new TimelineView.Summary(1, 7, 3, -4, true, new BigDecimal("0.50")));
    }

    @Test
    void aDuplicateEventChangesNothing() {
        var timeline = project(JOURNEY);
        var before = view(timeline);

        assertThat(timeline.apply(H24_COMPLETED)).isFalse();
        assertThat(timeline.apply(SESSION_RECORDED)).isFalse();

        assertThat(view(timeline)).isEqualTo(before);
    }

    @Test
    void theSameFactToldAgainUnderANewEventIdStaysOneEntry() {
        var timeline = project(JOURNEY);
        var redelivered = new EventEnvelope(UUID.randomUUID(), SESSION_RECORDED.type(), 1, SESSION_RECORDED.occurredAt(), PATIENT,
                "clinic-a", SESSION_RECORDED.payload());

        timeline.apply(redelivered);

        assertThat(view(timeline).summary().sessions()).isEqualTo(1);
        assertThat(view(timeline).series().pain()).hasSize(4);
    }

    @Test
    void eventsInAnyOrderGiveTheSameTimeline() {
        var expected = view(project(JOURNEY));
        var reversed = new ArrayList<>(JOURNEY);
        Collections.reverse(reversed);
        assertThat(view(project(reversed))).isEqualTo(expected);
        for (long seed = 1; seed <= 20; seed++) {
            var shuffled = new ArrayList<>(JOURNEY);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(view(project(shuffled))).as("order %s", shuffled.stream().map(e -> e.type().wireName()).toList())
                    .isEqualTo(expected);
        }
    }

    @Test
    void aFollowUpOpenedAfterItWasCompletedStaysCompleted() {
        var view = view(project(List.of(H24_COMPLETED, H24_OPENED)));

        assertThat(view.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.status()).isEqualTo(FollowUpStatus.COMPLETED);
            assertThat(entry.at()).isEqualTo(at(75));
        });
    }

    @Test
    void anAcknowledgedAlertLeavesTheOpenAlertsEvenWhenTheAcknowledgementCameFirst() {
        var acknowledged = event(at(80), new EventPayload.AlertAcknowledged(ALERT, "t-1"));

        var inOrder = view(project(List.of(ALERT_RAISED, acknowledged)));
        var ackFirst = view(project(List.of(acknowledged)));

        assertThat(inOrder.openAlerts()).isEmpty();
        assertThat(inOrder.entries()).singleElement().extracting(TimelineView.Entry::alertStatus).isEqualTo(AlertStatus.ACKNOWLEDGED);
        assertThat(ackFirst.entries()).isEmpty();
        assertThat(ackFirst.openAlerts()).isEmpty();
    }

    @Test
    void withoutClosedFollowUpsTheResponseRateIsUnknownAndWithoutIntakeThereIsNoBaseline() {
        var view = view(project(List.of(SESSION_RECORDED, H24_OPENED)));

        assertThat(view.baseline()).isNull();
        assertThat(view.summary()).isEqualTo(new TimelineView.Summary(1, null, 4, null, false, null));
    }

    @Test
    void theLatestIntakeIsTheBaselineAndADischargeIsRemembered() {
        var secondIntake = event(at(200), new EventPayload.IntakeCompleted(UUID.randomUUID(), at(200), "t-1", List.of(), 5,
                NeedlingClearance.PRECAUTION, List.of(), List.of()));
        var discharge = event(at(300), new EventPayload.AssessmentRecorded(UUID.randomUUID(), at(300), "t-1", AssessmentKind.DISCHARGE, 2, List.of()));
        var timeline = project(List.of(INTAKE_COMPLETED, SESSION_RECORDED, secondIntake, discharge));
        var view = view(timeline);

        assertThat(view.baseline().painNprs()).isEqualTo(5);
        assertThat(view.summary().latestPain()).isEqualTo(2);
        assertThat(view.summary().mcidReached()).isTrue();
        assertThat(timeline.dischargedAt()).isEqualTo(at(300));
        assertThat(timeline.lastSessionEndedAt()).isEqualTo(at(48));
        assertThat(timeline.baselinePain()).isEqualTo(5);
        assertThat(timeline.latestPain()).isEqualTo(2);
    }

    @Test
    void aCorrectedIntakeWithTheSameAssessedAtIsTheBaselineInWhateverOrderItArrives() {
        var corrected = event(at(5), new EventPayload.IntakeCompleted(UUID.randomUUID(), at(0), "t-1", List.of(), 4,
                NeedlingClearance.PRECAUTION, List.of("ANTICOAGULANTS"), List.of()));

        assertThat(view(project(List.of(INTAKE_COMPLETED, corrected))).baseline().painNprs()).isEqualTo(4);
        assertThat(view(project(List.of(corrected, INTAKE_COMPLETED))).baseline().painNprs()).isEqualTo(4);
    }

    // ---------------------------------------------------------------- the clinic figures it queues

    private static List<String> changes(Timeline timeline) {
        return timeline.figureChanges().stream()
                .map(c -> c.kind() + (c.day() == null ? "" : " " + c.day()))
                .toList();
    }

    @Test
    void aSessionMakesThePatientActiveOnItsDayAndTheMcidIsQueuedOnceReached() {
        var timeline = project(List.of(REGISTERED, INTAKE_COMPLETED));
        assertThat(timeline.queueFigureChanges(PainMcid.DEFAULT)).isFalse();

        timeline.apply(SESSION_RECORDED); // pain 7 -> 4 after the session
        assertThat(timeline.queueFigureChanges(PainMcid.DEFAULT)).isTrue();
        assertThat(changes(timeline)).containsExactly("ACTIVE_ADD 2026-11-20", "MCID_ADD");

        timeline.apply(H24_COMPLETED);
        assertThat(timeline.queueFigureChanges(PainMcid.DEFAULT)).isFalse();
        assertThat(changes(timeline)).hasSize(2);
    }

    @Test
    void aLaterSessionMovesThePatientAndADischargeRemovesThemUntilTheyComeBack() {
        var timeline = project(List.of(INTAKE_COMPLETED, SESSION_RECORDED));
        timeline.queueFigureChanges(PainMcid.DEFAULT);
        var later = event(at(100), new EventPayload.SessionRecorded(UUID.randomUUID(), "t-1", at(99), at(100), List.of(), List.of(), 7, 7,
                List.of(), false, false));
        var discharge = event(at(150), new EventPayload.AssessmentRecorded(UUID.randomUUID(), at(150), "t-1", AssessmentKind.DISCHARGE, 7, List.of()));
        var back = event(at(400), new EventPayload.SessionRecorded(UUID.randomUUID(), "t-1", at(399), at(400), List.of(), List.of(), 7, 7,
                List.of(), false, false));

        timeline.apply(later);
        timeline.queueFigureChanges(PainMcid.DEFAULT);
        timeline.apply(discharge);
        timeline.queueFigureChanges(PainMcid.DEFAULT);
        timeline.apply(back);
        timeline.queueFigureChanges(PainMcid.DEFAULT);

        assertThat(changes(timeline)).containsExactly("ACTIVE_ADD 2026-11-20", "MCID_ADD",
                "ACTIVE_REMOVE 2026-11-20", "ACTIVE_ADD 2026-11-22", "MCID_REMOVE",
                "ACTIVE_REMOVE 2026-11-22",
                "ACTIVE_ADD 2026-12-05");
        assertThat(timeline.figureChanges()).extracting(FigureChange::changeId).doesNotHaveDuplicates();
    }
}
