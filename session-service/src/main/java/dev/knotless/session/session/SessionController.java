package dev.knotless.session.session;

import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.web.ProblemException;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SessionController {

    private final SessionService sessions;
    private final SessionProperties properties;

    SessionController(SessionService sessions, SessionProperties properties) {
        this.sessions = sessions;
        this.properties = properties;
    }

    /**
     * 201 with the session, the therapist being the token's subject; 400 bad input, 404 unknown patient
     * or another clinic's, 409 or 422 refused by the safety gate.
     */
    @PostMapping("/api/patients/{patientId}/sessions")
    ResponseEntity<SessionView> record(@AuthenticationPrincipal StaffMember staff, @PathVariable UUID patientId,
                                       @Valid @RequestBody SessionRequest request) {
        request.timingProblem(properties.maxSessionDuration()).ifPresent(problem -> {
            throw ProblemException.invalidField(problem.field(), problem.message());
        });
        SessionView session = sessions.record(patientId, request, staff);
        return ResponseEntity.created(URI.create("/api/sessions/" + session.sessionId())).body(session);
    }

    /** The patient's sessions by startedAt; 404 for a patient this service never heard of or of another clinic. */
    @GetMapping("/api/patients/{patientId}/sessions")
    List<SessionView> sessionsOf(@PathVariable UUID patientId) {
        return sessions.sessionsOf(patientId);
    }

    @GetMapping("/api/sessions/{sessionId}")
    SessionView session(@PathVariable UUID sessionId) {
        return sessions.session(sessionId);
    }
}
