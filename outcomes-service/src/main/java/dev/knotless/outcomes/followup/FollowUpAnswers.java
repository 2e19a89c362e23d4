package dev.knotless.outcomes.followup;

import dev.knotless.events.Vocabulary.AdverseEventSeverity;

/**
 * What the patient answered. The free text ({@code adverseEventDescription}, {@code comment})
 * stays in this document: it never travels in an event and is never logged.
 */
public record FollowUpAnswers(
        int soreness,
        int pain,
        boolean bruising,
        boolean fatigue,
        boolean lightheaded,
        AdverseEventSeverity adverseEventSeverity,
        String adverseEventDescription,
        String comment) {
}
