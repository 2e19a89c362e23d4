package dev.knotless.outcomes.followup;

import java.util.Optional;
import org.springframework.data.mongodb.repository.MongoRepository;

/**
 * Follow-ups by key: by {@code _id} (derived from session and checkpoint, {@link FollowUp#idOf}),
 * and by the hash of their survey token.
 */
public interface FollowUpRepository extends MongoRepository<FollowUp, String> {

    /**
     * {@code {tokenHash: h}}, served by the unique sparse index {@code tokenHash_unique}
     * ({@link FollowUpIndexes}): MongoDB answers it with an index scan (shown by an explain in
     * OutcomesServiceContainersIT) and the embedded store from the same index, because the filter's
     * only key is a unique index's. Chosen over a collection keyed by the hash because the token
     * then lives in the follow-up itself: issuing a new link replaces the hash in one document write,
     * so the old link stops working atomically, with no second document to keep in step. Sparse,
     * because follow-ups without a link have no {@code tokenHash} field at all (null fields are not
     * written) and must not collide.
     */
    Optional<FollowUp> findByTokenHash(String tokenHash);
}
