package dev.knotless.session.patient;

import org.springframework.data.mongodb.repository.MongoRepository;

interface PatientRepository extends MongoRepository<PatientDocument, String> {
}
