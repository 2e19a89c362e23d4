package dev.knotless.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import dev.knotless.launcher.Ports;
import dev.knotless.launcher.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fault test 2 of issue 13: outcomes-service is killed ({@code kill -9}) while it applies thousands of
 * events and started again. Its timelines then equal, document for document, those that a second
 * outcomes-service builds from the same topics without interruption (its own database and consumer
 * group, {@code KnotlessSystem.startRebuild}).
 */
class ConsumerCrashIT {

    private static final int PATIENTS = 50;
    private static final int SESSIONS = 2_500;
    private static final String GROUP = "outcomes-service";
    private static final String REFERENCE = "outcomes-reference";

    private static RunningSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void afterACrashMidStreamTheTimelinesEqualThoseOfAnUninterruptedRun() throws Exception {
        String token = system.signIn("therapist-a");
        // Straight to the services' ports: the load, not the gateway, is what this test is about.
        Http intake = new Http(system.url(Service.INTAKE), token);
        Http sessions = new Http(system.url(Service.SESSION), token);
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            String id = intake.post("/api/patients", Map.of("givenName", "Crash", "familyName", "Test-" + i, "dateOfBirth", "1968-11-30")).text("patientId");
            assertThat(intake.post("/api/patients/" + id + "/intake", Requests.intake()).status()).isEqualTo(201);
            patients.add(id);
        }
        // session-service learns of the intakes from Kafka: the last patient's first session waits for it.
        await().atMost(Duration.ofSeconds(30)).until(() -> sessions.post("/api/patients/" + patients.getLast() + "/sessions",
                Requests.session(Duration.ofHours(30), false)).status() == 201);

        AtomicInteger recorded = new AtomicInteger(1);
        try (Backlog backlog = new Backlog(system, system.signIn("operator"))) {
            // Sessions as fast as they are taken, while outcomes-service applies their events behind them.
            Thread load = Thread.ofVirtual().start(() -> {
                try {
                    Load.concurrently(SESSIONS - 1, i -> {
                        if (sessions.post("/api/patients/" + patients.get(i % PATIENTS) + "/sessions", Requests.session(Duration.ofHours(30), false)).status() == 201) {
                            recorded.incrementAndGet();
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Mid-stream: it has applied some and has many left.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> recorded.get() > SESSIONS / 2 && backlog.lag(GROUP) > 200 && backlog.lag(GROUP) != Long.MAX_VALUE);
            long lagAtKill = backlog.lag(GROUP);
            system.system().kill(Service.OUTCOMES);
            load.join(Duration.ofMinutes(2));
            assertThat(recorded).as("sessions recorded (session-service does not need outcomes-service)").hasValue(SESSIONS);
            Duration restart = system.system().restart(Service.OUTCOMES);

            backlog.awaitDrained(Duration.ofMinutes(4), GROUP);

            Process reference = system.system().startRebuild(Service.OUTCOMES, "knotless-" + REFERENCE, REFERENCE, Ports.free().gateway(), List.of());
            try {
                // Both have read everything and the running one has nothing left to publish.
                backlog.awaitDrained(Duration.ofMinutes(4), reference, GROUP, REFERENCE);
            } finally {
                reference.destroy();
                reference.waitFor();
            }
            Map<String, Document> crashed = timelines("knotless-outcomes");
            Map<String, Document> uninterrupted = timelines("knotless-" + REFERENCE);
            long events = crashed.values().stream().mapToLong(timeline -> timeline.getList("appliedEventIds", String.class).size()).sum();
            long differ = crashed.keySet().stream().filter(id -> !crashed.get(id).equals(uninterrupted.get(id))).count();
            System.out.printf("[measure] consumer crash: outcomes-service killed %d events behind, restarted in %d ms; %d sessions recorded,"
                            + " %d events on %d timelines, %d timelines differ from an uninterrupted rebuild%n",
                    lagAtKill, restart.toMillis(), recorded.get(), events, crashed.size(), differ);
            assertThat(crashed).hasSize(PATIENTS);
            for (String id : crashed.keySet()) {
                assertThat(crashed.get(id)).as("the timeline of patient " + id).isEqualTo(uninterrupted.get(id));
            }
            assertThat(crashed.keySet()).isEqualTo(uninterrupted.keySet());
        }
    }

    /**
     * The timelines of a database, by patient, as compared: without the version (a count of saves,
     * which retries after the crash change) and with the applied event ids as a set (stored in no
     * particular order).
     */
    private static Map<String, Document> timelines(String database) {
        Map<String, Document> timelines = new TreeMap<>();
        try (MongoClient client = MongoClients.create(system.system().storeUri())) {
            MongoCollection<Document> collection = client.getDatabase(database).getCollection("timelines");
            for (Document timeline : collection.find().sort(Sorts.ascending("_id"))) {
                timeline.remove("version");
                timeline.put("appliedEventIds", new ArrayList<>(new TreeSet<>(timeline.getList("appliedEventIds", String.class))));
                timelines.put(timeline.getString("_id"), timeline);
            }
        }
        return timelines;
    }
}
