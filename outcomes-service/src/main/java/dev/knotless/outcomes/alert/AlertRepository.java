package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertStatus;
import java.util.List;
import org.springframework.data.domain.Pageable;
import org.springframework.data.mongodb.repository.MongoRepository;

public interface AlertRepository extends MongoRepository<Alert, String> {

    /** HIGH first, then newest first (the pageable carries the sort). */
    List<Alert> findByClinicIdAndStatus(String clinicId, AlertStatus status, Pageable page);

    long countByClinicIdAndStatusAndLevel(String clinicId, AlertStatus status, AlertLevel level);
}
