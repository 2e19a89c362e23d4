package dev.knotless.session.session;

import dev.knotless.platform.web.ProblemException;
import dev.knotless.session.safety.SafetyVerdict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A session the safety gate refused, as a problem detail. Besides the detail text, the findings
 * travel as problem properties ({@code reasons}, {@code alertIds}) so a client need not parse text.
 */
class SafetyRefusalException extends ProblemException {

    private final Map<String, Object> properties;

    private SafetyRefusalException(HttpStatus status, String slug, String title, String detail, Map<String, Object> properties) {
        super(status, slug, title, detail);
        this.properties = properties;
    }

    /** The refusal's problem type, which is also its {@code reason} in the {@code knotless.sessions.refused} counter. */
    static String reasonOf(SafetyVerdict.Refusal refusal) {
        return switch (refusal) {
            case SafetyVerdict.PatientNotFound notFound -> "patient-not-found";
            case SafetyVerdict.IntakeRequired required -> "intake-required";
            case SafetyVerdict.DischargedSinceIntake discharged -> "patient-discharged";
            case SafetyVerdict.Contraindicated contraindicated -> "contraindicated";
            case SafetyVerdict.PrecautionNotAcknowledged precaution -> "precaution-not-acknowledged";
            case SafetyVerdict.AdverseEventReviewRequired review -> "adverse-event-review-required";
        };
    }

    static ProblemException of(UUID patientId, SafetyVerdict.Refusal refusal) {
        String slug = reasonOf(refusal);
        return switch (refusal) {
            case SafetyVerdict.PatientNotFound notFound -> ProblemException.notFound("patient", patientId);
            case SafetyVerdict.IntakeRequired required -> new SafetyRefusalException(HttpStatus.CONFLICT, slug,
                    "Intake required", "No intake is known for patient " + patientId + "; record the intake before needling", Map.of());
            case SafetyVerdict.DischargedSinceIntake discharged -> new SafetyRefusalException(HttpStatus.CONFLICT, slug,
                    "Patient discharged", "Patient " + patientId + " was discharged after the latest intake; record a new intake "
                            + "(screening included) before needling again", Map.of());
            case SafetyVerdict.Contraindicated contraindicated -> new SafetyRefusalException(HttpStatus.UNPROCESSABLE_ENTITY,
                    slug, "Needling contraindicated",
                    "The latest intake contraindicates needling: " + String.join(", ", contraindicated.reasons()),
                    properties("reasons", contraindicated.reasons()));
            case SafetyVerdict.PrecautionNotAcknowledged precaution -> new SafetyRefusalException(HttpStatus.UNPROCESSABLE_ENTITY,
                    slug, "Precaution not acknowledged",
                    "The latest intake asks for precaution (" + String.join(", ", precaution.reasons())
                            + "); set precautionAcknowledged to record the session",
                    properties("reasons", precaution.reasons()));
            case SafetyVerdict.AdverseEventReviewRequired review -> new SafetyRefusalException(HttpStatus.CONFLICT,
                    slug, "Adverse event review required",
                    "A significant adverse event is open (alerts " + review.alertIds()
                            + "); review it and set adverseEventReviewed, or acknowledge the alert",
                    properties("alertIds", review.alertIds()));
        };
    }

    private static Map<String, Object> properties(String name, Object value) {
        var properties = new LinkedHashMap<String, Object>();
        properties.put(name, value);
        return properties;
    }

    @Override
    public ProblemDetail toProblemDetail() {
        ProblemDetail problem = super.toProblemDetail();
        properties.forEach(problem::setProperty);
        return problem;
    }
}
