package dev.knotless.intake.assessment;

import java.util.Collection;
import org.springframework.data.mongodb.repository.MongoRepository;

/** Every read is by {@code _id}: the patient document holds its assessments' ids. */
interface AssessmentRepository extends MongoRepository<AssessmentDocument, String> {

    /** {@code {_id: {$in: ids}}}, limit 1. */
    boolean existsByAssessmentIdIn(Collection<String> assessmentIds);
}
