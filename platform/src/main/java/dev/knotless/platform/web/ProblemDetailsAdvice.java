package dev.knotless.platform.web;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where every service turns a failure into an RFC 9457 problem detail. Bad input
 * always names the failing field; nothing about the request body is logged (it is patient data).
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e) {
        return ResponseEntity.status(e.status()).body(e.toProblemDetail());
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
        return problem(new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Request body too large", e.getMessage()));
    }

    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException e) {
        return problem(new ProblemException(HttpStatus.CONFLICT, "conflict", "Conflict", "The resource already exists"));
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> concurrentUpdate(OptimisticLockingFailureException e) {
        return problem(new ProblemException(HttpStatus.CONFLICT, "concurrent-update", "Concurrent update",
                "The resource was changed by another request; read it again and retry"));
    }

    /**
     * The store out of reach (no server within {@code knotless.store.server-selection-timeout}, a
     * connection refused or cut): the world's fault, not the request's, and it passes. Spring Data's
     * translation and the driver's own exceptions (code that uses the collection directly). The
     * write did not happen, since the store is where it would have happened.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, MongoTimeoutException.class, MongoSocketException.class})
    ResponseEntity<ProblemDetail> storeUnavailable(RuntimeException e) {
        log.warn("The store cannot be reached; the request is refused: {}", e.getClass().getSimpleName());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .body(new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", "Service unavailable",
                        "The data store cannot be reached; try again shortly").toProblemDetail());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a valid value" : describe(e.getRequiredType());
        return problem(ProblemException.invalidField(e.getName(), "must be " + expected));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected failure", e);
        return problem(new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "Something went wrong on our side; nothing was saved by this request if it did not answer 2xx"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof PayloadTooLargeException tooLarge) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(tooLarge).getBody());
        }
        // Not the most specific cause: a bad timestamp is a DateTimeParseException inside the
        // DatabindException that knows the field.
        DatabindException databind = databindCause(e);
        ProblemException problem;
        if (databind != null && !databind.getPath().isEmpty()) {
            String field = path(databind.getPath());
            problem = new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    field + ": " + reason(databind), List.of(new FieldProblem(field, reason(databind))));
        } else if (cause instanceof JacksonException) {
            problem = new ProblemException(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                    "The request body is not valid JSON");
        } else {
            problem = new ProblemException(HttpStatus.BAD_REQUEST, "malformed-json", "Unreadable request body",
                    "A JSON request body is required");
        }
        return ResponseEntity.status(problem.status()).body(problem.toProblemDetail());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            errors.add(new FieldProblem(error.getField(), error.getDefaultMessage()));
        }
        e.getBindingResult().getGlobalErrors().forEach(error -> errors.add(new FieldProblem(error.getObjectName(), error.getDefaultMessage())));
        return invalid(errors);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e, HttpHeaders headers,
                                                                            HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(error ->
                errors.add(new FieldProblem(result.getMethodParameter().getParameterName(), error.getDefaultMessage()))));
        return invalid(errors);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getType() != null && "about:blank".equals(problem.getType().toString())) {
            problem.setType(URI.create("/problems/" + HttpStatus.valueOf(statusCode.value()).name().toLowerCase().replace('_', '-')));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private ResponseEntity<Object> invalid(List<FieldProblem> errors) {
        errors.sort(java.util.Comparator.comparing(FieldProblem::field));
        String detail = errors.stream().map(error -> error.field() + ": " + error.message()).collect(Collectors.joining("; "));
        var problem = new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, errors);
        return ResponseEntity.status(problem.status()).body(problem.toProblemDetail());
    }

    private static DatabindException databindCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof DatabindException databind) {
                return databind;
            }
        }
        return null;
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

    private static String reason(DatabindException e) {
        if (e instanceof InvalidFormatException invalid && invalid.getTargetType() != null) {
            return "must be " + describe(invalid.getTargetType());
        }
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return "must be " + describe(mismatched.getTargetType());
        }
        return "has an invalid value";
    }

    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 instant such as 2026-11-20T14:00:00Z";
        }
        if (type == java.time.LocalDate.class) {
            return "an ISO-8601 date such as 1980-04-02";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
