package dev.knotless.outcomes.timeline;

import java.util.List;
import java.util.UUID;

/**
 * Where the timeline hands the changes of its patient's dashboard figures: {@link #apply} must be
 * idempotent for a change until {@link #handedOver} says it left the queue (after which it is never
 * handed over again).
 */
public interface ClinicFiguresSink {

    void apply(String clinicId, UUID patientId, List<FigureChange> changes);

    /** These changes, applied, are no longer in the timeline's queue: what keeps them idempotent may go. */
    default void handedOver(String clinicId, UUID patientId, List<FigureChange> changes) {
    }
}
