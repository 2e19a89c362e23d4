package dev.knotless.intake.patient;

import org.springframework.data.mongodb.repository.MongoRepository;

interface PatientRepository extends MongoRepository<PatientDocument, String> {
}
