package dev.knotless.outcomes.timeline;

import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.web.ProblemException;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TimelineController {

    private final TimelineStore timelines;
    private final PainMcid mcid;
    private final AuditTrail audit;

    TimelineController(TimelineStore timelines, PainMcid mcid, AuditTrail audit) {
        this.timelines = timelines;
        this.mcid = mcid;
        this.audit = audit;
    }

    /** The patient's timeline; 404 for a patient this service never heard of or of another clinic. */
    @GetMapping("/api/patients/{patientId}/timeline")
    TimelineView timeline(@PathVariable UUID patientId) {
        Timeline timeline = timelines.find(patientId.toString()).orElse(null);
        if (!audit.permits(AuditAction.READ, "timeline", patientId, patientId, timeline == null ? null : timeline.clinicId())) {
            throw ProblemException.notFound("patient", patientId);
        }
        return TimelineView.of(timeline, mcid);
    }
}
