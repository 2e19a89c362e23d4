package dev.knotless.session.safety;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.util.List;
import java.util.UUID;

/** What the safety gate decided about one session: it passes, or exactly one reason it may not. */
public sealed interface SafetyVerdict {

    /** Needling may go ahead under this clearance. */
    record Pass(NeedlingClearance needlingClearance) implements SafetyVerdict {
    }

    /** Why a session is refused; the first failing check in the gate's order. */
    sealed interface Refusal extends SafetyVerdict {
    }

    /** No event has mentioned this patient. */
    record PatientNotFound() implements Refusal {
    }

    /** The patient is known but no intake with a needling clearance has arrived. */
    record IntakeRequired() implements Refusal {
    }

    /** A discharge was recorded after the latest intake: the screening is stale until a new intake. */
    record DischargedSinceIntake() implements Refusal {
    }

    /** The latest intake found a contraindication. */
    record Contraindicated(List<String> reasons) implements Refusal {
        public Contraindicated {
            reasons = List.copyOf(reasons);
        }
    }

    /** The latest intake asks for precaution and the therapist did not acknowledge it. */
    record PrecautionNotAcknowledged(List<String> reasons) implements Refusal {
        public PrecautionNotAcknowledged {
            reasons = List.copyOf(reasons);
        }
    }

    /** A significant adverse event is open and the therapist did not review it for this session. */
    record AdverseEventReviewRequired(List<UUID> alertIds) implements Refusal {
        public AdverseEventReviewRequired {
            alertIds = List.copyOf(alertIds);
        }
    }
}
