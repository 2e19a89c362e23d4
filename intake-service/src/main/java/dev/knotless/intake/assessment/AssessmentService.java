package dev.knotless.intake.assessment;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.AssessmentRecorded;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.intake.patient.PatientAssessmentIds;
import dev.knotless.intake.patient.PatientService;
import dev.knotless.intake.patient.PatientView;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.outbox.OutboxMessage;
import dev.knotless.platform.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import dev.knotless.platform.store.ChildrenByIds;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Keeps a patient's assessments: the intake (handed over by the intake feature with its clearance
 * decided) and the re-assessments. Each is stored together with its event in one write, after its
 * id was added to the patient's document: every read here is by key.
 */
@Service
public class AssessmentService {

    private static final Logger log = LoggerFactory.getLogger(AssessmentService.class);
    private static final Comparator<AssessmentDocument> ASSESSMENT_ORDER =
            Comparator.comparing((AssessmentDocument assessment) -> assessment.assessedAt)
                    .thenComparing(assessment -> assessment.recordedAt);

    private final AssessmentRepository assessments;
    private final PatientService patients;
    private final EventCodec codec;
    private final Clock clock;
    private final MeterRegistry meters;

    AssessmentService(AssessmentRepository assessments, PatientService patients, EventCodec codec, Clock clock, MeterRegistry meters) {
        this.assessments = assessments;
        this.patients = patients;
        this.codec = codec;
        this.clock = clock;
        this.meters = meters;
    }

    /** Stores an intake and stages its IntakeCompleted; a later intake replaces the clearance for consumers. */
    public void recordIntake(PatientView patient, IntakeCompleted intake, List<ComplaintRecord> complaints) {
        Instant now = clock.instant();
        store(AssessmentDocument.intake(patient, intake, complaints, now), patient, intake, now);
        meters.counter("knotless.intakes.completed", "needlingClearance", intake.needlingClearance().name()).increment();
        log.info("Recorded intake {} for patient {}: {}", intake.assessmentId(), patient.patientId(), intake.needlingClearance());
    }

    /** A progress or discharge assessment; 404 for an unknown patient, 409 before the patient's intake. */
    ReassessmentCreated recordReassessment(UUID patientId, ReassessmentRequest request, StaffMember staff) {
        UUID assessmentId = UUID.randomUUID();
        PatientAssessmentIds known = patients.requireWithAssessmentIds(patientId, AuditAction.CREATE, "assessment", assessmentId);
        PatientView patient = known.patient();
        // The intake is looked up by id, not taken on the patient's word: its id is written first.
        if (known.intakeIds().isEmpty() || assessments.findAllById(known.intakeIds()).isEmpty()) {
            throw new ProblemException(HttpStatus.CONFLICT, "intake-required", "Intake required",
                    "Patient " + patientId + " has no intake yet; record the intake before a re-assessment");
        }
        var recorded = new AssessmentRecorded(assessmentId, request.assessedAt(), staff.subject(), request.kind(),
                request.painNprs(), request.rom().stream().map(RomReadingInput::toReading).toList());
        Instant now = clock.instant();
        store(AssessmentDocument.reassessment(patient, recorded, now), patient, recorded, now);
        meters.counter("knotless.assessments.recorded", "kind", request.kind().name()).increment();
        log.info("Recorded {} assessment {} for patient {}", request.kind(), recorded.assessmentId(), patientId);
        return new ReassessmentCreated(recorded.assessmentId(), patientId, recorded.kind());
    }

    /** The intake and re-assessments in the order they were assessed; 404 for an unknown patient. */
    List<AssessmentView> assessmentsOf(UUID patientId) {
        List<String> ids = patients.requireWithAssessmentIds(patientId, AuditAction.READ, "assessment", null).assessmentIds();
        if (ids.isEmpty()) {
            return List.of();
        }
        return ChildrenByIds.inOrder(ids, assessments.findAllById(ids), assessment -> assessment.assessmentId,
                        assessment -> assessment.patientId.equals(patientId.toString()), ASSESSMENT_ORDER).stream()
                .map(AssessmentDocument::toView)
                .toList();
    }

    /** One assessment of the patient; 404 for an unknown patient or an assessment of somebody else. */
    AssessmentView assessment(UUID patientId, UUID assessmentId) {
        patients.require(patientId, AuditAction.READ, "assessment", assessmentId);
        return assessments.findById(assessmentId.toString())
                .filter(assessment -> assessment.patientId.equals(patientId.toString()))
                .map(AssessmentDocument::toView)
                .orElseThrow(() -> ProblemException.notFound("assessment", assessmentId));
    }

    private void store(AssessmentDocument document, PatientView patient, EventPayload payload, Instant now) {
        document.outbox.add(OutboxMessage.of(EventEnvelope.of(now, patient.patientId(), patient.clinicId(), payload), codec));
        // Patient first (see PatientService.linkAssessment): a stop in between leaves an id that finds nothing.
        patients.linkAssessment(patient.patientId(), document.assessmentId, document.kind == Kind.INTAKE);
        assessments.insert(document);
    }
}
