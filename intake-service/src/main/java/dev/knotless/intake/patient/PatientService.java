package dev.knotless.intake.patient;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.idempotency.IdempotentIds;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.outbox.OutboxMessage;
import dev.knotless.platform.web.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Registers patients (the patient and PatientRegistered in one write) and finds them; the intake
 * and assessment features look patients up here. Every lookup is for an access of the acting staff
 * member and goes through the audit trail: another clinic's patient is the same 404 as an unknown one.
 */
@Service
public class PatientService {

    private static final Logger log = LoggerFactory.getLogger(PatientService.class);

    private final PatientRepository patients;
    private final MongoTemplate mongo;
    private final EventCodec codec;
    private final Clock clock;
    private final Counter registered;
    private final AuditTrail audit;

    PatientService(PatientRepository patients, MongoTemplate mongo, EventCodec codec, Clock clock, MeterRegistry meters, AuditTrail audit) {
        this.patients = patients;
        this.audit = audit;
        this.mongo = mongo;
        this.codec = codec;
        this.clock = clock;
        this.registered = Counter.builder("knotless.patients.registered").description("patients registered").register(meters);
    }

    /** In the acting staff member's clinic; 403 for a body naming another clinic. */
    PatientView register(RegisterPatientRequest request, StaffMember staff) {
        if (request.clinicId() != null && !request.clinicId().equals(staff.clinicId())) {
            throw new ProblemException(HttpStatus.FORBIDDEN, "other-clinic", "Another clinic",
                    "Patients are registered in your own clinic; leave clinicId out or give yours");
        }
        var patient = new PatientDocument();
        patient.patientId = IdempotentIds.newId("patient").toString();
        patient.clinicId = staff.clinicId();
        // Recorded before the write, which does not happen if the record cannot be (503).
        if (!audit.permits(AuditAction.CREATE, "patient", patient.patientId, patient.patientId, patient.clinicId)) {
            throw new ProblemException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "You may not register patients");
        }
        patient.givenName = request.givenName();
        patient.familyName = request.familyName();
        patient.dateOfBirth = request.dateOfBirth().toString();
        patient.email = request.email();
        patient.phone = request.phone();
        patient.registeredAt = clock.instant();
        UUID patientId = UUID.fromString(patient.patientId);
        patient.outbox.add(OutboxMessage.of(
                EventEnvelope.of(patient.registeredAt, patientId, patient.clinicId, new PatientRegistered(patient.registeredAt)),
                codec));
        try {
            patients.insert(patient);
        } catch (DuplicateKeyException carriedOutBefore) {
            // The same keyed request ran before and stored the patient, but its key was never completed: its answer again.
            PatientDocument first = patients.findById(patient.patientId).filter(p -> patient.clinicId.equals(p.clinicId))
                    .orElseThrow(() -> carriedOutBefore);
            log.info("Patient {} was registered by an earlier run of the same keyed request", first.patientId);
            return first.toView();
        }
        registered.increment();
        log.info("Registered patient {} in clinic {}", patientId, patient.clinicId);
        return patient.toView();
    }

    /**
     * The patient, for an access ({@code action} on {@code resourceType} {@code resourceId}, the patient
     * or one of its assessments) that is recorded in the audit trail before this returns; a 404
     * problem for an id nobody registered or a patient of another clinic, alike.
     */
    public PatientView require(UUID patientId, AuditAction action, String resourceType, Object resourceId) {
        return requireWithAssessmentIds(patientId, action, resourceType, resourceId).patient();
    }

    /** As {@link #require}, with the ids of the patient's assessments. */
    public PatientAssessmentIds requireWithAssessmentIds(UUID patientId, AuditAction action, String resourceType, Object resourceId) {
        PatientDocument patient = patients.findById(patientId.toString()).orElse(null);
        if (!audit.permits(action, resourceType, resourceId, patientId, patient == null ? null : patient.clinicId)) {
            throw ProblemException.notFound("patient", patientId);
        }
        return new PatientAssessmentIds(patient.toView(), orEmpty(patient.assessmentIds), orEmpty(patient.intakeIds));
    }

    /**
     * Adds an assessment's id to its patient, before the assessment itself is stored: one atomic,
     * idempotent update by key. Were the service to stop before the assessment's write, the patient
     * would name an assessment nobody can find, which readers skip; the other order could leave an
     * assessment, and its published event, that the patient's list does not show.
     */
    public void linkAssessment(UUID patientId, String assessmentId, boolean intake) {
        var update = new Update().addToSet("assessmentIds", assessmentId);
        if (intake) {
            update.addToSet("intakeIds", assessmentId);
        }
        var result = mongo.updateFirst(Query.query(Criteria.where("_id").is(patientId.toString())), update, PatientDocument.class);
        if (result.getMatchedCount() == 0) {
            throw ProblemException.notFound("patient", patientId);
        }
    }

    private static List<String> orEmpty(List<String> ids) {
        return ids == null ? List.of() : ids;
    }
}
