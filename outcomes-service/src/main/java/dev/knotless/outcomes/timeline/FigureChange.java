package dev.knotless.outcomes.timeline;

import java.util.UUID;

/**
 * A change of what a clinic's dashboard counts for one patient, queued in the patient's timeline in
 * the same save as the state that caused it, then handed to the {@link ClinicFiguresSink} (whose
 * updates are idempotent) until it is confirmed applied. Oldest first: applying the queue in order
 * leaves the clinic figures matching the timeline.
 *
 * @param day the UTC day (ISO) of the patient's last session, for ACTIVE_ADD and ACTIVE_REMOVE
 */
public record FigureChange(String changeId, Kind kind, String day) {

    public enum Kind { ACTIVE_ADD, ACTIVE_REMOVE, MCID_ADD, MCID_REMOVE }

    static FigureChange of(Kind kind, String day) {
        return new FigureChange(UUID.randomUUID().toString(), kind, day);
    }
}
