package dev.knotless.outcomes.dashboard;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.timeline.ClinicDays;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The clinic figures, from the per-day aggregates of the read model; no Spring, no I/O.
 *
 * <ul>
 *   <li>active patients: last session on a day of the active window and not discharged since;</li>
 *   <li>follow-up response rate: completed / (completed + missed) over the follow-ups of sessions
 *       that ended on a day of the window, judged at {@code now}: missed are the follow-ups
 *       scheduled but not completed in every close minute that has begun ({@link CloseMinute}), so a
 *       window that closed unanswered counts as missed with no event; null when none has closed;</li>
 *   <li>mean soreness per checkpoint and technique: a follow-up counts for every technique used in
 *       its session; one decimal, null when there is no answer;</li>
 *   <li>patients reaching the pain MCID: among all the clinic's patients (kept as one counter).</li>
 * </ul>
 * The window is whole UTC days: from the day of {@code now - activeWindow} to today.
 */
final class DashboardCalculator {

    /** A running sum of soreness answers. */
    record Sum(long total, long count) {
    }

    /**
     * The aggregates of one clinic day.
     *
     * @param scheduled the follow-ups of that day's sessions, by the epoch minute their window closes ({@link CloseMinute})
     * @param completed those of them answered, by the same minute
     */
    record DayFigures(LocalDate day, long activePatients, Map<Long, Long> scheduled, Map<Long, Long> completed,
                      Map<Checkpoint, Map<Technique, Sum>> soreness) {
    }

    record Dashboard(
            String clinicId,
            Instant generatedAt,
            int activePatients,
            BigDecimal followUpResponseRate,
            Map<Checkpoint, Map<Technique, BigDecimal>> meanSoreness,
            Map<AlertLevel, Long> openAlerts,
            int patientsReachingPainMcid) {
    }

    private final Duration activeWindow;

    DashboardCalculator(Duration activeWindow) {
        this.activeWindow = activeWindow;
    }

    /** The days whose aggregates the dashboard reads: 31 for a 30-day window. */
    List<LocalDate> windowDays(Instant now) {
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day = ClinicDays.of(now.minus(activeWindow)); !day.isAfter(ClinicDays.of(now)); day = day.plusDays(1)) {
            days.add(day);
        }
        return days;
    }

    Dashboard calculate(String clinicId, Instant now, List<DayFigures> days, long patientsReachingMcid,
                        Map<AlertLevel, Long> openAlerts) {
        LocalDate first = ClinicDays.of(now.minus(activeWindow));
        long active = 0;
        long completed = 0;
        long missed = 0;
        Map<Checkpoint, Map<Technique, long[]>> sums = new EnumMap<>(Checkpoint.class);
        for (DayFigures day : days) {
            if (day.day().isBefore(first) || day.day().isAfter(ClinicDays.of(now))) {
                continue;
            }
            active += day.activePatients();
            for (long answered : day.completed().values()) {
                completed += answered;
            }
            for (var bucket : day.scheduled().entrySet()) {
                if (!now.isBefore(CloseMinute.start(bucket.getKey()))) {
                    missed += Math.max(0, bucket.getValue() - day.completed().getOrDefault(bucket.getKey(), 0L));
                }
            }
            day.soreness().forEach((checkpoint, byTechnique) -> byTechnique.forEach((technique, sum) -> {
                long[] total = sums.computeIfAbsent(checkpoint, c -> new EnumMap<>(Technique.class))
                        .computeIfAbsent(technique, t -> new long[2]);
                total[0] += sum.total();
                total[1] += sum.count();
            }));
        }

        Map<Checkpoint, Map<Technique, BigDecimal>> meanSoreness = new EnumMap<>(Checkpoint.class);
        for (Checkpoint checkpoint : Checkpoint.values()) {
            Map<Technique, BigDecimal> byTechnique = new EnumMap<>(Technique.class);
            for (Technique technique : Technique.values()) {
                long[] sum = sums.getOrDefault(checkpoint, Map.of()).get(technique);
                byTechnique.put(technique, sum == null || sum[1] == 0 ? null
                        : BigDecimal.valueOf(sum[0]).divide(BigDecimal.valueOf(sum[1]), 1, RoundingMode.HALF_UP));
            }
            meanSoreness.put(checkpoint, Collections.unmodifiableMap(byTechnique));
        }

        Map<AlertLevel, Long> alerts = new EnumMap<>(AlertLevel.class);
        for (AlertLevel level : AlertLevel.values()) {
            alerts.put(level, openAlerts.getOrDefault(level, 0L));
        }
        return new Dashboard(clinicId, now, (int) active, rate(completed, missed), Collections.unmodifiableMap(meanSoreness),
                Collections.unmodifiableMap(alerts), (int) patientsReachingMcid);
    }

    private static BigDecimal rate(long completed, long missed) {
        if (completed + missed == 0) {
            return null;
        }
        return BigDecimal.valueOf(completed).divide(BigDecimal.valueOf(completed + missed), 2, RoundingMode.HALF_UP);
    }
}
