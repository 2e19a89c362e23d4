package dev.knotless.intake.assessment;

import org.springframework.data.mongodb.repository.MongoRepository;

/**
 * Every read is by {@code _id} ({@code findById}, {@code findAllById}): the patient document holds
 * its assessments' ids. No derived {@code exists}/{@code count} query either: the embedded store
 * answers those by reading the whole collection.
 */
interface AssessmentRepository extends MongoRepository<AssessmentDocument, String> {
}
