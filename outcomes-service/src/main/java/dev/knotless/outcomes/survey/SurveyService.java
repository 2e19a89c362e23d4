package dev.knotless.outcomes.survey;

import dev.knotless.events.EventPayload;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.outcomes.alert.AlertRules;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpAnswers;
import dev.knotless.outcomes.followup.FollowUpLifecycle;
import dev.knotless.outcomes.followup.FollowUpRepository;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditTrail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Reads and answers a survey by its token. An answer is one save of the follow-up document:
 * status COMPLETED, the answers, and in its outbox FollowUpCompleted plus any AlertRaised. Two
 * racing answers meet the version check: one wins, the other is told it was already submitted.
 * Anonymous: every use of a known token is recorded in the audit trail under its follow-up (never
 * the token, never an answer) before the survey is shown or answered.
 */
@Service
class SurveyService {

    private static final Logger log = LoggerFactory.getLogger(SurveyService.class);

    private final FollowUpRepository followUps;
    private final FollowUpLifecycle lifecycle;
    private final AlertRules alertRules;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AuditTrail audit;

    SurveyService(FollowUpRepository followUps, FollowUpLifecycle lifecycle, AlertRules alertRules, Clock clock, MeterRegistry meters,
                  AuditTrail audit) {
        this.followUps = followUps;
        this.lifecycle = lifecycle;
        this.alertRules = alertRules;
        this.clock = clock;
        this.meters = meters;
        this.audit = audit;
    }

    SurveyInfo describe(String token) {
        var followUp = byToken(token, AuditAction.READ);
        return new SurveyInfo(followUp.checkpoint(), followUp.sessionEndedAt().atZone(ZoneOffset.UTC).toLocalDate(),
                followUp.opensAt(), followUp.closesAt(), followUp.statusAt(clock.instant()));
    }

    SurveyReceipt submit(String token, SurveySubmission submission) {
        return submit(token, submission, true);
    }

    private SurveyReceipt submit(String token, SurveySubmission submission, boolean firstTry) {
        var followUp = byToken(token, AuditAction.CREATE);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        refuseUnlessOpen(followUp.statusAt(now));
        lifecycle.advance(followUp, now); // records OPEN (and stages FollowUpOpened) if the sweep has not yet

        var answers = new FollowUpAnswers(submission.soreness(), submission.pain(), submission.bruising(), submission.fatigue(),
                submission.lightheaded(), submission.adverseEvent().severity(), submission.adverseEvent().description(),
                submission.comment());
        followUp.complete(answers, now);
        lifecycle.stage(followUp, now, new EventPayload.FollowUpCompleted(followUp.id(), followUp.sessionId(), followUp.checkpoint(),
                now, answers.soreness(), answers.pain(), answers.bruising(), answers.fatigue(), answers.lightheaded(),
                answers.adverseEventSeverity()));
        var decisions = alertRules.onSurveyAnswered(followUp.id(), followUp.checkpoint(), answers.soreness(),
                answers.adverseEventSeverity(), h24SorenessBefore(followUp));
        decisions.forEach(decision -> lifecycle.raise(followUp, decision, now, true));
        try {
            followUps.save(followUp);
        } catch (OptimisticLockingFailureException raced) {
            // Someone else wrote first: another answer (409), the sweep closing the window (410),
            // or the sweep or a new link touching a still open follow-up (then the answer is retried once).
            var current = followUps.findById(followUp.id().toString());
            if (current.isPresent()) {
                refuseUnlessOpen(current.get().statusAt(now));
                if (firstTry) {
                    return submit(token, submission, false);
                }
            }
            throw raced;
        }
        Counter.builder("knotless.outcomes.surveys.submitted").description("survey answers accepted")
                .tag("checkpoint", followUp.checkpoint().name()).register(meters).increment();
        log.info("Follow-up {} of session {} completed, {} alerts raised", followUp.id(), followUp.sessionId(), decisions.size());
        return new SurveyReceipt(followUp.id(), followUp.checkpoint(), now);
    }

    private static void refuseUnlessOpen(FollowUpStatus status) {
        switch (status) {
            case COMPLETED -> throw SurveyProblems.alreadySubmitted();
            case SCHEDULED -> throw SurveyProblems.notOpen();
            case MISSED -> throw SurveyProblems.closed(HttpStatus.GONE);
            case OPEN -> {
            }
        }
    }

    /** For the not-subsiding rule: this session's H24 soreness, when H24 was answered. */
    private Integer h24SorenessBefore(FollowUp followUp) {
        if (followUp.checkpoint() != Checkpoint.H48) {
            return null;
        }
        return followUps.findById(FollowUp.idOf(followUp.sessionId(), Checkpoint.H24).toString())
                .filter(h24 -> h24.status() == FollowUpStatus.COMPLETED && h24.answers() != null)
                .map(h24 -> h24.answers().soreness())
                .orElse(null);
    }

    /** The follow-up of a known token, its use recorded first (a 503 when it cannot be); an unknown token's 404. */
    private FollowUp byToken(String token, AuditAction action) {
        if (token == null || token.isEmpty() || token.length() > SurveyToken.MAX_LENGTH) {
            throw SurveyProblems.unknownToken();
        }
        var followUp = followUps.findByTokenHash(SurveyToken.hash(token)).orElseThrow(SurveyProblems::unknownToken);
        audit.surveyAccess(action, followUp.id().toString(), followUp.patientId(), followUp.clinicId());
        return followUp;
    }
}
