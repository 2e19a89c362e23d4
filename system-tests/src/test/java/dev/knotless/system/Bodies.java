package dev.knotless.system;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Request bodies the fault tests send: a cleared intake and a plain needling session (fictional, no patient data). */
final class Bodies {

    private Bodies() {
    }

    /** An intake with nothing that makes needling unsafe, assessed a few days ago. */
    static Map<String, Object> clearedIntake() {
        return Map.of("assessedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3)).toString(),
                "complaints", List.of(Map.of("bodyRegion", "SHOULDER", "side", "RIGHT", "description", "overuse")),
                "painNprs", 6,
                "screening", Map.of("pregnant", false, "bleedingDisorder", false, "anticoagulants", false, "infectionOrWoundAtSite", false,
                        "severeNeedlePhobia", false, "immunocompromised", false),
                "consent", true,
                "rom", List.of(Map.of("joint", "SHOULDER", "movement", "FLEXION", "side", "RIGHT", "degrees", 120)));
    }

    /** A 30-minute session of one needle that ended {@code endedAgo} ago. */
    static Map<String, Object> session(Duration endedAgo) {
        Instant ended = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(endedAgo);
        return Map.of("startedAt", ended.minus(Duration.ofMinutes(30)).toString(), "endedAt", ended.toString(),
                "needling", List.of(Map.of("muscle", "UPPER_TRAPEZIUS", "side", "RIGHT", "technique", "DEEP", "needles", 1, "dwellSeconds", 30,
                        "twitchResponse", false)),
                "adjuncts", List.of(), "painBefore", 6, "painAfter", 4, "rom", List.of(),
                "precautionAcknowledged", false, "adverseEventReviewed", false, "notes", "");
    }
}
