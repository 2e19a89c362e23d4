package dev.knotless.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import dev.knotless.platform.MovableTestClock;
import dev.knotless.platform.security.Role;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.web.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The audit records against the embedded store: what one request leaves, retries, the pages. */
class AuditStoreTest {

    private static final StaffMember THERAPIST = new StaffMember("therapist-a", Role.THERAPIST, "clinic-a");

    private final MongoServer server = new MongoServer(new KeyedH2Backend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final MongoTemplate mongo = new MongoTemplate(client, "audit-test");
    private final MovableTestClock clock = new MovableTestClock(Instant.parse("2026-11-20T15:59:00Z"));
    private final AuditStore store = new AuditStore(mongo, clock, Period.ofYears(6), "test-service");

    @AfterEach
    void close() {
        store.close();
        client.close();
        server.shutdownNow();
    }

    @Test
    void aRequestLeavesAnAttemptAndAnOutcomeReadAsOneEntryKeptSixYears() {
        store.createIndexes();
        AuditContext request = read("patient-1");
        store.recordAttempt(request);
        clock.advance(Duration.ofMinutes(2)); // the outcome in the next hour: still the request's bucket
        store.recordOutcome(request, 200);
        store.flush(); // the outcome is written after the answer

        List<Document> records = mongo.findAll(Document.class, AuditStore.RECORDS);
        assertThat(records).extracting(r -> r.getString("_id"))
                .containsExactlyInAnyOrder("clinic-a|2026-11-20T15|1|a", "clinic-a|2026-11-20T15|1|o");
        assertThat(records).allSatisfy(r -> assertThat(r.getDate("expiresAt").toInstant())
                .isEqualTo(Instant.parse("2032-11-20T15:59:00Z")));
        AuditPage page = store.page("clinic-a", null, Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"), 10, null);
        assertThat(page.records()).singleElement().satisfies(entry -> {
            assertThat(entry.at()).isEqualTo(Instant.parse("2026-11-20T15:59:00Z"));
            assertThat(entry.status()).isEqualTo(200);
            assertThat(entry.subject()).isEqualTo("therapist-a");
            assertThat(entry.patientId()).isEqualTo("patient-1");
            assertThat(entry.service()).isEqualTo("test-service");
        });
        assertThat(page.next()).isNull();
    }

    @Test
    void aRetriedInsertIsRecordedOnceButAnotherRequestsIdIsNeverTaken() {
        AuditContext request = read("patient-1");
        store.recordAttempt(request);
        store.recordAttempt(request); // the same insert again, as a retry sends it
        assertThat(mongo.findAll(Document.class, AuditStore.RECORDS)).hasSize(1);

        // A counter lost: the next request would be numbered 1 again and must not pass for the first.
        mongo.getCollection(AuditStore.SEQUENCES).deleteMany(Filters.empty());
        assertThatThrownBy(() -> store.recordAttempt(read("patient-2")))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status().value()).isEqualTo(503));
        assertThat(mongo.findAll(Document.class, AuditStore.RECORDS)).hasSize(1);
    }

    @Test
    void requestsAtOnceAreNumberedWithoutGapOrRepeatAndEachIsOneEntry() throws Exception {
        int requests = 200;
        List<AuditContext> contexts = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            contexts.add(read("patient-" + i));
        }
        try (var threads = Executors.newFixedThreadPool(16)) {
            List<Future<?>> done = new ArrayList<>();
            for (AuditContext context : contexts) {
                done.add(threads.submit(() -> {
                    store.recordAttempt(context);
                    store.recordOutcome(context, 200);
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        store.flush();

        assertThat(contexts).extracting(context -> context.seq).containsExactlyInAnyOrderElementsOf(
                LongStream.rangeClosed(1, requests).boxed().toList());
        assertThat(mongo.findById("clinic-a|2026-11-20T15", Document.class, AuditStore.SEQUENCES).get("n", Number.class).longValue())
                .isEqualTo(requests);
        AuditPage page = store.page("clinic-a", null, Instant.parse("2026-11-20T15:00:00Z"), Instant.parse("2026-11-20T16:00:00Z"), 500, null);
        assertThat(page.records()).hasSize(requests).allSatisfy(entry -> assertThat(entry.status()).isEqualTo(200));
        assertThat(page.records()).extracting(AuditEntry::requestId)
                .containsExactlyInAnyOrderElementsOf(contexts.stream().map(context -> context.requestId).toList());
    }

    @Test
    void whenTheStoreRefusesTheCounterEveryAttemptOfTheBatchIsRefusedAndNoneIsStored() {
        store.recordAttempt(read("patient-1"));
        // A real store failure: the store refuses to $inc a counter that is not a number.
        mongo.getCollection(AuditStore.SEQUENCES).updateOne(Filters.eq("_id", "clinic-a|2026-11-20T15"), Updates.set("n", "broken"));

        assertThatThrownBy(() -> store.recordAttempt(read("patient-2")))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status().value()).isEqualTo(503));
        AuditContext refused = read("patient-3");
        store.recordOutcome(refused, 404); // not awaited: its failure is logged, the caller goes on
        store.flush();
        assertThat(mongo.findAll(Document.class, AuditStore.RECORDS)).extracting(r -> r.getString("_id"))
                .containsExactly("clinic-a|2026-11-20T15|1|a");
    }

    @Test
    void closingWritesTheOutcomesStillQueued() {
        AuditContext request = read("patient-1");
        store.recordAttempt(request);
        store.recordOutcome(request, 200);
        store.close();
        assertThat(mongo.findAll(Document.class, AuditStore.RECORDS)).extracting(r -> r.getString("phase"))
                .containsExactlyInAnyOrder("ATTEMPT", "OUTCOME");
    }

    @Test
    void pagesFollowTheRangeAndThePatientAcrossHours() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String patient = i % 2 == 0 ? "patient-even" : "patient-odd";
            AuditContext request = read(patient);
            store.recordAttempt(request);
            store.recordOutcome(request, 200);
            store.flush(); // the outcome is written after the answer
            if (patient.equals("patient-even")) {
                expected.add(request.requestId);
            }
            clock.advance(Duration.ofMinutes(25));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            AuditPage page = store.page("clinic-a", "patient-even", Instant.parse("2026-11-20T15:00:00Z"),
                    Instant.parse("2026-11-20T19:00:00Z"), 1, cursor);
            page.records().forEach(entry -> seen.add(entry.requestId()));
            cursor = page.next();
            pages++;
        } while (cursor != null && pages < 20);
        assertThat(seen).isEqualTo(expected);
        assertThat(store.page("clinic-b", null, Instant.parse("2026-11-20T15:00:00Z"), Instant.parse("2026-11-20T19:00:00Z"), 10, null)
                .records()).as("another clinic's trail").isEmpty();
    }

    private static AuditContext read(String patientId) {
        var context = new AuditContext(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "127.0.0.1", "GET",
                "/api/patients/" + patientId);
        context.staff = THERAPIST;
        context.action = AuditAction.READ;
        context.resourceType = "patient";
        context.resourceId = patientId;
        context.patientId = patientId;
        context.ownerClinic = "clinic-a";
        return context;
    }
}
