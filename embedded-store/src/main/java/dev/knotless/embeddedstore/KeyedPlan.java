package dev.knotless.embeddedstore;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the unique index that can serve a filter, and the part of the filter it serves.
 *
 * <p>mongo-java-server uses an index only when a filter's keys are exactly the index's keys, so
 * {@code {_id: x, version: 3}} (Spring Data's optimistic locking) or {@code {_id: x, outbox.0: ...}}
 * read the whole collection. MongoDB would serve both from the {@code _id} index. This plan does
 * the same: when the filter names every key of a unique index by equality or {@code $in}, the
 * index narrows the candidates and the whole filter is then matched against them.
 *
 * @param index the unique index to ask for candidate documents
 * @param keyFilter the part of the filter that the index answers
 */
record KeyedPlan<P>(Index<P> index, Document keyFilter) {

    /** The plan for {@code filter}, or null when no unique index can serve it (a scan). */
    static <P> KeyedPlan<P> of(List<Index<P>> indexes, Document filter) {
        if (filter == null || filter.isEmpty()) {
            return null;
        }
        Document conditions = conjuncts(filter);
        for (Index<P> index : indexes) {
            Document keyFilter = new Document();
            for (IndexKey key : index.getKeys()) {
                if (!conditions.containsKey(key.getKey())) {
                    keyFilter = null;
                    break;
                }
                keyFilter.put(key.getKey(), conditions.get(key.getKey()));
            }
            // canHandle refuses what the index cannot answer: operators other than $in, a sparse index asked for null.
            if (keyFilter != null && index.canHandle(keyFilter)) {
                return new KeyedPlan<>(index, keyFilter);
            }
        }
        return null;
    }

    /**
     * The field conditions every match must meet: the filter's own, and those of the branches of a
     * top-level {@code $and} (the driver's {@code Filters.and} renders that form). A field named twice
     * is left out, so a narrowing never drops a condition the full filter would have applied.
     */
    private static Document conjuncts(Document filter) {
        Document conditions = new Document();
        Set<String> repeated = new HashSet<>();
        collect(filter, conditions, repeated);
        repeated.forEach(conditions::remove);
        return conditions;
    }

    private static void collect(Document filter, Document conditions, Set<String> repeated) {
        for (var entry : filter.entrySet()) {
            if (entry.getKey().equals("$and") && entry.getValue() instanceof List<?> branches) {
                for (Object branch : branches) {
                    if (branch instanceof Document document) {
                        collect(document, conditions, repeated);
                    }
                }
            } else if (!entry.getKey().startsWith("$")) {
                if (conditions.containsKey(entry.getKey())) {
                    repeated.add(entry.getKey());
                }
                conditions.put(entry.getKey(), entry.getValue());
            }
        }
    }
}
