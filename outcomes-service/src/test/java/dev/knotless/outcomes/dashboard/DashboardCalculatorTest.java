package dev.knotless.outcomes.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.dashboard.DashboardCalculator.FollowUpFigures;
import dev.knotless.outcomes.dashboard.DashboardCalculator.PatientFigures;
import dev.knotless.outcomes.timeline.PainMcid;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private final DashboardCalculator calculator = new DashboardCalculator(Duration.ofDays(30), PainMcid.DEFAULT);

    private static Instant daysAgo(long days) {
        return NOW.minus(Duration.ofDays(days));
    }

    private static FollowUpFigures followUp(Checkpoint checkpoint, FollowUpStatus status, Instant sessionEndedAt, Integer soreness,
                                            Technique... techniques) {
        Instant opensAt = sessionEndedAt.plus(Duration.ofHours(checkpoint == Checkpoint.H24 ? 24 : 48));
        return new FollowUpFigures(checkpoint, status, sessionEndedAt, opensAt, opensAt.plus(Duration.ofHours(24)), soreness, List.of(techniques));
    }

    private DashboardCalculator.Dashboard calculate(List<PatientFigures> patients, List<FollowUpFigures> followUps) {
        return calculator.calculate("clinic-a", NOW, patients, followUps, Map.of(AlertLevel.HIGH, 2L));
    }

    @Test
    void activePatientsHadASessionWithinTheWindowAndWereNotDischargedSince() {
        var patients = List.of(
                new PatientFigures(daysAgo(1), null, 7, 6),
                new PatientFigures(daysAgo(30), null, 7, 6),              // exactly at the edge: still active
                new PatientFigures(daysAgo(31), null, 7, 6),              // too long ago
                new PatientFigures(daysAgo(5), daysAgo(2), 7, 6),         // discharged after the session
                new PatientFigures(daysAgo(2), daysAgo(5), 7, 6),         // came back after a discharge
                new PatientFigures(null, null, 7, 7));                    // intake only
        assertThat(calculate(patients, List.of()).activePatients()).isEqualTo(3);
    }

    @Test
    void patientsReachingTheMcidAreCountedAmongAllPatients() {
        var patients = List.of(
                new PatientFigures(daysAgo(90), null, 7, 5),
                new PatientFigures(daysAgo(1), null, 7, 6),
                new PatientFigures(daysAgo(1), null, null, 1));
        assertThat(calculate(patients, List.of()).patientsReachingPainMcid()).isEqualTo(1);
    }

    @Test
    void sorenessCountsForEveryTechniqueOfTheSessionPerCheckpoint() {
        var followUps = List.of(
                followUp(Checkpoint.H24, FollowUpStatus.COMPLETED, daysAgo(5), 6, Technique.DEEP, Technique.IMS),
                followUp(Checkpoint.H24, FollowUpStatus.COMPLETED, daysAgo(4), 3, Technique.DEEP),
                followUp(Checkpoint.H48, FollowUpStatus.COMPLETED, daysAgo(4), 2, Technique.SUPERFICIAL));

        var soreness = calculate(List.of(), followUps).meanSoreness();

        assertThat(soreness.get(Checkpoint.H24).get(Technique.DEEP)).isEqualByComparingTo("4.5");
        assertThat(soreness.get(Checkpoint.H24).get(Technique.IMS)).isEqualByComparingTo("6.0");
        assertThat(soreness.get(Checkpoint.H24)).containsEntry(Technique.SUPERFICIAL, null);
        assertThat(soreness.get(Checkpoint.H48).get(Technique.SUPERFICIAL)).isEqualByComparingTo("2.0");
        assertThat(soreness.get(Checkpoint.H48)).containsEntry(Technique.DEEP, null).containsEntry(Technique.IMS, null);
    }

    @Test
    void theResponseRateCountsWindowsThatClosedUnansweredEvenBeforeTheSweepRecordedThem() {
        var followUps = List.of(
                followUp(Checkpoint.H24, FollowUpStatus.COMPLETED, daysAgo(5), 3, Technique.DEEP),
                followUp(Checkpoint.H48, FollowUpStatus.MISSED, daysAgo(5), null, Technique.DEEP),
                followUp(Checkpoint.H24, FollowUpStatus.OPEN, daysAgo(4), null, Technique.DEEP),          // closed 2 days ago
                followUp(Checkpoint.H24, FollowUpStatus.OPEN, NOW.minus(Duration.ofHours(30)), null),    // still open
                followUp(Checkpoint.H48, FollowUpStatus.SCHEDULED, NOW.minus(Duration.ofHours(30)), null));

        assertThat(calculate(List.of(), followUps).followUpResponseRate()).isEqualTo(new BigDecimal("0.33"));
    }

    @Test
    void followUpsOfSessionsOutsideTheWindowAreLeftOut() {
        var followUps = List.of(followUp(Checkpoint.H24, FollowUpStatus.COMPLETED, daysAgo(40), 9, Technique.DEEP));

        var dashboard = calculate(List.of(), followUps);

        assertThat(dashboard.followUpResponseRate()).isNull();
        assertThat(dashboard.meanSoreness().get(Checkpoint.H24).get(Technique.DEEP)).isNull();
    }

    @Test
    void openAlertsListEveryLevelAndAnEmptyClinicHasNoFigures() {
        var dashboard = calculate(List.of(), List.of());

        assertThat(dashboard.openAlerts()).containsExactly(
                Map.entry(AlertLevel.HIGH, 2L), Map.entry(AlertLevel.MEDIUM, 0L), Map.entry(AlertLevel.LOW, 0L));
        assertThat(dashboard.activePatients()).isZero();
        assertThat(dashboard.followUpResponseRate()).isNull();
        assertThat(dashboard.generatedAt()).isEqualTo(NOW);
        assertThat(dashboard.clinicId()).isEqualTo("clinic-a");
    }
}
