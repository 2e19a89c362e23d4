package dev.knotless.intake.patient;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.outbox.OutboxMessage;
import dev.knotless.platform.web.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

/**
 * Registers patients (the patient and PatientRegistered in one write) and finds them; the intake
 * and assessment features look patients up here.
 */
@Service
public class PatientService {

    private static final Logger log = LoggerFactory.getLogger(PatientService.class);

    private final PatientRepository patients;
    private final MongoTemplate mongo;
    private final EventCodec codec;
    private final Clock clock;
    private final Counter registered;

    PatientService(PatientRepository patients, MongoTemplate mongo, EventCodec codec, Clock clock, MeterRegistry meters) {
        this.patients = patients;
        this.mongo = mongo;
        this.codec = codec;
        this.clock = clock;
        this.registered = Counter.builder("knotless.patients.registered").description("patients registered").register(meters);
    }

    PatientView register(RegisterPatientRequest request) {
        var patient = new PatientDocument();
        patient.patientId = UUID.randomUUID().toString();
        patient.clinicId = request.clinicId();
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
        patients.insert(patient);
        registered.increment();
        log.info("Registered patient {} in clinic {}", patientId, patient.clinicId);
        return patient.toView();
    }

    /** The patient, or a 404 problem for an id nobody registered. */
    public PatientView require(UUID patientId) {
        return patients.findById(patientId.toString())
                .map(PatientDocument::toView)
                .orElseThrow(() -> ProblemException.notFound("patient", patientId));
    }

    /** The patient with the ids of its assessments, or a 404 problem for an id nobody registered. */
    public PatientAssessmentIds requireWithAssessmentIds(UUID patientId) {
        PatientDocument patient = patients.findById(patientId.toString())
                .orElseThrow(() -> ProblemException.notFound("patient", patientId));
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
