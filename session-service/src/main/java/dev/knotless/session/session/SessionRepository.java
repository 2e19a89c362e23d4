package dev.knotless.session.session;

import org.springframework.data.mongodb.repository.MongoRepository;

/** Every read is by {@code _id}: a patient's session ids are in {@link PatientSessionsDocument}. */
interface SessionRepository extends MongoRepository<SessionDocument, String> {
}
