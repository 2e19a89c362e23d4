package dev.knotless.system;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Request bodies of the public API, as a therapist's and a patient's clients send them. */
final class Requests {

    private Requests() {
    }

    static Map<String, Object> patient(String givenName, String familyName) {
        return Map.of("givenName", givenName, "familyName", familyName, "dateOfBirth", "1978-02-11");
    }

    /** A cleared intake, assessed three days ago. */
    static Map<String, Object> intake() {
        return Map.of("assessedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3)).toString(),
                "complaints", List.of(Map.of("bodyRegion", "SHOULDER", "side", "RIGHT", "description", "overuse")),
                "painNprs", 6,
                "screening", Map.of("pregnant", false, "bleedingDisorder", false, "anticoagulants", false, "infectionOrWoundAtSite", false,
                        "severeNeedlePhobia", false, "immunocompromised", false),
                "consent", true,
                "rom", List.of(Map.of("joint", "SHOULDER", "movement", "FLEXION", "side", "RIGHT", "degrees", 120)));
    }

    /** A session that ended {@code endedAgo} ago (30 h: its H24 survey is open at once). */
    static Map<String, Object> session(Duration endedAgo, boolean adverseEventReviewed) {
        Instant ended = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(endedAgo);
        return Map.of("startedAt", ended.minus(Duration.ofMinutes(30)).toString(), "endedAt", ended.toString(),
                "needling", List.of(Map.of("muscle", "UPPER_TRAPEZIUS", "side", "RIGHT", "technique", "DEEP", "needles", 1, "dwellSeconds", 30,
                        "twitchResponse", false)),
                "adjuncts", List.of(), "painBefore", 6, "painAfter", 4, "rom", List.of(),
                "precautionAcknowledged", false, "adverseEventReviewed", adverseEventReviewed, "notes", "");
    }

    /** A survey answer; {@code severity} NONE, MINOR or SIGNIFICANT (which raises a HIGH alert). */
    static Map<String, Object> surveyAnswer(String severity) {
        return Map.of("soreness", 3, "pain", 2, "bruising", false, "fatigue", false, "lightheaded", false,
                "adverseEvent", Map.of("severity", severity, "description", severity.equals("NONE") ? "" : "dizzy for an hour"), "comment", "");
    }
}
