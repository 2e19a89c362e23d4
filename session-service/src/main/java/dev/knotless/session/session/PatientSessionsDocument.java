package dev.knotless.session.session;

import java.util.ArrayList;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The ids of one patient's sessions, keyed by patientId, so that listing them is a read by key.
 * Kept apart from the {@code patients} read model on purpose: that one is rebuilt from events and
 * replaced whole under its {@code @Version}, while these ids are this service's own data, added by
 * an atomic {@code $addToSet} that never makes an event listener retry.
 */
@Document(PatientSessionsDocument.COLLECTION)
class PatientSessionsDocument {

    static final String COLLECTION = "patientSessions";

    @Id
    String patientId;
    /** In the order the sessions were recorded; an id is added before its session is stored. */
    List<String> sessionIds = new ArrayList<>();
}
