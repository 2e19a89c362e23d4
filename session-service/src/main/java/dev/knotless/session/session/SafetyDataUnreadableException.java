package dev.knotless.session.session;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A session refused because an event about the patient could not be applied (it was dead-lettered):
 * 503 {@code /problems/safety-data-unreadable}. It may have been the contraindication or the adverse
 * event the gate needs, so the gate does not decide until the patient is screened again (a new
 * intake) or an operator has fixed the cause and replayed it. {@code deadLetters} counts them; their coordinates are for the operator's log, not
 * for the therapist.
 */
class SafetyDataUnreadableException extends ErrorResponseException {

    static final String SLUG = "safety-data-unreadable";

    private SafetyDataUnreadableException(ProblemDetail problem) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem, null);
    }

    static SafetyDataUnreadableException of(UUID patientId, List<String> deadLetters) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE);
        problem.setType(URI.create("/problems/" + SLUG));
        problem.setTitle("Safety data incomplete for this patient");
        problem.setDetail("An intake or outcome event about patient " + patientId + " could not be read, so an intake finding or an "
                + "adverse event may be missing here. The session cannot be checked, and nothing was recorded. Screen the patient again "
                + "(record a new intake, asking about any reaction to the last session), or ask your operator to fix and replay the event "
                + "(./knotless dlt replay); either lets sessions be recorded again.");
        problem.setProperty("deadLetters", deadLetters.size());
        return new SafetyDataUnreadableException(problem);
    }
}
