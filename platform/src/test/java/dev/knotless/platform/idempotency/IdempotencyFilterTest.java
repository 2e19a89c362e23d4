package dev.knotless.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import dev.knotless.platform.MovableTestClock;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditFilter;
import dev.knotless.platform.audit.AuditStore;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.security.Role;
import dev.knotless.platform.security.StaffAuthentication;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.web.ProblemDetailsAdvice;
import dev.knotless.platform.web.ProblemException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The rules of {@code Idempotency-Key} with the filter in front of a counting controller, the audit
 * filter around them as in a service, and the embedded store the services run on.
 */
class IdempotencyFilterTest {

    private static final StaffMember THERAPIST_A = new StaffMember("therapist-a", Role.THERAPIST, "clinic-a");
    private static final StaffMember THERAPIST_B = new StaffMember("therapist-b", Role.THERAPIST, "clinic-a");
    private static final String BODY = "{\"name\":\"first\"}";

    private final MongoServer server = new MongoServer(new KeyedH2Backend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final MongoTemplate mongo = new MongoTemplate(client, "idempotency-test");
    private final MovableTestClock clock = new MovableTestClock(Instant.parse("2026-11-20T15:00:00Z"));
    private final IdempotencyStore store = new IdempotencyStore(mongo, clock, Duration.ofHours(24), Duration.ofMinutes(1));
    private final AuditStore auditStore = new AuditStore(mongo, clock, Period.ofYears(6), "test-service");
    private final Things things = new Things(new AuditTrail(auditStore));
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(things)
            .setControllerAdvice(new ProblemDetailsAdvice())
            .addFilters(new AuditFilter(auditStore, List.of("/api/**")), new IdempotencyFilter(store, new AuditTrail(auditStore)))
            .build();

    @RestController
    static class Things {
        final AtomicInteger runs = new AtomicInteger();
        final AuditTrail audit;
        volatile HttpStatus answer = HttpStatus.CREATED;
        volatile CountDownLatch entered;
        volatile CountDownLatch release;

        Things(AuditTrail audit) {
            this.audit = audit;
        }

        @PostMapping("/api/things")
        ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) throws InterruptedException {
            String id = "thing-" + runs.incrementAndGet();
            if (entered != null) {
                entered.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            if (!audit.permits(AuditAction.CREATE, "thing", id, "patient-1", "clinic-a")) {
                throw ProblemException.notFound("thing", id);
            }
            if (answer != HttpStatus.CREATED) {
                throw new ProblemException(answer, "refused", "Refused", "answered " + answer.value());
            }
            return ResponseEntity.created(URI.create("/api/things/" + id)).body(Map.of("id", id, "name", body.get("name")));
        }

        @PostMapping("/api/links")
        ResponseEntity<Map<String, Object>> link() {
            return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                    .body(Map.of("token", "secret-" + runs.incrementAndGet()));
        }

        @PostMapping("/api/surveys/{token}")
        ResponseEntity<Map<String, Object>> answer(@PathVariable String token) {
            return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("answer", runs.incrementAndGet()));
        }
    }

    @AfterEach
    void close() {
        SecurityContextHolder.clearContext();
        auditStore.close();
        client.close();
        server.shutdownNow();
    }

    @Test
    void theSameKeyAndRequestAnswerTheFirstAnswerAgainWithoutRunningTwice() throws Exception {
        MvcResult first = perform(THERAPIST_A, things("key-1", BODY))
                .andExpect(status().isCreated())
                .andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED))
                .andReturn();

        perform(THERAPIST_A, things("key-1", BODY))
                .andExpect(status().isCreated())
                .andExpect(header().string(IdempotencyFilter.REPLAYED, "true"))
                .andExpect(header().string("Location", first.getResponse().getHeader("Location")))
                .andExpect(content().contentType(first.getResponse().getContentType()))
                .andExpect(content().bytes(first.getResponse().getContentAsByteArray()));

        assertThat(things.runs).as("the controller ran once").hasValue(1);
        assertThat(mongo.findAll(Document.class, IdempotencyStore.COLLECTION)).singleElement()
                .satisfies(key -> assertThat(key.toJson()).doesNotContain("key-1", "therapist-a"));
    }

    @Test
    void aReplayIsRecordedInTheAuditTrailAsAReadOfWhatTheFirstRequestCreated() throws Exception {
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated());
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(header().string(IdempotencyFilter.REPLAYED, "true"));
        auditStore.flush();

        List<Document> attempts = mongo.findAll(Document.class, "audit").stream()
                .filter(record -> "ATTEMPT".equals(record.getString("phase"))).toList();
        assertThat(attempts).extracting(record -> record.getString("action") + " " + record.getString("resourceId") + " "
                        + record.getString("subject"))
                .containsExactly("CREATE thing-1 therapist-a", "READ thing-1 therapist-a");
    }

    @Test
    void theSameKeyWithAnotherBodyOrPathIs422() throws Exception {
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated());

        perform(THERAPIST_A, things("key-1", "{\"name\":\"second\"}"))
                .andExpect(status().isUnprocessableEntity())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/idempotency-key-reused"));
        perform(THERAPIST_A, post("/api/links").header(IdempotencyKey.HEADER, "key-1").contentType(MediaType.APPLICATION_JSON).content(BODY))
                .andExpect(status().isUnprocessableEntity());
        assertThat(things.runs).hasValue(1);
    }

    @Test
    void theSameKeyWhileTheFirstRequestRunsIs409WithRetryAfter() throws Exception {
        things.entered = new CountDownLatch(1);
        things.release = new CountDownLatch(1);
        try (var executor = Executors.newSingleThreadExecutor()) {
            Future<MvcResult> first = executor.submit(() -> perform(THERAPIST_A, things("key-1", BODY)).andReturn());
            assertThat(things.entered.await(10, TimeUnit.SECONDS)).as("the first request is running").isTrue();
            things.entered = null;

            perform(THERAPIST_A, things("key-1", BODY))
                    .andExpect(status().isConflict())
                    .andExpect(header().string("Retry-After", "1"))
                    .andExpect(jsonPath("$.type").value("/problems/idempotency-key-in-progress"));

            things.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).getResponse().getStatus()).isEqualTo(201);
        }
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated()).andExpect(header().string(IdempotencyFilter.REPLAYED, "true"));
        assertThat(things.runs).hasValue(1);
    }

    @Test
    void aClaimLeftByACrashIs409UntilItsLeasePassesThenTheRequestRunsAgain() throws Exception {
        var crashed = new MockHttpServletRequest("POST", "/api/things");
        String id = IdempotencyStore.id(IdempotencyFilter.scopeOf(authenticated(crashed, THERAPIST_A)), "key-1");
        assertThat(store.claim(id, IdempotencyFilter.fingerprint(crashed, BODY.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IdempotencyStore.Claimed.class);
        SecurityContextHolder.clearContext();

        clock.advance(Duration.ofSeconds(59));
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isConflict());
        clock.advance(Duration.ofSeconds(1));
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated()).andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED));
        assertThat(things.runs).hasValue(1);
    }

    @Test
    void a5xxReleasesTheKeySoThatARetryRunsAgain() throws Exception {
        things.answer = HttpStatus.SERVICE_UNAVAILABLE;
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isServiceUnavailable());
        assertThat(mongo.findAll(Document.class, IdempotencyStore.COLLECTION)).as("released").isEmpty();

        things.answer = HttpStatus.CREATED;
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated()).andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED));
        assertThat(things.runs).hasValue(2);
    }

    @Test
    void a4xxOutcomeIsKeptButAMomentaryRefusalIsEvaluatedAgain() throws Exception {
        things.answer = HttpStatus.UNPROCESSABLE_ENTITY;
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isUnprocessableEntity());
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isUnprocessableEntity())
                .andExpect(header().string(IdempotencyFilter.REPLAYED, "true"))
                .andExpect(jsonPath("$.type").value("/problems/refused"));
        assertThat(things.runs).hasValue(1);

        things.answer = HttpStatus.CONFLICT; // e.g. the safety gate's intake-required while the intake's event is on its way
        perform(THERAPIST_A, things("key-2", BODY)).andExpect(status().isConflict());
        things.answer = HttpStatus.CREATED;
        perform(THERAPIST_A, things("key-2", BODY)).andExpect(status().isCreated()).andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED));
        assertThat(things.runs).hasValue(3);
    }

    @Test
    void anAnswerMarkedNoStoreIsNeverKept() throws Exception {
        for (int i = 0; i < 2; i++) {
            perform(THERAPIST_A, post("/api/links").header(IdempotencyKey.HEADER, "key-1"))
                    .andExpect(status().isCreated()).andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED));
        }
        assertThat(things.runs).as("a one-time token is not stored: the retry issues another").hasValue(2);
        assertThat(mongo.findAll(Document.class, IdempotencyStore.COLLECTION)).isEmpty();
    }

    @Test
    void aKeyIsKept24HoursAndThenCountsAsNew() throws Exception {
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated());
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(header().string(IdempotencyFilter.REPLAYED, "true"));
        clock.advance(Duration.ofSeconds(1));

        perform(THERAPIST_A, things("key-1", "{\"name\":\"second\"}"))
                .andExpect(status().isCreated()).andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED))
                .andExpect(jsonPath("$.name").value("second"));
        assertThat(things.runs).hasValue(2);
    }

    @Test
    void expiredKeysArePurged() throws Exception {
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated());
        clock.advance(Duration.ofHours(12));
        perform(THERAPIST_A, things("key-2", BODY)).andExpect(status().isCreated());
        clock.advance(Duration.ofHours(12));

        assertThat(store.purgeExpired()).isEqualTo(1);
        assertThat(mongo.findAll(Document.class, IdempotencyStore.COLLECTION)).hasSize(1);
    }

    @Test
    void aMalformedKeyIs400NamingTheHeaderAndNothingRuns() throws Exception {
        for (String key : List.of("", "\"\"", "k".repeat(256), "two words", "clé")) {
            perform(THERAPIST_A, things(key, BODY))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.errors[0].field").value("Idempotency-Key"));
        }
        perform(THERAPIST_A, things("key-1", BODY).header(IdempotencyKey.HEADER, "key-2")).andExpect(status().isBadRequest());
        assertThat(things.runs).hasValue(0);
    }

    @Test
    void theDraftsQuotedFormIsTheSameKey() throws Exception {
        perform(THERAPIST_A, things("k".repeat(255), BODY)).andExpect(status().isCreated());
        perform(THERAPIST_A, things("\"" + "k".repeat(255) + "\"", BODY)).andExpect(header().string(IdempotencyFilter.REPLAYED, "true"));
    }

    @Test
    void keysAreScopedPerPersonAndAnonymousRequestsPerPath() throws Exception {
        perform(THERAPIST_A, things("key-1", BODY)).andExpect(status().isCreated());
        perform(THERAPIST_B, things("key-1", BODY)).andExpect(status().isCreated()).andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED));
        perform(THERAPIST_B, things("key-1", "{\"name\":\"other\"}")).andExpect(status().isUnprocessableEntity());

        perform(null, post("/api/surveys/token-1").header(IdempotencyKey.HEADER, "key-1")).andExpect(status().isCreated());
        perform(null, post("/api/surveys/token-2").header(IdempotencyKey.HEADER, "key-1")).andExpect(status().isCreated())
                .andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED));
        perform(null, post("/api/surveys/token-1").header(IdempotencyKey.HEADER, "key-1"))
                .andExpect(header().string(IdempotencyFilter.REPLAYED, "true"));
        assertThat(things.runs).hasValue(4);
    }

    @Test
    void withoutTheHeaderEveryRequestRuns() throws Exception {
        for (int i = 0; i < 2; i++) {
            perform(THERAPIST_A, post("/api/things").contentType(MediaType.APPLICATION_JSON).content(BODY))
                    .andExpect(status().isCreated()).andExpect(header().doesNotExist(IdempotencyFilter.REPLAYED));
        }
        assertThat(things.runs).hasValue(2);
        assertThat(mongo.findAll(Document.class, IdempotencyStore.COLLECTION)).isEmpty();
    }

    private static MockHttpServletRequestBuilder things(String key, String body) {
        return post("/api/things").header(IdempotencyKey.HEADER, key).contentType(MediaType.APPLICATION_JSON).content(body);
    }

    /** As {@code staff} (null: anonymous), on the calling thread as Spring Security's filters would leave it. */
    private ResultActions perform(StaffMember staff, MockHttpServletRequestBuilder request) throws Exception {
        SecurityContextHolder.clearContext();
        if (staff != null) {
            SecurityContextHolder.getContext().setAuthentication(authentication(staff));
        }
        try {
            return mvc.perform(request);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private static MockHttpServletRequest authenticated(MockHttpServletRequest request, StaffMember staff) {
        SecurityContextHolder.getContext().setAuthentication(authentication(staff));
        return request;
    }

    private static StaffAuthentication authentication(StaffMember staff) {
        Jwt jwt = Jwt.withTokenValue("token").header("alg", "RS256").subject(staff.subject()).claim("role", staff.role().name())
                .claim("clinic_id", staff.clinicId()).build();
        return new StaffAuthentication(jwt, staff);
    }
}
