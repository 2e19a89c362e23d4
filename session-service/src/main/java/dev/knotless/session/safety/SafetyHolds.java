package dev.knotless.session.safety;

import dev.knotless.platform.messaging.DeadLetterObserver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Patients whose safety data this service knows to be incomplete: an intake or outcome event about
 * them was dead-lettered (it could not be read or applied), so it may have carried a
 * contraindication or a significant adverse event the read model lacks. The consumer is not behind
 * (it moved past the letter), so freshness alone would pass; a hold makes the gate refuse the
 * patient's sessions (issue 13: fail closed) until one of:
 * <ul>
 *   <li>the letter is replayed ({@code ./knotless dlt replay}, after its cause is fixed) and applied;</li>
 *   <li>a new intake of the patient is applied after the last letter was set aside: the therapist
 *       screened the patient again, and the gate decides on that screening (a letter that cannot be
 *       fixed, garbage on the topic, must not stop a patient's treatment for good).</li>
 * </ul>
 *
 * <p>Collection {@code safetyHolds}, one document per held patient ({@code _id} = patient id, the
 * record's key): {@code deadLetters}, the coordinates of each letter not yet applied, and
 * {@code heldAt}, when the last was set aside. By {@code _id} only. A letter replayed and set aside
 * again is held under its new coordinates. A letter whose key is not a patient id holds nobody
 * (Knotless's relays key every event by its patient) and is logged.
 */
@Component
public class SafetyHolds implements DeadLetterObserver {

    static final String COLLECTION = "safetyHolds";
    static final String DEAD_LETTERS = "deadLetters";
    static final String HELD_AT = "heldAt";

    private static final Logger log = LoggerFactory.getLogger(SafetyHolds.class);

    private final MongoTemplate mongo;
    private final Clock clock;

    SafetyHolds(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    @Override
    public void deadLettered(ConsumerRecord<?, ?> record, Exception cause) {
        String coordinates = DeadLetterObserver.coordinates(record.topic(), record.partition(), record.offset());
        UUID patientId = patientOf(record.key());
        if (patientId == null) {
            log.warn("Dead letter {} names no patient: no safety hold", coordinates);
            return;
        }
        mongo.upsert(byId(patientId), new Update().addToSet(DEAD_LETTERS, coordinates).max(HELD_AT, Date.from(clock.instant())),
                COLLECTION);
        // A replayed letter set aside again: held under its new coordinates only (added first, so never unheld in between).
        Header replayed = record.headers().lastHeader(DEAD_LETTER_OF);
        if (replayed != null) {
            mongo.updateFirst(byId(patientId), new Update().pull(DEAD_LETTERS, new String(replayed.value(), StandardCharsets.UTF_8)),
                    COLLECTION);
        }
        log.warn("Sessions of patient {} held: event {} could not be applied", patientId, coordinates);
    }

    /** A replayed letter was applied: it no longer holds its patient. */
    public void applied(Object key, String deadLetterOf) {
        UUID patientId = patientOf(key);
        if (patientId == null || deadLetterOf == null) {
            return;
        }
        mongo.updateFirst(byId(patientId), new Update().pull(DEAD_LETTERS, deadLetterOf), COLLECTION);
        log.info("Replayed event {} applied for patient {}", deadLetterOf, patientId);
    }

    /**
     * A new intake of the patient was applied: the letters set aside before now hold it no more (one
     * conditional delete by {@code _id}; a letter set aside later keeps its hold).
     */
    public void rescreened(UUID patientId) {
        var held = mongo.findAndRemove(Query.query(Criteria.where("_id").is(patientId.toString()).and(HELD_AT).lt(Date.from(clock.instant()))),
                Document.class, COLLECTION);
        if (held != null) {
            log.info("Sessions of patient {} no longer held: a new intake was applied", patientId);
        }
    }

    /** The letters holding this patient, empty when none. */
    public List<String> of(UUID patientId) {
        Document hold = mongo.findOne(byId(patientId), Document.class, COLLECTION);
        return hold == null ? List.of() : hold.getList(DEAD_LETTERS, String.class, List.of());
    }

    private static Query byId(UUID patientId) {
        return Query.query(Criteria.where("_id").is(patientId.toString()));
    }

    private static UUID patientOf(Object key) {
        if (key == null) {
            return null;
        }
        String text = key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : key.toString();
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException notAPatient) {
            return null;
        }
    }
}
