package dev.knotless.intake.assessment;

import java.util.List;
import org.springframework.data.mongodb.repository.MongoRepository;

interface AssessmentRepository extends MongoRepository<AssessmentDocument, String> {

    /** Served by the index of {@link AssessmentIndexes}. */
    List<AssessmentDocument> findByPatientIdOrderByAssessedAtAscRecordedAtAsc(String patientId);

    boolean existsByPatientIdAndKind(String patientId, Kind kind);
}
