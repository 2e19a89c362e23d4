package dev.knotless.outcomes.followup;

import java.util.List;
import java.util.Optional;
import org.springframework.data.mongodb.repository.MongoRepository;

public interface FollowUpRepository extends MongoRepository<FollowUp, String> {

    List<FollowUp> findBySessionIdOrderByCheckpointAsc(String sessionId);

    Optional<FollowUp> findByTokenHash(String tokenHash);
}
