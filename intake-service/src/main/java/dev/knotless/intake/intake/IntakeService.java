package dev.knotless.intake.intake;

import dev.knotless.intake.assessment.ComplaintRecord;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.intake.assessment.AssessmentService;
import dev.knotless.intake.assessment.RomReadingInput;
import dev.knotless.intake.patient.PatientService;
import dev.knotless.intake.patient.PatientView;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.security.StaffMember;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Decides the needling clearance of an intake and hands it to the patient's assessments. */
@Service
class IntakeService {

    private final PatientService patients;
    private final AssessmentService assessments;
    private final NeedlingClearanceRules rules = new NeedlingClearanceRules();

    IntakeService(PatientService patients, AssessmentService assessments) {
        this.patients = patients;
        this.assessments = assessments;
    }

    /** 404 problem for an unknown patient or another clinic's; otherwise the intake is stored with its IntakeCompleted event. */
    IntakeView record(UUID patientId, IntakeRequest request, StaffMember staff) {
        UUID assessmentId = UUID.randomUUID();
        PatientView patient = patients.require(patientId, AuditAction.CREATE, "assessment", assessmentId);
        ClearanceDecision clearance = rules.decide(request.screening().toAnswers(), request.consent());
        var complaints = request.complaints().stream().map(IntakeRequest.ComplaintInput::toRecord).toList();
        var intake = new IntakeCompleted(
                assessmentId,
                request.assessedAt(),
                staff.subject(),
                complaints.stream().map(ComplaintRecord::toEvent).toList(),
                request.painNprs(),
                clearance.needlingClearance(),
                clearance.reasonNames(),
                request.rom().stream().map(RomReadingInput::toReading).toList());
        assessments.recordIntake(patient, intake, complaints);
        return new IntakeView(intake.assessmentId(), patientId, clearance.needlingClearance(), clearance.reasons());
    }
}
