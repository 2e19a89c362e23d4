package dev.knotless.embeddedstore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.Assert;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's H2 backend, with these changes: a filter that names every key of a unique index
 * by equality or {@code $in} is served from that index whatever else it asks ({@link KeyedPlan});
 * the documents each query examines are counted ({@link #documentsExamined()}); unique indexes
 * order their keys without Java serialization ({@link KeyOrder}); documents are stored as BSON bytes
 * instead of Java-serialized objects ({@link KeyedCollection}); and collections do not keep a
 * data-size figure, which cost two BSON encodings of the whole document and a write on every update.
 *
 * <p>Non-unique indexes stay ignored, as mongo-java-server ignores them: a query by any other field
 * still reads its whole collection, which is why every hot path of Knotless is a lookup by key.
 *
 * <p>The database and collection classes are inner classes on purpose: mongo-java-server opens
 * existing databases and collections from inside the super constructors, before a subclass could
 * have assigned any field of its own, and an inner class reaches its outer instance from the start.
 */
public class KeyedH2Backend extends H2Backend {

    // Map names of mongo-java-server's H2Database (package-private there): the file format must not change.
    private static final String DATABASES_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";
    private static final String INDEX_INFIX = "._index_";
    // Index maps ordered and written by KeyOrder carry this suffix. A store written before them has its index
    // maps under the plain name (H2's serialized-bytes order) or under "#keyOrder" (KeyOrder's order, keys
    // Java-serialized): those are removed, and the new, empty maps are filled from the documents when the
    // collection adds the index, as mongo-java-server does for a new index.
    private static final String KEY_ORDER_SUFFIX = "#keys";
    private static final List<String> LEGACY_INDEX_SUFFIXES = List.of("", "#keyOrder");
    // Document maps holding BSON bytes (KeyedCollection) carry this suffix.
    private static final String BSON_SUFFIX = "#bson";

    private static final Logger log = LoggerFactory.getLogger(KeyedH2Backend.class);

    private volatile DocumentsExamined examined;

    /** A backend in the H2 file {@code fileName}, created when missing. */
    public KeyedH2Backend(String fileName) {
        super(fileName);
        // A commit per write (handleCommand) writes a chunk per write; with H2's default 45 s retention of
        // old chunks the file grew 55-fold (1.4 GB after 40,000 writes). Reusing their space at once is
        // unsafe only when the disk itself may lose writes the OS accepted, which this store does not
        // promise anyway (no fsync).
        getMvStore().setRetentionTime(0);
    }

    /** A backend in memory, for tests. */
    public KeyedH2Backend() {
        super(MVStore.open(null));
    }

    /**
     * Commits to the file before the answer leaves, so an acknowledged write survives a {@code kill -9}
     * of the launcher (issue 13): the H2 backend otherwise commits about once a second (the MVStore's
     * auto-commit), and the last second of acknowledged writes was lost. Concurrent commands share a
     * commit (the MVStore writes one chunk of everything changed so far; a command with nothing left
     * to write commits nothing). The chunk is handed to the operating system, not forced to the disk,
     * so this holds against a process that dies, not a machine that loses power.
     */
    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            MVStore store = getMvStore();
            if (!isInMemory() && !store.isClosed() && store.hasUnsavedChanges()) {
                store.commit();
            }
        }
    }

    public DocumentsExamined documentsExamined() {
        // Lazily: the super constructor may open collections before this object's fields are assigned.
        DocumentsExamined current = examined;
        if (current == null) {
            synchronized (this) {
                if (examined == null) {
                    examined = new DocumentsExamined();
                }
                current = examined;
            }
        }
        return current;
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new KeyedDatabase(databaseName, getMvStore());
    }

    private final class KeyedDatabase extends H2Database {

        KeyedDatabase(String databaseName, MVStore mvStore) {
            super(databaseName, mvStore, getCursorRegistry());
        }

        /**
         * An aggregation that starts with a {@code $match} a unique index can serve reads only the
         * matching documents. Spring Data's {@code count} and {@code existsById} run as such a
         * pipeline, which mongo-java-server otherwise feeds with the whole collection.
         */
        @Override
        public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver databaseResolver, Oplog oplog) {
            if (command.equalsIgnoreCase("aggregate") && query.get(command) instanceof String collectionName
                    && query.get("pipeline") instanceof List<?> stages && !stages.isEmpty()
                    && stages.get(0) instanceof Document first && first.get("$match") instanceof Document match) {
                MongoCollection<Object> collection = resolveCollection(collectionName, false);
                if (collection instanceof KeyedCollection keyed && KeyedPlan.of(keyed.getIndexes(), match) != null) {
                    Aggregation aggregation = Aggregation.fromPipeline(Aggregation.parse(query.get("pipeline")), databaseResolver, this,
                            collection, oplog);
                    aggregation.validate(query);
                    List<Document> result = aggregation.runStages(StreamSupport.stream(collection.handleQuery(match).spliterator(), false));
                    Document cursor = new Document("id", 0L);
                    cursor.put("ns", getFullCollectionNamespace(collectionName));
                    cursor.put("firstBatch", result);
                    Document response = new Document("cursor", cursor);
                    response.put("ok", 1.0);
                    return response;
                }
            }
            return super.handleCommand(channel, command, query, databaseResolver, oplog);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            String plainName = getFullCollectionNamespace(collectionName) + INDEX_INFIX + indexName;
            for (String legacy : LEGACY_INDEX_SUFFIXES) {
                if (getMvStore().hasMap(plainName + legacy)) {
                    getMvStore().removeMap(plainName + legacy);
                }
            }
            MVMap<KeyValue, Object> map = getMvStore().openMap(plainName + KEY_ORDER_SUFFIX,
                    new MVMap.Builder<KeyValue, Object>().keyType(new KeyOrder()));
            return new KeyedUniqueIndex(map, indexName, keys, sparse);
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName);
            getMvStore().removeMap(getFullCollectionNamespace(collection.getCollectionName()) + INDEX_INFIX + indexName + KEY_ORDER_SUFFIX);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new KeyedCollection(this, collectionName, options, dataMap(getFullCollectionNamespace(collectionName)));
        }

        /**
         * The collection's documents as BSON bytes, under the plain map's name plus {@link #BSON_SUFFIX}. A
         * store written before has them Java-serialized under the plain name: they are copied over once and
         * the plain map removed after the copy, so a crash in between only copies again.
         */
        private MVMap<Object, byte[]> dataMap(String fullCollectionName) {
            String plainName = DATABASES_PREFIX + fullCollectionName;
            MVMap<Object, byte[]> data = getMvStore().openMap(plainName + BSON_SUFFIX,
                    new MVMap.Builder<Object, byte[]>().valueType(ByteArrayDataType.INSTANCE));
            if (getMvStore().hasMap(plainName)) {
                MVMap<Object, Document> serialized = getMvStore().openMap(plainName);
                log.info("Converting the {} documents of {} to BSON (once)", serialized.size(), fullCollectionName);
                serialized.forEach((key, document) -> data.put(key, BsonBytes.encode(document)));
                getMvStore().removeMap(serialized);
                String metaName = META_PREFIX + fullCollectionName;
                if (getMvStore().hasMap(metaName)) {
                    getMvStore().removeMap(metaName); // its data size figure is not kept any more
                }
            }
            return data;
        }

        @Override
        public void dropCollection(String collectionName, Oplog oplog) {
            super.dropCollection(collectionName, oplog);
            String name = DATABASES_PREFIX + getFullCollectionNamespace(collectionName) + BSON_SUFFIX;
            if (getMvStore().hasMap(name)) {
                getMvStore().removeMap(name);
            }
        }

        @Override
        public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
            super.moveCollection(oldDatabase, collection, newCollectionName);
            String name = DATABASES_PREFIX + collection.getFullName() + BSON_SUFFIX;
            if (getMvStore().hasMap(name)) {
                getMvStore().renameMap(getMvStore().openMap(name), DATABASES_PREFIX + getFullCollectionNamespace(newCollectionName) + BSON_SUFFIX);
            }
        }
    }

    /**
     * mongo-java-server's H2Collection with its documents stored as BSON bytes ({@link BsonBytes}).
     * H2 stores a value it does not know by Java serialization, and reads or writes a whole page of
     * values at a time: every changed page was Java-serialized at the next commit, and every page read
     * from the file deserialized all its documents, where one was asked for. That was about a third of
     * the store's time under load, and its many small objects filled the heap (docs/PERFORMANCE.md).
     * As bytes, a page is copied, a document is decoded only when it is read, and the page cache holds
     * one array per document.
     */
    private final class KeyedCollection extends AbstractSynchronizedMongoCollection<Object> {

        private final MVMap<Object, byte[]> dataMap;

        KeyedCollection(MongoDatabase database, String collectionName, CollectionOptions options, MVMap<Object, byte[]> dataMap) {
            super(database, collectionName, options, getCursorRegistry());
            this.dataMap = dataMap;
        }

        /** Nothing here asks for a collection's data size; keeping it re-encoded every updated document twice. */
        @Override
        protected boolean tracksDataSize() {
            return false;
        }

        @Override
        protected void updateDataSize(int sizeDelta) {
            // not tracked (tracksDataSize)
        }

        @Override
        protected int getDataSize() {
            return 0;
        }

        @Override
        protected Object addDocumentInternal(Document document) {
            Object key = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
            byte[] previous = dataMap.put(Missing.ofNullable(key), BsonBytes.encode(document));
            Assert.isNull(previous, () -> "Document with key '" + key + "' already existed in " + this);
            return key;
        }

        @Override
        public int count() {
            return dataMap.size();
        }

        @Override
        public boolean isEmpty() {
            return dataMap.isEmpty();
        }

        @Override
        protected Document getDocument(Object position) {
            return BsonBytes.decode(dataMap.get(position));
        }

        @Override
        protected void removeDocument(Object position) {
            if (dataMap.remove(position) == null) {
                throw new NoSuchElementException("No document with key " + position);
            }
        }

        @Override
        protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
            return dataMap.entrySet().stream().map(entry -> new DocumentWithPosition<>(BsonBytes.decode(entry.getValue()), entry.getKey()));
        }

        @Override
        protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
            dataMap.put(Missing.ofNullable(position), BsonBytes.encode(newDocument));
        }

        @Override
        protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            Stream<Document> documents = isNaturalDescending(orderBy)
                    ? streamAllDocumentsWithPosition()
                            .sorted((a, b) -> ValueComparator.desc().compare(a.getPosition(), b.getPosition()))
                            .map(DocumentWithPosition::getDocument)
                    : dataMap.values().stream().map(BsonBytes::decode);
            return matchDocumentsFromStream(documents, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        @Override
        protected QueryResult queryDocuments(Document filter, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            KeyedPlan<Object> plan = KeyedPlan.of(getIndexes(), filter);
            if (plan == null) {
                documentsExamined().add(getDatabaseName(), count());
                return super.queryDocuments(filter, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            List<Object> positions = new ArrayList<>();
            plan.index().getPositions(plan.keyFilter()).forEach(positions::add);
            documentsExamined().add(getDatabaseName(), positions.size());
            return matchDocuments(filter, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
    }
}
