package dev.knotless.session.session;

import java.util.List;
import org.springframework.data.mongodb.repository.MongoRepository;

interface SessionRepository extends MongoRepository<SessionDocument, String> {

    List<SessionDocument> findByPatientIdOrderByStartedAtAscRecordedAtAsc(String patientId);
}
