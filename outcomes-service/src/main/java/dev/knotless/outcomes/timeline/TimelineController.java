package dev.knotless.outcomes.timeline;

import dev.knotless.platform.web.ProblemException;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TimelineController {

    private final TimelineStore timelines;
    private final PainMcid mcid;

    TimelineController(TimelineStore timelines, PainMcid mcid) {
        this.timelines = timelines;
        this.mcid = mcid;
    }

    @GetMapping("/api/patients/{patientId}/timeline")
    TimelineView timeline(@PathVariable UUID patientId) {
        return timelines.find(patientId.toString())
                .map(timeline -> TimelineView.of(timeline, mcid))
                .orElseThrow(() -> ProblemException.notFound("patient", patientId));
    }
}
