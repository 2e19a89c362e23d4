package dev.knotless.session.safety;

import dev.knotless.session.patient.PatientSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The checks before needling, in this order: the patient is known, an intake is known, the patient
 * was not discharged since (a returning patient is screened again), its clearance is not CONTRAINDICATED, a PRECAUTION is acknowledged, and no significant adverse event
 * is open unless the therapist reviewed it for this session. An adverse event stays open until its
 * alert is acknowledged; a review lets one session through, not the next. No Spring, no I/O.
 */
public final class SafetyGate {

    /** The therapist's answers on the session form. */
    public record Acknowledgements(boolean precautionAcknowledged, boolean adverseEventReviewed) {
    }

    public SafetyVerdict check(Optional<PatientSnapshot> patient, Acknowledgements acknowledgements) {
        if (patient.isEmpty()) {
            return new SafetyVerdict.PatientNotFound();
        }
        var known = patient.get();
        if (known.latestIntake().isEmpty()) {
            return new SafetyVerdict.IntakeRequired();
        }
        if (known.discharged()) {
            return new SafetyVerdict.DischargedSinceIntake();
        }
        var intake = known.latestIntake().get();
        switch (intake.needlingClearance()) {
            case CONTRAINDICATED -> {
                return new SafetyVerdict.Contraindicated(intake.reasons());
            }
            case PRECAUTION -> {
                if (!acknowledgements.precautionAcknowledged()) {
                    return new SafetyVerdict.PrecautionNotAcknowledged(intake.reasons());
                }
            }
            case CLEARED -> {
                // nothing to acknowledge
            }
        }
        List<UUID> openAdverseEvents = known.openAdverseEvents().stream().map(PatientSnapshot.OpenAdverseEvent::alertId).toList();
        if (!openAdverseEvents.isEmpty() && !acknowledgements.adverseEventReviewed()) {
            return new SafetyVerdict.AdverseEventReviewRequired(openAdverseEvents);
        }
        return new SafetyVerdict.Pass(intake.needlingClearance());
    }
}
