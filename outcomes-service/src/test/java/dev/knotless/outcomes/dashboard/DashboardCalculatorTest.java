package dev.knotless.outcomes.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.dashboard.DashboardCalculator.DayFigures;
import dev.knotless.outcomes.dashboard.DashboardCalculator.Sum;
import dev.knotless.outcomes.timeline.ClinicDays;
import dev.knotless.outcomes.timeline.PainMcid;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The figures from per-day aggregates. The scenarios are told as patients and follow-ups, folded
 * into day aggregates as the read model keeps them (see {@link #fold}), so they read as the rules do.
 */
class DashboardCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private final DashboardCalculator calculator = new DashboardCalculator(Duration.ofDays(30));

    record PatientFigures(Instant lastSessionEndedAt, Instant dischargedAt, Integer baselinePain, Integer latestPain) {
    }

    record FollowUpFigures(Checkpoint checkpoint, FollowUpStatus status, Instant sessionEndedAt, Instant closesAt, Integer soreness,
                           List<Technique> techniques) {
    }

    private static Instant daysAgo(long days) {
        return NOW.minus(Duration.ofDays(days));
    }

    private static FollowUpFigures followUp(Checkpoint checkpoint, FollowUpStatus status, Instant sessionEndedAt, Integer soreness,
                                            Technique... techniques) {
        Instant opensAt = sessionEndedAt.plus(Duration.ofHours(checkpoint == Checkpoint.H24 ? 24 : 48));
        return new FollowUpFigures(checkpoint, status, sessionEndedAt, opensAt.plus(Duration.ofHours(24)), soreness, List.of(techniques));
    }

    /** What the read model holds per day for these patients and follow-ups (the projector's transitions). */
    private static List<DayFigures> fold(List<PatientFigures> patients, List<FollowUpFigures> followUps) {
        record Day(long[] active, Map<Long, Long> scheduled, Map<Long, Long> completed, Map<Checkpoint, Map<Technique, long[]>> soreness) {
        }
        Map<LocalDate, Day> days = new TreeMap<>();
        for (PatientFigures p : patients) {
            String day = ClinicDays.activeDay(p.lastSessionEndedAt(), p.dischargedAt());
            if (day != null) {
                days.computeIfAbsent(LocalDate.parse(day), d -> new Day(new long[1], new HashMap<>(), new HashMap<>(),
                        new EnumMap<>(Checkpoint.class))).active()[0]++;
            }
        }
        for (FollowUpFigures f : followUps) {
            var day = days.computeIfAbsent(ClinicDays.of(f.sessionEndedAt()),
                    d -> new Day(new long[1], new HashMap<>(), new HashMap<>(), new EnumMap<>(Checkpoint.class)));
            long minute = CloseMinute.of(f.closesAt());
            day.scheduled().merge(minute, 1L, Long::sum); // P, whatever happened next; MISSED adds nothing
            if (f.status() == FollowUpStatus.COMPLETED) {
                day.completed().merge(minute, 1L, Long::sum);
                for (Technique t : f.techniques().stream().distinct().toList()) {
                    long[] sum = day.soreness().computeIfAbsent(f.checkpoint(), c -> new EnumMap<>(Technique.class))
                            .computeIfAbsent(t, x -> new long[2]);
                    sum[0] += f.soreness();
                    sum[1]++;
                }
            }
        }
        List<DayFigures> figures = new ArrayList<>();
        days.forEach((date, day) -> {
            Map<Checkpoint, Map<Technique, Sum>> soreness = new EnumMap<>(Checkpoint.class);
            day.soreness().forEach((c, byT) -> byT.forEach((t, sum) ->
                    soreness.computeIfAbsent(c, x -> new EnumMap<>(Technique.class)).put(t, new Sum(sum[0], sum[1]))));
            figures.add(new DayFigures(date, day.active()[0], day.scheduled(), day.completed(), soreness));
        });
        return figures;
    }

    private DashboardCalculator.Dashboard calculate(List<PatientFigures> patients, List<FollowUpFigures> followUps) {
        long mcid = patients.stream().filter(p -> PainMcid.DEFAULT.reached(p.baselinePain(), p.latestPain())).count();
        return calculator.calculate("clinic-a", NOW, fold(patients, followUps), mcid, Map.of(AlertLevel.HIGH, 2L));
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

    @Test
    void theWindowIsTheDaysFromTheDayOfNowMinusTheWindowToToday() {
        var days = calculator.windowDays(NOW);

        assertThat(days).hasSize(31);
        assertThat(days.getFirst()).isEqualTo(LocalDate.parse("2026-10-31"));
        assertThat(days.getLast()).isEqualTo(LocalDate.parse("2026-11-30"));
    }

    @Test
    void daysOutsideTheWindowAreLeftOutEvenWhenGiven() {
        long closedMinute = CloseMinute.of(NOW.minus(Duration.ofDays(1)));
        var before = new DayFigures(LocalDate.parse("2026-10-30"), 5, Map.of(closedMinute, 1L), Map.of(closedMinute, 1L), Map.of());
        var after = new DayFigures(LocalDate.parse("2026-12-01"), 5, Map.of(closedMinute, 1L), Map.of(closedMinute, 1L), Map.of());
        var edge = new DayFigures(LocalDate.parse("2026-10-31"), 1, Map.of(closedMinute, 1L), Map.of(), Map.of());

        var dashboard = calculator.calculate("clinic-a", NOW, List.of(before, after, edge), 0, Map.of());

        assertThat(dashboard.activePatients()).isEqualTo(1);
        assertThat(dashboard.followUpResponseRate()).isEqualByComparingTo("0.00");
    }

    @Test
    void anUnansweredFollowUpCountsAsMissedFromTheMinuteItsWindowCloses() {
        long now = CloseMinute.of(NOW);
        var day = new DayFigures(LocalDate.parse("2026-11-27"), 0,
                Map.of(now - 5, 2L, now, 1L, now + 1, 4L), Map.of(now - 5, 1L, now + 1, 1L), Map.of());

        // Closed: the minute that began 5 minutes ago (1 of 2 answered) and the one beginning now (unanswered).
        // Not yet: the next minute's 3 unanswered; its answer counts at once.
        assertThat(calculator.calculate("clinic-a", NOW, List.of(day), 0, Map.of()).followUpResponseRate()).isEqualByComparingTo("0.50");
        assertThat(calculator.calculate("clinic-a", NOW.minusMillis(1), List.of(day), 0, Map.of()).followUpResponseRate())
                .as("a millisecond earlier the minute of now has not begun").isEqualByComparingTo("0.67");
        assertThat(calculator.calculate("clinic-a", NOW.plus(Duration.ofMinutes(1)), List.of(day), 0, Map.of()).followUpResponseRate())
                .isEqualByComparingTo("0.29");
    }

    @Test
    void aBucketHoldingMoreAnswersThanFollowUpsCountsNoneMissed() {
        long minute = CloseMinute.of(NOW) - 1;
        var day = new DayFigures(LocalDate.parse("2026-11-27"), 0, Map.of(minute, 1L), Map.of(minute, 2L), Map.of());

        assertThat(calculator.calculate("clinic-a", NOW, List.of(day), 0, Map.of()).followUpResponseRate()).isEqualByComparingTo("1.00");
    }

    @Test
    void aWindowClosingWithinAMinuteCountsInTheNextWholeMinute() {
        Instant whole = Instant.parse("2026-11-30T12:00:00Z");
        assertThat(CloseMinute.of(whole)).isEqualTo(whole.getEpochSecond() / 60);
        assertThat(CloseMinute.of(whole.plusNanos(1))).isEqualTo(whole.getEpochSecond() / 60 + 1);
        assertThat(CloseMinute.of(whole.plusSeconds(59))).isEqualTo(whole.getEpochSecond() / 60 + 1);
        assertThat(CloseMinute.of(whole.minusSeconds(1))).isEqualTo(whole.getEpochSecond() / 60);

        LocalDate day = LocalDate.parse("2026-11-28");
        assertThat(CloseMinute.key(day, Instant.parse("2026-11-30T00:00:30Z"))).isEqualTo("2881");
        assertThat(CloseMinute.start(CloseMinute.minute(day, "2881"))).isEqualTo(Instant.parse("2026-11-30T00:01:00Z"));
    }

    @Test
    void aWindowClosingAtASecondPastTheMinuteCountsAsMissedWhenTheNextMinuteBegins() {
        Instant closes = NOW.plusSeconds(1);
        var followUps = List.of(new FollowUpFigures(Checkpoint.H48, FollowUpStatus.OPEN, daysAgo(3), closes, null, List.of()));

        assertThat(calculator.calculate("clinic-a", closes, fold(List.of(), followUps), 0, Map.of()).followUpResponseRate())
                .as("up to a minute late, never early").isNull();
        assertThat(calculator.calculate("clinic-a", NOW.plus(Duration.ofMinutes(1)), fold(List.of(), followUps), 0, Map.of())
                .followUpResponseRate()).isEqualByComparingTo("0.00");
    }
}
