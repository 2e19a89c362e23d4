package dev.knotless.session.session;

import dev.knotless.session.safety.SafetyDataFreshness;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A session refused because the safety data (intakes and adverse events) are not known to be
 * current: 503 {@code /problems/safety-data-stale} with {@code Retry-After}. An
 * {@link ErrorResponseException}, so the platform's problem details advice answers it with its
 * headers; {@code ageSeconds} (absent when never confirmed since start) and
 * {@code maxStalenessSeconds} let a client show the figures without parsing the text.
 */
class SafetyDataStaleException extends ErrorResponseException {

    static final String SLUG = "safety-data-stale";

    private SafetyDataStaleException(ProblemDetail problem, Duration retryAfter) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem, null);
        getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
    }

    static SafetyDataStaleException of(SafetyDataFreshness freshness, Duration retryAfter) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE);
        problem.setType(URI.create("/problems/" + SLUG));
        problem.setTitle("Safety data not current");
        String why = switch (freshness) {
            case SafetyDataFreshness.Stale stale -> {
                problem.setProperty("ageSeconds", stale.age().toSeconds());
                problem.setProperty("maxStalenessSeconds", stale.maxStaleness().toSeconds());
                yield "The safety data (intakes and adverse events) were last confirmed current " + stale.age().toSeconds()
                        + " s ago; the limit is " + stale.maxStaleness().toSeconds() + " s.";
            }
            case SafetyDataFreshness.NeverConfirmed never -> {
                problem.setProperty("maxStalenessSeconds", never.maxStaleness().toSeconds());
                yield "The safety data (intakes and adverse events) have not been confirmed current since this service started.";
            }
            case SafetyDataFreshness.Current current ->
                    throw new IllegalArgumentException("current safety data are no reason to refuse a session");
        };
        problem.setDetail(why + " The session cannot be checked now, and nothing was recorded. Try again in a minute; "
                + "if this persists, tell your operator.");
        return new SafetyDataStaleException(problem, retryAfter);
    }
}
