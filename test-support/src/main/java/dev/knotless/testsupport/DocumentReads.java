package dev.knotless.testsupport;

import dev.knotless.platform.audit.AuditStore;

/**
 * The number of documents the embedded store has read, per database: a lookup by a unique key
 * counts the documents it finds, a query no unique index can serve counts every document of its
 * collection. Compare it around one operation at two data sizes: a count that grows with the data
 * is a scan on a path that must be a lookup by key.
 *
 * <p>Counted inside the store rather than by a driver command listener, because a listener sees
 * what a query returns, not what it read: {@code find({sessionId: x})} returns two documents
 * whether it read 200 or 200,000. Only meaningful against {@link EmbeddedInfrastructure}; with
 * MongoDB (Testcontainers) use {@code explain} instead.
 */
public final class DocumentReads {

    private DocumentReads() {
    }

    /** Documents examined in {@code database} since the test JVM started the store. */
    public static long examined(String database) {
        return EmbeddedInfrastructure.documentsExamined(database);
    }

    /**
     * As {@link #during}, counted until the audit records of the requests {@code operation} made are
     * stored too: the audit trail writes a request's outcome after the answer, with a later batch.
     */
    public static long duringRequests(String database, AuditStore audit, Runnable operation) {
        return during(database, () -> {
            operation.run();
            audit.flush();
        });
    }

    /** Documents examined in {@code database} while {@code operation} ran (its own reads and any concurrent ones). */
    public static long during(String database, Runnable operation) {
        long before = examined(database);
        operation.run();
        return examined(database) - before;
    }
}
