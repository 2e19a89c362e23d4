package dev.knotless.embeddedstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.util.UUID;
import com.mongodb.MongoWriteException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyedH2BackendTest {

    private static final String DB = "keyed-test";

    private KeyedH2Backend backend;
    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> items;

    @BeforeEach
    void start() {
        backend = new KeyedH2Backend();
        server = new MongoServer(backend);
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        items = client.getDatabase(DB).getCollection("items");
        items.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().unique(true).sparse(true));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private void seed(int count) {
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Document item = new Document("_id", "item-" + i).append("version", 1).append("kind", i % 2 == 0 ? "even" : "odd");
            if (i % 10 == 0) {
                item.append("tokenHash", "hash-" + i);
            }
            batch.add(item);
        }
        items.insertMany(batch);
    }

    private long examinedBy(Consumer<MongoCollection<Document>> operation) {
        long before = backend.documentsExamined().in(DB);
        operation.accept(items);
        return backend.documentsExamined().in(DB) - before;
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 2_000})
    void aFilterNamingTheIdWithOtherConditionsIsALookupAtAnySize(int size) {
        seed(size);

        assertThat(examinedBy(c -> assertThat(c.find(Filters.and(Filters.eq("_id", "item-4"), Filters.eq("version", 1))).first())
                .isNotNull())).isEqualTo(1);
        assertThat(examinedBy(c -> assertThat(c.find(Filters.and(Filters.eq("_id", "item-4"), Filters.eq("version", 2))).first())
                .as("the other conditions still apply").isNull())).isEqualTo(1);
        assertThat(examinedBy(c -> assertThat(c.updateOne(Filters.and(Filters.eq("_id", "item-6"), Filters.eq("version", 1)),
                Updates.combine(Updates.set("kind", "changed"), Updates.inc("version", 1))).getModifiedCount()).isEqualTo(1)))
                .isEqualTo(1);
        assertThat(items.find(Filters.eq("_id", "item-6")).first()).containsEntry("kind", "changed").containsEntry("version", 2);
        assertThat(examinedBy(c -> assertThat(c.find(Filters.and(Filters.in("_id", "item-1", "item-2", "item-3", "missing"),
                Filters.eq("kind", "odd"))).into(new ArrayList<>())).extracting(d -> d.get("_id")).containsExactlyInAnyOrder("item-1", "item-3")))
                .isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 2_000})
    void aCountByKeyIsALookupAtAnySize(int size) {
        seed(size);

        // countDocuments is an aggregation ($match, $group) on the wire; Spring Data's existsById uses it.
        assertThat(examinedBy(c -> assertThat(c.countDocuments(Filters.eq("_id", "item-7"))).isEqualTo(1))).isEqualTo(1);
        assertThat(examinedBy(c -> assertThat(c.countDocuments(Filters.and(Filters.eq("_id", "item-7"), Filters.eq("kind", "even"))))
                .isZero())).isEqualTo(1);
        assertThat(examinedBy(c -> assertThat(c.countDocuments(Filters.eq("kind", "even"))).isEqualTo(size / 2)))
                .as("a count by another field still reads everything").isEqualTo(size);
    }

    @Test
    void aUniqueSparseIndexServesItsKeyAndAnyOtherFieldScans() {
        seed(1_000);

        assertThat(examinedBy(c -> assertThat(c.find(Filters.and(Filters.eq("tokenHash", "hash-20"), Filters.eq("kind", "even"))).first())
                .isNotNull())).isEqualTo(1);
        assertThat(examinedBy(c -> c.find(Filters.eq("kind", "even")).into(new ArrayList<>()))).as("a scan counts every document")
                .isEqualTo(1_000);
        assertThat(examinedBy(c -> c.find(Filters.eq("tokenHash", null)).into(new ArrayList<>())))
                .as("a sparse index cannot answer for missing values").isEqualTo(1_000);
    }

    /** A copy of the file taken right after the acknowledgement is what a kill -9 at that instant would leave. */
    @Test
    void anAcknowledgedWriteIsInTheFileBeforeTheAnswer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("store.mv.db");
        KeyedH2Backend live = new KeyedH2Backend(file.toString());
        MongoServer liveServer = new MongoServer(live);
        InetSocketAddress address = liveServer.bind();
        Path copy = dir.resolve("after-kill.mv.db");
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            var collection = c.getDatabase(DB).getCollection("items");
            collection.insertOne(new Document("_id", "acknowledged").append("n", 1));
            collection.updateOne(Filters.eq("_id", "acknowledged"), Updates.set("n", 2));
            java.nio.file.Files.copy(file, copy); // the auto-commit (every second) has not run yet
        } finally {
            liveServer.shutdownNow();
        }

        KeyedH2Backend reopened = new KeyedH2Backend(copy.toString());
        MongoServer reopenedServer = new MongoServer(reopened);
        InetSocketAddress again = reopenedServer.bind();
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + again.getPort())) {
            Document found = c.getDatabase(DB).getCollection("items").find(Filters.eq("_id", "acknowledged")).first();
            assertThat(found).isNotNull();
            assertThat(found.getInteger("n")).isEqualTo(2);
        } finally {
            reopenedServer.shutdownNow();
        }
    }

    @Test
    void aFileStoreKeepsItsDataAndItsKeyedLookupsAcrossARestart(@TempDir Path dir) {
        String file = dir.resolve("store.mv.db").toString();
        KeyedH2Backend first = new KeyedH2Backend(file);
        MongoServer firstServer = new MongoServer(first);
        InetSocketAddress address = firstServer.bind();
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            c.getDatabase(DB).getCollection("items").insertMany(List.of(new Document("_id", "a").append("n", 1), new Document("_id", "b").append("n", 2)));
        }
        firstServer.shutdownNow();

        KeyedH2Backend second = new KeyedH2Backend(file);
        MongoServer secondServer = new MongoServer(second);
        InetSocketAddress again = secondServer.bind();
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + again.getPort())) {
            var reopened = c.getDatabase(DB).getCollection("items");
            long before = second.documentsExamined().in(DB);
            assertThat(reopened.find(Filters.and(Filters.eq("_id", "b"), Filters.eq("n", 2))).first()).isNotNull();
            assertThat(second.documentsExamined().in(DB) - before).isEqualTo(1);
        } finally {
            secondServer.shutdownNow();
        }
    }

    @Test
    void aStoreWrittenByThePlainH2BackendIsReadByKeyAfterTheUpgrade(@TempDir Path dir) {
        // The plain backend keeps its index maps in another order (serialized bytes): they are rebuilt on the first open.
        String file = dir.resolve("store.mv.db").toString();
        MongoServer old = new MongoServer(new H2Backend(file));
        InetSocketAddress address = old.bind();
        UUID uuid = UUID.randomUUID();
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            var coll = c.getDatabase(DB).getCollection("items");
            coll.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().unique(true).sparse(true));
            List<Document> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                batch.add(new Document("_id", "item-" + i).append("tokenHash", "hash-" + i));
            }
            coll.insertMany(batch);
            c.getDatabase(DB).getCollection("numbers").insertMany(List.of(new Document("_id", 7), new Document("_id", 42L),
                    new Document("_id", uuid.toString()).append("kind", "string")));
            c.getDatabase(DB).getCollection("kinds").insertOne(everyKindOfValue("written-before"));
        }
        old.shutdownNow();

        KeyedH2Backend upgraded = new KeyedH2Backend(file);
        assertThat(upgraded.getMvStore().getMapNames()).noneMatch(name -> name.contains("._index_") && !name.endsWith("#keys"))
                .as("documents converted to BSON once, the Java-serialized maps gone")
                .noneMatch(name -> name.startsWith("databases.") && !name.endsWith("#bson"))
                .contains("databases." + DB + ".kinds#bson");
        MongoServer server = new MongoServer(upgraded);
        InetSocketAddress again = server.bind();
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + again.getPort())) {
            var coll = c.getDatabase(DB).getCollection("items");
            long before = upgraded.documentsExamined().in(DB);
            assertThat(coll.find(Filters.eq("_id", "item-321")).first()).containsEntry("tokenHash", "hash-321");
            assertThat(coll.find(Filters.eq("tokenHash", "hash-17")).first()).containsEntry("_id", "item-17");
            assertThat(upgraded.documentsExamined().in(DB) - before).as("both served by their index").isEqualTo(2);
            assertThatThrownBy(() -> coll.insertOne(new Document("_id", "item-5"))).isInstanceOf(MongoWriteException.class)
                    .hasMessageContaining("duplicate key");
            assertThatThrownBy(() -> coll.insertOne(new Document("_id", "new").append("tokenHash", "hash-5")))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
            var numbers = c.getDatabase(DB).getCollection("numbers");
            assertThat(numbers.find(Filters.eq("_id", 42L)).first()).isNotNull();
            assertThat(numbers.find(Filters.eq("_id", 7)).first()).isNotNull();
            assertThat(numbers.find(Filters.eq("_id", uuid.toString())).first()).containsEntry("kind", "string");
            assertThat(c.getDatabase(DB).getCollection("kinds").find(Filters.eq("_id", "written-before")).first())
                    .isEqualTo(everyKindOfValue("written-before"));
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void idsOfEveryKindAreFoundByKeyAcrossARestartAndIndexesOfTheEarlierFormatAreRebuilt(@TempDir Path dir) {
        String file = dir.resolve("store.mv.db").toString();
        List<Object> ids = List.of("s-1", 7, 1L << 40, 2.5, true, new org.bson.types.ObjectId("6750a1b2c3d4e5f601234567"),
                UUID.fromString("3f1c2a4e-8d1b-4c3e-9a7f-0b1c2d3e4f50"), new Document("clinic", "c-1").append("n", 3),
                new java.util.Date(1_764_633_600_123L));
        KeyedH2Backend first = new KeyedH2Backend(file);
        MongoServer firstServer = new MongoServer(first);
        InetSocketAddress address = firstServer.bind();
        try (MongoClient c = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString("mongodb://127.0.0.1:" + address.getPort()))
                .uuidRepresentation(UuidRepresentation.STANDARD).build())) {
            var mixed = c.getDatabase(DB).getCollection("mixed");
            mixed.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().unique(true).sparse(true));
            for (int i = 0; i < ids.size(); i++) {
                mixed.insertOne(new Document("_id", ids.get(i)).append("n", i).append("tokenHash", "hash-" + i));
            }
        }
        firstServer.shutdownNow();
        // The first store, as if an earlier version had written its index maps: they must be dropped and rebuilt.
        try (var store = new org.h2.mvstore.MVStore.Builder().fileName(file).open()) {
            for (String name : List.copyOf(store.getMapNames())) {
                if (name.contains("._index_") && name.startsWith("databases." + DB + ".mixed")) {
                    store.renameMap(store.openMap(name), name.replace("#keys", "#keyOrder"));
                }
            }
        }

        for (int restart = 0; restart < 2; restart++) {
            KeyedH2Backend reopened = new KeyedH2Backend(file);
            assertThat(reopened.getMvStore().getMapNames()).noneMatch(name -> name.endsWith("#keyOrder"));
            MongoServer server = new MongoServer(reopened);
            InetSocketAddress again = server.bind();
            try (MongoClient c = MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new com.mongodb.ConnectionString("mongodb://127.0.0.1:" + again.getPort()))
                    .uuidRepresentation(UuidRepresentation.STANDARD).build())) {
                var mixed = c.getDatabase(DB).getCollection("mixed");
                long before = reopened.documentsExamined().in(DB);
                for (int i = 0; i < ids.size(); i++) {
                    assertThat(mixed.find(Filters.eq("_id", ids.get(i))).first()).as("%s", ids.get(i)).containsEntry("n", i);
                    assertThat(mixed.find(Filters.eq("tokenHash", "hash-" + i)).first()).as("hash-%s", i).containsEntry("n", i);
                }
                assertThat(reopened.documentsExamined().in(DB) - before).as("every lookup served by its index").isEqualTo(2L * ids.size());
                assertThatThrownBy(() -> mixed.insertOne(new Document("_id", ids.get(5)))).isInstanceOf(MongoWriteException.class)
                        .hasMessageContaining("duplicate key");
            } finally {
                server.shutdownNow();
            }
        }
    }

    @Test
    void everyKindOfValueReadsBackAsWrittenAcrossARestart(@TempDir Path dir) {
        String file = dir.resolve("store.mv.db").toString();
        MongoServer first = new MongoServer(new KeyedH2Backend(file));
        InetSocketAddress address = first.bind();
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            var kinds = c.getDatabase(DB).getCollection("kinds");
            kinds.insertOne(everyKindOfValue("a"));
            kinds.updateOne(Filters.eq("_id", "a"), Updates.combine(Updates.inc("int", 1), Updates.push("list", "pushed")));
        }
        first.shutdownNow();

        MongoServer second = new MongoServer(new KeyedH2Backend(file));
        InetSocketAddress again = second.bind();
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + again.getPort())) {
            Document expected = everyKindOfValue("a").append("int", 8);
            expected.getList("list", Object.class).add("pushed");
            assertThat(c.getDatabase(DB).getCollection("kinds").find(Filters.eq("_id", "a")).first()).isEqualTo(expected);
        } finally {
            second.shutdownNow();
        }
    }

    /** One field of each BSON type the services write (a fresh document each call). */
    private static Document everyKindOfValue(String id) {
        return new Document("_id", id)
                .append("string", "text with ü and 漢字")
                .append("int", 7)
                .append("long", 1L << 40)
                .append("double", 2.5)
                .append("decimal", new org.bson.types.Decimal128(new java.math.BigDecimal("12.340")))
                .append("bool", true)
                .append("null", null)
                .append("date", new java.util.Date(1_764_633_600_123L))
                .append("objectId", new org.bson.types.ObjectId("6750a1b2c3d4e5f601234567"))
                .append("uuid", new org.bson.types.Binary(org.bson.BsonBinarySubType.UUID_STANDARD, new byte[16]))
                .append("binary", new org.bson.types.Binary(new byte[] {1, 2, 3}))
                .append("nested", new Document("a", 1).append("b", new Document("c", List.of(1, "two"))))
                .append("list", new ArrayList<>(List.of(new Document("x", 1), 2L, "three")));
    }

    @Test
    void aDroppedCollectionOrIndexLeavesNoKeysBehind() {
        seed(50);
        items.drop();
        items.insertOne(new Document("_id", "item-3").append("tokenHash", "hash-0"));
        assertThat(items.find(Filters.eq("_id", "item-3")).first()).isNotNull();
        assertThat(items.find(Filters.eq("_id", "item-4")).first()).isNull();

        items.createIndex(Indexes.ascending("tokenHash"), new IndexOptions().unique(true).sparse(true).name("byToken"));
        items.dropIndex("byToken");
        assertThat(backend.getMvStore().getMapNames()).noneMatch(name -> name.contains("byToken"));
        items.insertOne(new Document("_id", "other").append("tokenHash", "hash-0"));
        assertThat(items.countDocuments()).isEqualTo(2);
    }

    @Test
    void keysOfEveryKindAreFoundAmongManyInAnUpdateHeavyCollection() {
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(switch (i % 4) {
                case 0 -> "s-" + i;
                case 1 -> (long) i;
                case 2 -> new org.bson.types.ObjectId();
                default -> new Document("clinic", "c-" + (i % 7)).append("n", i);
            });
        }
        var mixed = client.getDatabase(DB).getCollection("mixed");
        for (Object id : ids) {
            mixed.insertOne(new Document("_id", id).append("count", 0));
        }
        for (int round = 0; round < 3; round++) {
            for (Object id : ids) {
                assertThat(mixed.updateOne(Filters.eq("_id", id), Updates.inc("count", 1)).getModifiedCount()).isEqualTo(1);
            }
        }
        for (Object id : ids) {
            assertThat(mixed.find(Filters.eq("_id", id)).first()).as("%s", id).containsEntry("count", 3);
        }
        assertThat(mixed.countDocuments()).isEqualTo(300);
    }
}
