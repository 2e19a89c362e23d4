package dev.knotless.intake.intake;

import dev.knotless.platform.security.StaffMember;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class IntakeController {

    private final IntakeService intakes;

    IntakeController(IntakeService intakes) {
        this.intakes = intakes;
    }

    /**
     * 201 with the needling clearance and its reasons, Location of the stored assessment; 400 bad
     * input, 404 unknown patient. A later intake replaces the clearance.
     */
    @PostMapping("/api/patients/{patientId}/intake")
    ResponseEntity<IntakeView> record(@AuthenticationPrincipal StaffMember staff, @PathVariable UUID patientId,
                                      @Valid @RequestBody IntakeRequest request) {
        IntakeView intake = intakes.record(patientId, request, staff);
        return ResponseEntity.created(URI.create("/api/patients/" + patientId + "/assessments/" + intake.assessmentId()))
                .body(intake);
    }
}
