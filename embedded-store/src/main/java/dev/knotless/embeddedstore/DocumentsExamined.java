package dev.knotless.embeddedstore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many documents the store has examined per database: a keyed lookup counts the candidates
 * its index returned, a scan counts every document of the collection. This is the cost that grows
 * with the data when a query is not by key, so tests compare it at two data sizes.
 */
public final class DocumentsExamined {

    private final Map<String, LongAdder> byDatabase = new ConcurrentHashMap<>();

    void add(String database, long documents) {
        byDatabase.computeIfAbsent(database, name -> new LongAdder()).add(documents);
    }

    /** Documents examined in {@code database} since the store started. */
    public long in(String database) {
        LongAdder examined = byDatabase.get(database);
        return examined == null ? 0 : examined.sum();
    }
}
