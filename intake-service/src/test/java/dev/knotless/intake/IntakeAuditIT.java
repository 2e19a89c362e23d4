package dev.knotless.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.knotless.testsupport.DocumentReads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail: one record per request (attempt and outcome of one request are one entry),
 * refused requests too, no clinical values; the request is refused with 503 and nothing is written
 * when its record cannot be; clinic admins read it by key, page by page.
 */
class IntakeAuditIT extends SecuredIntakeService {

    private static final String HOUR = TestClockConfig.NOW.substring(0, 13); // the audit bucket of "now"

    @Test
    void everyRequestOfAJourneyLeavesExactlyOneRecordRefusedOnesToo() {
        String clinic = "clinic-journey";
        RestTestClient therapist = therapistOf(clinic);
        var sent = new LinkedHashMap<String, Integer>(); // X-Request-Id -> status

        JsonNode created = send(sent, therapist, HttpMethod.POST, "/api/patients", PATIENT.formatted("Patient-Journey"), 201);
        String patient = created.get("patientId").asString();
        send(sent, therapist, HttpMethod.GET, "/api/patients/" + patient, null, 200);
        String intake = send(sent, therapist, HttpMethod.POST, "/api/patients/" + patient + "/intake", intake("2026-11-18T14:00:00Z"), 201)
                .get("assessmentId").asString();
        send(sent, therapist, HttpMethod.POST, "/api/patients/" + patient + "/assessments", reassessment("2026-11-19T14:00:00Z"), 201);
        send(sent, therapist, HttpMethod.GET, "/api/patients/" + patient + "/assessments", null, 200);
        send(sent, therapist, HttpMethod.GET, "/api/patients/" + patient + "/assessments/" + intake, null, 200);
        send(sent, therapist, HttpMethod.POST, "/api/patients/" + patient + "/intake",
                intake("2026-11-18T14:00:00Z").replace("\"painNprs\": 7", "\"painNprs\": 11"), 400);
        send(sent, therapistOf("clinic-b"), HttpMethod.GET, "/api/patients/" + patient, null, 404);
        send(sent, therapistOf("clinic-b"), HttpMethod.POST, "/api/patients/" + patient + "/intake", intake("2026-11-18T14:00:00Z"), 404);
        send(sent, anonymous, HttpMethod.GET, "/api/patients/" + patient, null, 401);
        send(sent, withToken(tokens.operator()), HttpMethod.GET, "/api/patients/" + patient, null, 403);

        // In the store: per request id exactly one request, with one outcome of its status.
        audit.flush();
        sent.forEach((requestId, status) -> {
            List<Document> records = mongo.find(Query.query(Criteria.where("requestId").is(requestId)), Document.class, "audit");
            assertThat(records.stream().map(r -> r.getString("request")).distinct()).as("requests recorded for %s", requestId).hasSize(1);
            assertThat(records.stream().filter(r -> "OUTCOME".equals(r.getString("phase"))))
                    .as("outcome of %s", requestId).singleElement().satisfies(r -> assertThat(r.getInteger("status")).isEqualTo(status));
            assertThat(records.stream().filter(r -> "ATTEMPT".equals(r.getString("phase"))).count())
                    .as("attempts of %s: only what reached the data", requestId).isEqualTo(status < 300 ? 1 : 0);
            records.forEach(r -> assertThat(r.toJson()).as("no clinical values, no identity")
                    .doesNotContain("overuse", "painNprs", "Patient-Journey", "patient-a@example.org", "1980-04-02", "SHOULDER"));
        });

        // What the clinic's admin reads: every request that touched the patient, the refused one of clinic-b too.
        JsonNode page = withToken(tokens.clinicAdmin(clinic)).get()
                .uri("/api/clinics/{clinic}/audit?patientId={patient}&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z", clinic, patient)
                .exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        List<JsonNode> records = page.get("records").values().stream().toList();
        assertThat(page.get("next").isNull()).isTrue();
        assertThat(records).extracting(r -> r.path("status").isMissingNode() ? null : r.get("status").asInt())
                .containsExactly(201, 200, 201, 201, 200, 200, 404, 404, null);
        assertThat(records).extracting(r -> r.get("subject").asString())
                .containsExactly("therapist-journey", "therapist-journey", "therapist-journey", "therapist-journey",
                        "therapist-journey", "therapist-journey", "therapist-b", "therapist-b", "admin-journey");
        assertThat(records).extracting(r -> r.get("action").asString() + " " + r.get("resourceType").asString())
                .containsExactly("CREATE patient", "READ patient", "CREATE assessment", "CREATE assessment", "READ assessment",
                        "READ assessment", "READ patient", "CREATE assessment", "READ audit");
        assertThat(records.get(6).get("actorClinicId").asString()).isEqualTo("clinic-b");
        assertThat(records.get(0).get("at").asString()).isEqualTo(TestClockConfig.NOW);
        assertThat(records.get(0).get("clientAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(records.get(0).get("service").asString()).isEqualTo("intake-service");
        assertThat(records.get(8).path("status").isMissingNode()).as("the query is recorded before it reads, so it sees itself unfinished").isTrue();
    }

    @Test
    void whenTheAuditRecordCannotBeWrittenTheRequestIsRefusedWith503AndNothingIsWritten() {
        String clinic = "clinic-broken";
        RestTestClient therapist = therapistOf(clinic);
        UUID patient = register(therapist, "Patient-Before");
        String counter = clinic + "|" + HOUR;
        Document numbered = mongo.getCollection("audit_sequences").find(Filters.eq("_id", counter)).first();
        assertThat(numbered).as("the counter of the clinic's hour").isNotNull();
        // A real store failure: the store refuses to $inc a counter that is not a number.
        mongo.getCollection("audit_sequences").updateOne(Filters.eq("_id", counter), Updates.set("n", "not a number"));
        try {
            therapist.post().uri("/api/patients").contentType(MediaType.APPLICATION_JSON).body(PATIENT.formatted("Patient-Never"))
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("/problems/audit-unavailable");
            therapist.post().uri("/api/patients/{id}/intake", patient).contentType(MediaType.APPLICATION_JSON)
                    .body(intake("2026-11-18T14:00:00Z")).exchange()
                    .expectStatus().isEqualTo(503);
            therapist.get().uri("/api/patients/{id}", patient).exchange()
                    .expectStatus().isEqualTo(503)
                    .expectBody(String.class).value(body -> assertThat(body).doesNotContain("Patient-Before"));

            assertThat(mongo.count(Query.query(Criteria.where("familyName").is("Patient-Never")), "patients")).isZero();
            Document stored = mongo.findById(patient.toString(), Document.class, "patients");
            assertThat(stored.getList("assessmentIds", String.class)).as("no intake linked").isEmpty();
            assertThat(mongo.count(Query.query(Criteria.where("patientId").is(patient.toString())), "assessments")).isZero();
        } finally {
            mongo.getCollection("audit_sequences").replaceOne(Filters.eq("_id", counter), numbered);
        }
        therapist.get().uri("/api/patients/{id}", patient).exchange().expectStatus().isOk();
    }

    @Test
    void onlyTheClinicsAdminsReadItsAuditTrail() {
        String clinic = "clinic-admins";
        UUID patient = register(therapistOf(clinic), "Patient-Admins");
        String uri = "/api/clinics/" + clinic + "/audit?patientId=" + patient;

        withToken(tokens.clinicAdmin(clinic)).get().uri(uri).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.records[0].resourceId").isEqualTo(patient.toString());
        therapistOf(clinic).get().uri(uri).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/forbidden");
        withToken(tokens.clinicAdmin("clinic-b")).get().uri(uri).exchange()
                .expectStatus().isNotFound();
        withToken(tokens.operator()).get().uri(uri).exchange().expectStatus().isForbidden();
        anonymous.get().uri(uri).exchange().expectStatus().isUnauthorized();
        withToken(tokens.clinicAdmin(clinic)).get().uri(uri + "&cursor=bm9wZQ").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        withToken(tokens.clinicAdmin(clinic)).get().uri(uri + "&from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z").exchange()
                .expectStatus().isBadRequest();
    }

    @Test
    void pagesFollowedByTheirCursorGiveTheWholeTrailInOrder() {
        String clinic = "clinic-pages";
        RestTestClient therapist = therapistOf(clinic);
        UUID patient = register(therapist, "Patient-Pages");
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofMinutes(20)); // across hours: the pages cross buckets
            therapistOf(clinic).get().uri("/api/patients/{id}", patient).exchange().expectStatus().isOk();
        }
        // Queried from after the range, so that the queries, recorded too, are not in what they read.
        clock.set(Instant.parse("2026-11-20T19:00:00Z"));
        RestTestClient admin = withToken(tokens.clinicAdmin(clinic));
        String range = "/api/clinics/" + clinic + "/audit?patientId=" + patient + "&from=2026-11-20T15:00:00Z&to=2026-11-20T18:00:00Z";

        List<String> whole = atOf(admin.get().uri(range + "&limit=500").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody());
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = admin.get().uri(range + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).exchange()
                    .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(page.get("records").size()).isLessThanOrEqualTo(2);
            paged.addAll(atOf(page));
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
            pages++;
        } while (cursor != null && pages < 20);
        clock.set(Instant.parse(TestClockConfig.NOW));
        assertThat(whole).as("the registration and six reads").hasSize(7).isSorted();
        assertThat(paged).isEqualTo(whole);
        assertThat(pages).isBetween(4, 6);
    }

    @Test
    void theAuditQueryReadsAsManyDocumentsWithTenTimesTheRecords() {
        String clinic = "clinic-docs";
        Instant hour = Instant.parse("2026-11-19T10:00:00Z");
        seed(clinic, hour, 10);
        String uri = "/api/clinics/" + clinic + "/audit?from=2026-11-19T10:00:00Z&to=2026-11-19T11:00:00Z&limit=100";
        RestTestClient admin = withToken(tokens.clinicAdmin(clinic));

        admin.get().uri(uri).exchange().expectStatus().isOk(); // the first numbers the query's own bucket: creates its counter
        seedElsewhere(clinic, hour, 200);
        long small = DocumentReads.during(DATABASE, () -> admin.get().uri(uri).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.records.length()").isEqualTo(10));
        seedElsewhere(clinic, hour, 1_800);
        long large = DocumentReads.during(DATABASE, () -> admin.get().uri(uri).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.records.length()").isEqualTo(10));

        System.out.printf("Documents read by the audit query of one hour (10 requests), 200 vs 2,000 other requests stored: %d %d%n",
                small, large);
        assertThat(large).as("documents read with 2,000 other requests stored, against 200").isEqualTo(small);
        assertThat(small).as("the hour's counter, its 10 requests' 20 records, the query's own counter").isLessThanOrEqualTo(25);
    }

    // --- helpers -------------------------------------------------------------------------------

    private JsonNode send(Map<String, Integer> sent, RestTestClient client, HttpMethod method, String uri, String body, int status) {
        String requestId = "journey-" + UUID.randomUUID();
        var request = client.method(method).uri(uri).header("X-Request-Id", requestId);
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        JsonNode answer = request.exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().valueEquals("X-Request-Id", requestId)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        sent.put(requestId, status);
        return answer;
    }

    private static List<String> atOf(JsonNode page) {
        return page.get("records").values().stream().map(r -> r.get("at").asString() + " " + r.get("requestId").asString())
                .collect(Collectors.toList());
    }

    /** {@code count} finished requests of {@code clinic} in {@code hour}, as the service writes them. */
    private void seed(String clinic, Instant hour, int count) {
        String bucket = hourOf(hour);
        List<Document> records = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            String requestId = UUID.randomUUID().toString();
            Date at = Date.from(hour.plusSeconds(seq));
            String patientId = UUID.randomUUID().toString();
            for (String phase : List.of("a", "o")) {
                var record = new Document("_id", clinic + "|" + bucket + "|" + seq + "|" + phase).append("clinicId", clinic)
                        .append("hour", bucket).append("seq", (long) seq).append("request", requestId).append("requestId", requestId)
                        .append("at", at).append("service", "intake-service").append("subject", "therapist-docs")
                        .append("role", "THERAPIST").append("actorClinicId", clinic).append("action", "READ")
                        .append("resourceType", "patient").append("resourceId", patientId).append("patientId", patientId)
                        .append("clientAddress", "127.0.0.1").append("method", "GET").append("path", "/api/patients/" + patientId)
                        .append("phase", phase.equals("a") ? "ATTEMPT" : "OUTCOME").append("expiresAt", at);
                if (phase.equals("o")) {
                    record.append("status", 200);
                }
                records.add(record);
            }
        }
        mongo.insert(records, "audit");
        mongo.getCollection("audit_sequences").insertOne(new Document("_id", clinic + "|" + bucket).append("n", (long) count));
    }

    private int elsewhere;

    /** {@code count} more requests in other hours of the clinic and in other clinics in the same hour. */
    private void seedElsewhere(String clinic, Instant hour, int count) {
        for (int i = 0; i < count / 10; i++) {
            elsewhere++;
            if (i % 2 == 0) {
                seed(clinic, hour.minus(Duration.ofHours(elsewhere)), 10);
            } else {
                seed("clinic-other-" + elsewhere, hour, 10);
            }
        }
    }

    private static String hourOf(Instant hour) {
        return hour.toString().substring(0, 13);
    }
}
