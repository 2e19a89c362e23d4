package dev.knotless.session.patient;

import dev.knotless.events.EventEnvelope;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

/** The patients this service has heard of, and how an event changes what it knows. Every read is by key. */
@Service
public class PatientReadModel {

    private static final Logger log = LoggerFactory.getLogger(PatientReadModel.class);

    private final PatientRepository patients;
    private final MongoTemplate mongo;

    PatientReadModel(PatientRepository patients, MongoTemplate mongo) {
        this.patients = patients;
        this.mongo = mongo;
    }

    /** Empty for a patient no event has mentioned yet. */
    public Optional<PatientSnapshot> find(UUID patientId) {
        return patients.findById(patientId.toString()).map(PatientDocument::toSnapshot);
    }

    /**
     * The clinic of a patient this service heard of; empty for one no event has mentioned. A find by
     * key of the id and the clinic alone, not {@code existsById}: Spring Data answers that with a
     * count, which the embedded store serves by reading the whole collection.
     */
    public Optional<String> clinicOf(UUID patientId) {
        var byId = Query.query(Criteria.where("_id").is(patientId.toString()));
        byId.fields().include("_id").include("clinicId");
        var patient = mongo.findOne(byId, org.bson.Document.class, "patients");
        return patient == null ? Optional.empty() : Optional.ofNullable(patient.getString("clinicId"));
    }

    /**
     * Applies one event in one write (its effect and its id together). Upserts, so an event may
     * arrive before the patient's registration. A concurrent write of the same patient makes the
     * save fail on its version (the first save of a patient: on its key); the listener then throws
     * and the delivery is retried.
     */
    void apply(EventEnvelope event) {
        if (!PatientDocument.isRelevant(event.payload())) {
            log.debug("Ignoring {} {} for patient {}", event.type().wireName(), event.eventId(), event.patientId());
            return;
        }
        PatientDocument patient = patients.findById(event.patientId().toString())
                .orElseGet(() -> new PatientDocument(event.patientId()));
        if (patient.apply(event)) {
            try {
                patients.save(patient);
            } catch (DuplicateKeyException insertedMeanwhile) {
                // The first event of a patient on each of the two listeners at once: both insert, one loses. A race, not the
                // message's fault (a duplicate key would be dead-lettered): retried, it finds the document and updates it.
                throw new OptimisticLockingFailureException("Patient " + event.patientId() + " was inserted meanwhile", insertedMeanwhile);
            }
            log.info("Applied {} {} to patient {}", event.type().wireName(), event.eventId(), event.patientId());
        } else {
            log.info("Skipped {} {} for patient {}: already applied", event.type().wireName(), event.eventId(), event.patientId());
        }
    }
}
