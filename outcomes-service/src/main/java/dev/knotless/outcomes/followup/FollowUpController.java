package dev.knotless.outcomes.followup;

import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.web.ProblemException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class FollowUpController {

    private final FollowUpRepository followUps;
    private final Clock clock;
    private final AuditTrail audit;

    FollowUpController(FollowUpRepository followUps, Clock clock, AuditTrail audit) {
        this.followUps = followUps;
        this.clock = clock;
        this.audit = audit;
    }

    /**
     * The session's follow-ups with the status of the present (the sweep may not have recorded it
     * yet). Their ids derive from the session and checkpoint, so they are read by {@code _id}.
     * Another clinic's session is the unknown session's 404.
     */
    @GetMapping("/api/sessions/{sessionId}/follow-ups")
    List<FollowUpView> followUpsOf(@PathVariable UUID sessionId) {
        var ids = Arrays.stream(Checkpoint.values()).map(checkpoint -> FollowUp.idOf(sessionId, checkpoint).toString()).toList();
        var found = new ArrayList<FollowUp>();
        followUps.findAllById(ids).forEach(found::add);
        found.sort(Comparator.comparing(FollowUp::checkpoint));
        FollowUp any = found.isEmpty() ? null : found.getFirst();
        if (!audit.permits(AuditAction.READ, "follow-up", null, any == null ? null : any.patientId(),
                any == null ? null : any.clinicId())) {
            throw new ProblemException(HttpStatus.NOT_FOUND, "session-not-found", "Session not found",
                    "No follow-ups for session " + sessionId + ": the session is unknown, or its SessionRecorded event "
                            + "has not reached outcomes-service yet (retry in a moment)");
        }
        var now = clock.instant();
        return found.stream().map(followUp -> FollowUpView.of(followUp, now)).toList();
    }
}
