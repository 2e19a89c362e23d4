package dev.knotless.outcomes.followup;

import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * A follow-up as staff see it. There is no survey link here: only the token's hash is stored, so a
 * link is issued on request at {@code issueSurveyLink} (POST), which replaces any earlier one.
 */
record FollowUpView(
        UUID followUpId,
        UUID sessionId,
        Checkpoint checkpoint,
        FollowUpStatus status,
        Instant opensAt,
        Instant closesAt,
        Instant completedAt,
        Instant surveyLinkIssuedAt,
        String issueSurveyLink) {

    static FollowUpView of(FollowUp followUp, Instant now) {
        return new FollowUpView(followUp.id(), followUp.sessionId(), followUp.checkpoint(), followUp.statusAt(now),
                followUp.opensAt(), followUp.closesAt(), followUp.completedAt(), followUp.surveyLinkIssuedAt(),
                "/api/follow-ups/" + followUp.id() + "/survey-link");
    }
}
