package dev.knotless.intake.assessment;

import dev.knotless.events.EventPayload.Complaint;
import dev.knotless.events.Vocabulary.BodyRegion;
import dev.knotless.events.Vocabulary.Side;

/** A complaint as intake-service keeps and shows it; only bodyRegion and side go into IntakeCompleted. */
public record ComplaintRecord(BodyRegion bodyRegion, Side side, String description) {

    public Complaint toEvent() {
        return new Complaint(bodyRegion, side);
    }
}
