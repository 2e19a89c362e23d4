package dev.knotless.outcomes.dashboard;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.followup.FollowUpWindow;
import dev.knotless.outcomes.timeline.PainMcid;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The clinic figures, from plain facts read by simple queries; no Spring, no I/O.
 *
 * <ul>
 *   <li>active patients: last session within the active window and not discharged since;</li>
 *   <li>follow-up response rate: completed / (completed + missed) over the follow-ups of sessions
 *       in the window, judged at {@code now} (a window that closed unanswered counts as missed even
 *       before the sweep records it); null when none has closed;</li>
 *   <li>mean soreness per checkpoint and technique: a follow-up counts for every technique used in
 *       its session; one decimal, null when there is no answer;</li>
 *   <li>patients reaching the pain MCID: among all the clinic's patients.</li>
 * </ul>
 */
final class DashboardCalculator {

    record PatientFigures(Instant lastSessionEndedAt, Instant dischargedAt, Integer baselinePain, Integer latestPain) {
    }

    record FollowUpFigures(Checkpoint checkpoint, FollowUpStatus status, Instant sessionEndedAt, Instant opensAt, Instant closesAt,
                           Integer soreness, List<Technique> techniques) {
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
    private final PainMcid mcid;

    DashboardCalculator(Duration activeWindow, PainMcid mcid) {
        this.activeWindow = activeWindow;
        this.mcid = mcid;
    }

    Instant windowStart(Instant now) {
        return now.minus(activeWindow);
    }

    Dashboard calculate(String clinicId, Instant now, List<PatientFigures> patients, List<FollowUpFigures> followUps,
                        Map<AlertLevel, Long> openAlerts) {
        Instant windowStart = windowStart(now);
        int active = (int) patients.stream().filter(p -> isActive(p, windowStart)).count();
        int mcidReached = (int) patients.stream().filter(p -> mcid.reached(p.baselinePain(), p.latestPain())).count();

        long completed = 0;
        long missed = 0;
        Map<Checkpoint, Map<Technique, long[]>> sums = new EnumMap<>(Checkpoint.class);
        for (FollowUpFigures f : followUps) {
            if (f.sessionEndedAt() == null || f.sessionEndedAt().isBefore(windowStart)) {
                continue;
            }
            FollowUpStatus status = statusAt(f, now);
            if (status == FollowUpStatus.MISSED) {
                missed++;
            } else if (status == FollowUpStatus.COMPLETED) {
                completed++;
                if (f.soreness() != null) {
                    for (Technique technique : f.techniques() == null ? List.<Technique>of() : f.techniques().stream().distinct().toList()) {
                        long[] sum = sums.computeIfAbsent(f.checkpoint(), c -> new EnumMap<>(Technique.class))
                                .computeIfAbsent(technique, t -> new long[2]);
                        sum[0] += f.soreness();
                        sum[1]++;
                    }
                }
            }
        }

        Map<Checkpoint, Map<Technique, BigDecimal>> meanSoreness = new EnumMap<>(Checkpoint.class);
        for (Checkpoint checkpoint : Checkpoint.values()) {
            Map<Technique, BigDecimal> byTechnique = new EnumMap<>(Technique.class);
            for (Technique technique : Technique.values()) {
                long[] sum = sums.getOrDefault(checkpoint, Map.of()).get(technique);
                byTechnique.put(technique, sum == null ? null
                        : BigDecimal.valueOf(sum[0]).divide(BigDecimal.valueOf(sum[1]), 1, RoundingMode.HALF_UP));
            }
            meanSoreness.put(checkpoint, Collections.unmodifiableMap(byTechnique));
        }

        Map<AlertLevel, Long> alerts = new EnumMap<>(AlertLevel.class);
        for (AlertLevel level : AlertLevel.values()) {
            alerts.put(level, openAlerts.getOrDefault(level, 0L));
        }
        return new Dashboard(clinicId, now, active, rate(completed, missed), Collections.unmodifiableMap(meanSoreness),
                Collections.unmodifiableMap(alerts), mcidReached);
    }

    private static boolean isActive(PatientFigures p, Instant windowStart) {
        Instant last = p.lastSessionEndedAt();
        if (last == null || last.isBefore(windowStart)) {
            return false;
        }
        return p.dischargedAt() == null || p.dischargedAt().isBefore(last);
    }

    private static FollowUpStatus statusAt(FollowUpFigures f, Instant now) {
        if (f.status() == FollowUpStatus.COMPLETED || f.status() == FollowUpStatus.MISSED) {
            return f.status();
        }
        return new FollowUpWindow(f.opensAt(), f.closesAt()).statusAt(now, false);
    }

    private static BigDecimal rate(long completed, long missed) {
        if (completed + missed == 0) {
            return null;
        }
        return BigDecimal.valueOf(completed).divide(BigDecimal.valueOf(completed + missed), 2, RoundingMode.HALF_UP);
    }
}
