package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store through the MongoDB driver, as the services use it. */
class EmbeddedStoreIT {

    @TempDir
    Path dataDir;

    @Test
    void documentsSurviveAStopAndAStartOnTheSameFile() {
        int port = Ports.free().store();
        try (EmbeddedStore store = EmbeddedStore.start(dataDir, port);
             MongoClient client = MongoClients.create(store.uri("knotless-intake"))) {
            MongoCollection<Document> patients = client.getDatabase("knotless-intake").getCollection("patients");
            patients.insertMany(IntStream.range(0, 50)
                    .mapToObj(i -> new Document("_id", "p-" + i).append("clinicId", "clinic-a").append("outbox", List.of()))
                    .toList());
            patients.updateOne(Filters.eq("_id", "p-7"), Updates.set("clinicId", "clinic-b"));
            patients.deleteOne(Filters.eq("_id", "p-9"));
        }
        assertThat(dataDir.resolve(EmbeddedStore.FILE_NAME)).exists();

        try (EmbeddedStore store = EmbeddedStore.start(dataDir, port);
             MongoClient client = MongoClients.create(store.uri("knotless-intake"))) {
            MongoCollection<Document> patients = client.getDatabase("knotless-intake").getCollection("patients");
            assertThat(patients.countDocuments()).isEqualTo(49);
            assertThat(patients.find(Filters.eq("_id", "p-7")).first()).containsEntry("clinicId", "clinic-b");
            assertThat(patients.find(Filters.eq("_id", "p-9")).first()).isNull();
            assertThat(client.listDatabaseNames().into(new ArrayList<>())).contains("knotless-intake");
        }
    }

    @Test
    void eachServiceHasItsOwnDatabaseInTheOneFile() {
        try (EmbeddedStore store = EmbeddedStore.start(dataDir, Ports.free().store());
             MongoClient intake = MongoClients.create(store.uri("knotless-intake"));
             MongoClient session = MongoClients.create(store.uri("knotless-session"))) {
            intake.getDatabase("knotless-intake").getCollection("patients").insertOne(new Document("_id", "p-1"));

            assertThat(session.getDatabase("knotless-session").getCollection("patients").countDocuments()).isZero();
            assertThat(store.uri("knotless-session")).isEqualTo(store.connectionString() + "/knotless-session");
        }
    }
}
