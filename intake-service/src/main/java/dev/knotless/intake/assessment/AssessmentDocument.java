package dev.knotless.intake.assessment;

import dev.knotless.events.EventPayload.AssessmentRecorded;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.intake.patient.PatientView;
import dev.knotless.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An intake or a re-assessment of one patient; its event waits in {@code outbox} until the relay
 * published it. The intake's screening answers are kept as its {@code reasons}: every answer is
 * required, so the findings name exactly the answers that were yes (and a refused consent).
 */
@Document("assessments")
class AssessmentDocument {

    @Id
    String assessmentId;
    String patientId;
    String clinicId;
    Kind kind;
    Instant assessedAt;
    String therapistId;
    int painNprs;
    List<RomReading> rom = new ArrayList<>();
    /** Intake only. */
    List<ComplaintRecord> complaints;
    /** Intake only. */
    NeedlingClearance needlingClearance;
    /** Intake only: the screening findings, contraindications first. */
    List<String> reasons;
    Instant recordedAt;
    List<OutboxMessage> outbox = new ArrayList<>();

    static AssessmentDocument intake(PatientView patient, IntakeCompleted intake, List<ComplaintRecord> complaints, Instant recordedAt) {
        var document = common(patient, intake.assessmentId(), Kind.INTAKE, intake.assessedAt(), intake.therapistId(),
                intake.painNprs(), intake.rom(), recordedAt);
        document.complaints = new ArrayList<>(complaints);
        document.needlingClearance = intake.needlingClearance();
        document.reasons = new ArrayList<>(intake.reasons());
        return document;
    }

    static AssessmentDocument reassessment(PatientView patient, AssessmentRecorded assessment, Instant recordedAt) {
        return common(patient, assessment.assessmentId(), Kind.of(assessment.kind()), assessment.assessedAt(),
                assessment.therapistId(), assessment.painNprs(), assessment.rom(), recordedAt);
    }

    private static AssessmentDocument common(PatientView patient, UUID assessmentId, Kind kind, Instant assessedAt,
                                             String therapistId, int painNprs, List<RomReading> rom, Instant recordedAt) {
        var document = new AssessmentDocument();
        document.assessmentId = assessmentId.toString();
        document.patientId = patient.patientId().toString();
        document.clinicId = patient.clinicId();
        document.kind = kind;
        document.assessedAt = assessedAt;
        document.therapistId = therapistId;
        document.painNprs = painNprs;
        document.rom = new ArrayList<>(rom);
        document.recordedAt = recordedAt;
        return document;
    }

    AssessmentView toView() {
        return new AssessmentView(UUID.fromString(assessmentId), UUID.fromString(patientId), kind, assessedAt, therapistId,
                painNprs, List.copyOf(rom), complaints == null ? null : List.copyOf(complaints), needlingClearance,
                reasons == null ? null : List.copyOf(reasons), recordedAt);
    }
}
