package dev.knotless.session;

import dev.knotless.platform.web.ProblemDetailsAdvice;
import dev.knotless.platform.web.ProblemException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;

/**
 * Workaround for the platform's ProblemDetailsAdvice: it looks at the most specific cause of an
 * unreadable body, which for a malformed timestamp ({@code "startedAt": "yesterday"}) is the
 * DateTimeParseException inside Jackson's InvalidFormatException, so the answer was a 400
 * "malformed-json" that named no field. Here the Jackson exception is found anywhere in the cause
 * chain and the field is named; every other case goes to the platform's advice unchanged.
 * Remove once the platform walks the cause chain itself.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnreadableBodyAdvice {

    private final ProblemDetailsAdvice platform;

    UnreadableBodyAdvice(ProblemDetailsAdvice platform) {
        this.platform = platform;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<?> unreadable(HttpMessageNotReadableException e, WebRequest request) throws Exception {
        if (!(e.getMostSpecificCause() instanceof JacksonException) && databindCause(e) instanceof DatabindException databind
                && !databind.getPath().isEmpty()) {
            String field = path(databind.getPath());
            String reason = databind instanceof InvalidFormatException invalid ? describe(invalid.getTargetType()) : "has an invalid value";
            ProblemException problem = ProblemException.invalidField(field, reason);
            return ResponseEntity.status(problem.status()).body(problem.toProblemDetail());
        }
        return platform.handleException(e, request);
    }

    private static Throwable databindCause(Throwable e) {
        for (Throwable cause = e; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof DatabindException) {
                return cause;
            }
        }
        return null;
    }

    private static String describe(Class<?> type) {
        if (type == Instant.class) {
            return "must be an ISO-8601 instant such as 2026-11-20T14:00:00Z";
        }
        if (type == LocalDate.class) {
            return "must be an ISO-8601 date such as 1980-04-02";
        }
        return "has an invalid value";
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
