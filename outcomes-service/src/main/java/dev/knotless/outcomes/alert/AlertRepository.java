package dev.knotless.outcomes.alert;

import org.springframework.data.mongodb.repository.MongoRepository;

/** Alerts by id only: the lists come from {@link ClinicAlerts}. */
public interface AlertRepository extends MongoRepository<Alert, String> {
}
