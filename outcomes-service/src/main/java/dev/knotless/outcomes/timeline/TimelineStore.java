package dev.knotless.outcomes.timeline;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.Optional;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads and saves timelines by patient id through {@link TimelineCodec}, with the semantics of
 * Spring Data's versioned save: a new timeline is inserted with version 0 (a concurrent insert makes
 * it a {@code DuplicateKeyException}), a stored one is replaced only at the version it was read with
 * (otherwise an {@link OptimisticLockingFailureException}). Both by {@code _id}: a keyed lookup.
 * Going through {@link MongoTemplate#execute} keeps Spring's translation of the driver's exceptions.
 */
@Component
public class TimelineStore {

    private final MongoTemplate mongo;
    private final CodecRegistry codecs = CodecRegistries.fromRegistries(
            CodecRegistries.fromCodecs(new TimelineCodec()), MongoClientSettings.getDefaultCodecRegistry());

    TimelineStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Optional<Timeline> find(String patientId) {
        return Optional.ofNullable(mongo.execute(Timeline.COLLECTION, collection ->
                typed(collection).find(Filters.eq("_id", patientId)).first()));
    }

    /** Saves under the version check; returns the timeline, its version moved on. */
    Timeline save(Timeline timeline) {
        Long read = timeline.version;
        if (read == null) {
            timeline.version = 0L;
            try {
                mongo.execute(Timeline.COLLECTION, collection -> typed(collection).insertOne(timeline));
            } catch (RuntimeException e) {
                timeline.version = null;
                throw e;
            }
            return timeline;
        }
        timeline.version = read + 1;
        long matched;
        try {
            matched = mongo.execute(Timeline.COLLECTION, collection -> typed(collection)
                    .replaceOne(Filters.and(Filters.eq("_id", timeline.patientId), Filters.eq("version", read)), timeline)
                    .getMatchedCount());
        } catch (RuntimeException e) {
            timeline.version = read;
            throw e;
        }
        if (matched == 0) {
            timeline.version = read;
            throw new OptimisticLockingFailureException("The timeline of patient " + timeline.patientId + " changed since version " + read);
        }
        return timeline;
    }

    private MongoCollection<Timeline> typed(MongoCollection<Document> collection) {
        return collection.withCodecRegistry(codecs).withDocumentClass(Timeline.class);
    }
}
