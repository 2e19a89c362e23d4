package dev.knotless.platform.migration;

import java.time.Clock;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * A change to stored data that runs once per store, at start, before the service takes requests: a
 * marker document in {@value #COLLECTION} records that it ran, so later starts read one document by
 * key. The migration must be idempotent: a start that stopped half-way runs it again, and two
 * instances starting together may both run it.
 */
public final class OneTimeMigration {

    public static final String COLLECTION = "migrations";

    private OneTimeMigration() {
    }

    /** Runs {@code migration} unless this store records {@code name} as done, then records it. */
    public static void runOnce(MongoTemplate mongo, Clock clock, String name, Runnable migration) {
        // findById, not exists(): a count, which the embedded store would answer by reading the collection.
        if (mongo.findById(name, Document.class, COLLECTION) != null) {
            return;
        }
        migration.run();
        try {
            mongo.insert(new Document("_id", name).append("doneAt", clock.instant()), COLLECTION);
        } catch (DuplicateKeyException another) {
            // Another instance finished it at the same time.
        }
    }
}
