package dev.knotless.intake.patient;

import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.security.StaffMember;
import jakarta.validation.Valid;
import java.net.URI;
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
@RequestMapping("/api/patients")
class PatientController {

    private final PatientService patients;

    PatientController(PatientService patients) {
        this.patients = patients;
    }

    /** 201 with the patient and its Location; 400 for bad input, 403 for another clinic's id in the body. */
    @PostMapping
    ResponseEntity<PatientView> register(@AuthenticationPrincipal StaffMember staff, @Valid @RequestBody RegisterPatientRequest request) {
        PatientView patient = patients.register(request, staff);
        return ResponseEntity.created(URI.create("/api/patients/" + patient.patientId())).body(patient);
    }

    /** The patient; 404 for an unknown id or another clinic's patient, 400 for one that is not a UUID. */
    @GetMapping("/{patientId}")
    PatientView patient(@PathVariable UUID patientId) {
        return patients.require(patientId, AuditAction.READ, "patient", patientId);
    }
}
