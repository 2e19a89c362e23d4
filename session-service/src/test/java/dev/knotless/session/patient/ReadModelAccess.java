package dev.knotless.session.patient;

import dev.knotless.events.EventEnvelope;

/** Lets the integration tests run the event handler itself, to count the documents it reads. */
public final class ReadModelAccess {

    private ReadModelAccess() {
    }

    /** What {@link PatientEventListener} does with a decoded event. */
    public static void apply(PatientReadModel readModel, EventEnvelope event) {
        readModel.apply(event);
    }
}
