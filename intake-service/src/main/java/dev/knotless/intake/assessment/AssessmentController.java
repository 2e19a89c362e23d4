package dev.knotless.intake.assessment;

import dev.knotless.platform.security.StaffMember;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/patients/{patientId}/assessments")
class AssessmentController {

    private final AssessmentService assessments;

    AssessmentController(AssessmentService assessments) {
        this.assessments = assessments;
    }

    /** 201 with the re-assessment; 400 bad input, 404 unknown patient, 409 when the patient has no intake yet. */
    @PostMapping
    ResponseEntity<ReassessmentCreated> record(@AuthenticationPrincipal StaffMember staff, @PathVariable UUID patientId,
                                               @Valid @RequestBody ReassessmentRequest request) {
        ReassessmentCreated created = assessments.recordReassessment(patientId, request, staff);
        return ResponseEntity.created(URI.create("/api/patients/" + patientId + "/assessments/" + created.assessmentId()))
                .body(created);
    }

    /** The patient's intake and re-assessments by assessedAt. */
    @GetMapping
    List<AssessmentView> assessmentsOf(@PathVariable UUID patientId) {
        return assessments.assessmentsOf(patientId);
    }

    @GetMapping("/{assessmentId}")
    AssessmentView assessment(@PathVariable UUID patientId, @PathVariable UUID assessmentId) {
        return assessments.assessment(patientId, assessmentId);
    }
}
