package dev.knotless.auth.staff;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** A refused staff request as an RFC 9457 problem: {@code /problems/<slug>}, a title, the detail and the failing fields. */
final class StaffProblem extends RuntimeException {

    /** One failing field of a request body. */
    record FieldError(String field, String message) {
    }

    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;

    StaffProblem(HttpStatus status, String slug, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    static StaffProblem invalid(List<FieldError> errors) {
        String detail = String.join("; ", errors.stream().map(error -> error.field() + ": " + error.message()).toList());
        return new StaffProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, errors);
    }

    static StaffProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** Unknown, or of another clinic: the same answer, so that a guessed username is not confirmed. */
    static StaffProblem notFound(String username) {
        return new StaffProblem(HttpStatus.NOT_FOUND, "account-not-found", "Account not found",
                "No account " + username + " in your clinic", List.of());
    }

    HttpStatus status() {
        return status;
    }

    ProblemDetail toProblemDetail(String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(URI.create("/problems/" + slug));
        problem.setTitle(title);
        problem.setInstance(URI.create(instance));
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors.stream().map(error -> Map.of("field", error.field(), "message", error.message())).toList());
        }
        return problem;
    }
}
