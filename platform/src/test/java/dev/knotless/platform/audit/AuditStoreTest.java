package dev.knotless.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import dev.knotless.platform.security.Role;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.web.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
    private final MutableTestClock clock = new MutableTestClock(Instant.parse("2026-11-20T15:59:00Z"));
    private final AuditStore store = new AuditStore(mongo, clock, Period.ofYears(6), "test-service");

    @AfterEach
    void close() {
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
        store.recordOutcome(request, 404);
        store.recordOutcome(request, 404); // the same insert again, as a retry sends it
        assertThat(mongo.findAll(Document.class, AuditStore.RECORDS)).hasSize(1);

        // A counter lost: the next request would be numbered 1 again and must not pass for the first.
        mongo.getCollection(AuditStore.SEQUENCES).deleteMany(Filters.empty());
        assertThatThrownBy(() -> store.recordOutcome(read("patient-2"), 200))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status().value()).isEqualTo(503));
        assertThat(mongo.findAll(Document.class, AuditStore.RECORDS)).hasSize(1);
    }

    @Test
    void pagesFollowTheRangeAndThePatientAcrossHours() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String patient = i % 2 == 0 ? "patient-even" : "patient-odd";
            AuditContext request = read(patient);
            store.recordAttempt(request);
            store.recordOutcome(request, 200);
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

    /** test-support depends on this module, so its MutableClock is out of reach here. */
    static final class MutableTestClock extends Clock {
        private Instant now;

        MutableTestClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
