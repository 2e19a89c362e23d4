package dev.knotless.outcomes.survey;

import dev.knotless.outcomes.followup.FollowUpLifecycle;
import dev.knotless.outcomes.followup.FollowUpRepository;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.web.ProblemException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Issues survey links. The design asks for a link in the follow-ups listing but also for tokens
 * stored only as a hash; both cannot hold, so a link is issued on request: a new random token
 * whose hash replaces the earlier one (the old link stops working). Only the follow-up's clinic
 * may: for another clinic it is the unknown id's 404, and nothing is replaced.
 */
@Service
class SurveyLinkService {

    private static final Logger log = LoggerFactory.getLogger(SurveyLinkService.class);
    /**
     * A follow-up is also written by the sweep, a survey answer and the dashboard's projector (which
     * records what the day figures count for it): a request that loses such a race is carried out
     * again on the fresh document, rather than answered 409, which would mean nothing to a therapist.
     */
    private static final int ATTEMPTS = 3;

    private final FollowUpRepository followUps;
    private final FollowUpLifecycle lifecycle;
    private final SurveyProperties properties;
    private final Clock clock;
    private final AuditTrail audit;

    SurveyLinkService(FollowUpRepository followUps, FollowUpLifecycle lifecycle, SurveyProperties properties, Clock clock,
                      AuditTrail audit) {
        this.followUps = followUps;
        this.lifecycle = lifecycle;
        this.properties = properties;
        this.clock = clock;
        this.audit = audit;
    }

    SurveyLink issue(UUID followUpId) {
        for (int attempt = 1; ; attempt++) {
            try {
                return issueOnce(followUpId);
            } catch (OptimisticLockingFailureException changedMeanwhile) {
                if (attempt == ATTEMPTS) {
                    throw changedMeanwhile;
                }
                log.debug("Follow-up {} changed while issuing a link; trying again", followUpId);
            }
        }
    }

    private SurveyLink issueOnce(UUID followUpId) {
        var followUp = followUps.findById(followUpId.toString()).orElse(null);
        // Recorded once per request, on the first attempt (a retry after a race finds it recorded).
        if (!audit.permits(AuditAction.CREATE, "survey-link", followUpId, followUp == null ? null : followUp.patientId(),
                followUp == null ? null : followUp.clinicId())) {
            throw ProblemException.notFound("follow-up", followUpId);
        }
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        switch (followUp.statusAt(now)) {
            case COMPLETED -> throw SurveyProblems.alreadySubmitted();
            case MISSED -> throw SurveyProblems.closed(HttpStatus.CONFLICT);
            case SCHEDULED, OPEN -> {
                // a link may be sent ahead of the window; the survey then says when it opens
            }
        }
        lifecycle.advance(followUp, now); // records OPEN if the sweep has not yet
        String token = SurveyToken.generate();
        followUp.issueSurveyLink(SurveyToken.hash(token), now);
        followUps.save(followUp);
        log.info("Survey link issued for follow-up {} of session {}", followUp.id(), followUp.sessionId());
        return new SurveyLink(followUp.id(), followUp.checkpoint(), token, properties.surveyUrl(token),
                followUp.opensAt(), followUp.closesAt());
    }
}
