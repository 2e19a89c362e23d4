package dev.knotless.outcomes.timeline;

import java.util.List;
import java.util.UUID;

/** Where the timeline hands the changes of its patient's dashboard figures; must be idempotent. */
public interface ClinicFiguresSink {

    void apply(String clinicId, UUID patientId, List<FigureChange> changes);
}
