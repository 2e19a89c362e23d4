package dev.knotless.auth.staff;

import com.mongodb.MongoException;
import java.time.Clock;
import java.util.Date;
import java.util.UUID;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Each change to an account (created, disabled, enabled, unlocked, password reset; the bootstrap's
 * first account): a log line and an insert-only record in {@value #COLLECTION} (who, which clinic,
 * what, whose account, when), never a password or a hash. Written once the change is stored; a
 * record that cannot be written is logged as an error and the change stands (the log line has it).
 * The platform's audit trail is not used here: it brings its own resource-server chain, Kafka and
 * the services' outbox, which the auth-server has none of.
 */
@Component
public class AccountChanges {

    static final String COLLECTION = "account_changes";
    private static final Logger log = LoggerFactory.getLogger(AccountChanges.class);

    private final MongoTemplate mongo;
    private final Clock clock;

    AccountChanges(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    /**
     * @param actor    who made the change (a username, or {@code bootstrap})
     * @param clinicId the clinic of the account changed (null for an operator)
     * @param action   {@code created}, {@code disabled}, {@code enabled}, {@code unlocked}, {@code password-reset}
     * @param username whose account
     */
    public void record(String actor, String clinicId, String action, String username) {
        log.info("Account {} {} (clinic {}) by {}", username, action, clinicId == null ? "-" : clinicId, actor);
        try {
            mongo.getCollection(COLLECTION).insertOne(new Document("_id", UUID.randomUUID().toString())
                    .append("at", Date.from(clock.instant()))
                    .append("actor", actor)
                    .append("clinicId", clinicId)
                    .append("action", action)
                    .append("username", username));
        } catch (MongoException e) {
            log.error("Account change of {} ({}) by {} not recorded in {}: {}", username, action, actor, COLLECTION, e.getMessage());
        }
    }
}
