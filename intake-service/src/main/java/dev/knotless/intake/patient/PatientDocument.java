package dev.knotless.intake.patient;

import dev.knotless.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A patient's identity; its PatientRegistered event waits in {@code outbox} until the relay published it.
 * It also holds the ids of its assessments, so that listing them and "has an intake" are reads by
 * key. After registration the document is only changed by atomic updates ({@code $addToSet} here,
 * the relay's {@code $pull}), never replaced, so concurrent requests cannot lose each other's ids.
 */
@Document("patients")
class PatientDocument {

    @Id
    String patientId;
    String clinicId;
    String givenName;
    String familyName;
    /**
     * ISO-8601 date (1980-04-02), stored as text on purpose: a calendar date has no time zone, and
     * the driver's Date conversion would shift it with the server's zone.
     */
    String dateOfBirth;
    String email;
    String phone;
    Instant registeredAt;
    /** Every assessment's id, intake included, in the order they were recorded; added before the assessment is stored. */
    List<String> assessmentIds = new ArrayList<>();
    /** The ids among them that are intakes. */
    List<String> intakeIds = new ArrayList<>();
    List<OutboxMessage> outbox = new ArrayList<>();

    PatientView toView() {
        return new PatientView(UUID.fromString(patientId), clinicId, givenName, familyName, LocalDate.parse(dateOfBirth),
                email, phone, registeredAt);
    }
}
