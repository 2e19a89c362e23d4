package dev.knotless.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.outcomes.followup.FollowUp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail of outcomes-service: one record per request, refused ones too; a survey's use
 * recorded under its follow-up, without the token or an answer; the request refused with 503 and
 * nothing written when its record cannot be; this service's part of a clinic's trail for its admins.
 */
public abstract class OutcomesAuditContract extends SecuredOutcomesSupport {

    /** What one request of the journey should leave: its status, and whether it reached the data (an attempt record). */
    record Expected(String name, int status, boolean attempt) {
    }

    @Test
    void everyRequestOfAJourneyLeavesExactlyOneRecordRefusedOnesToo() {
        String clinic = "clinic-journey";
        Treated t = treat(clinic);
        String therapist = tokens.therapist(clinic);
        String therapistB = tokens.therapist("clinic-b");
        var sent = new LinkedHashMap<String, Expected>(); // X-Request-Id -> what it should leave

        send(sent, "follow-ups", therapist, HttpMethod.GET, "/api/sessions/" + t.sessionId() + "/follow-ups", null, 200, true);
        String h48Token = send(sent, "issue H48 link", therapist, HttpMethod.POST, "/api/follow-ups/" + t.h48() + "/survey-link", null, 201, true)
                .json().get("token").asString();
        send(sent, "survey shown", null, HttpMethod.GET, "/api/surveys/" + h48Token, null, 200, true);
        send(sent, "survey answered before it opens", null, HttpMethod.POST, "/api/surveys/" + h48Token, survey(4), 409, true);
        send(sent, "survey of an unknown token", null, HttpMethod.GET, "/api/surveys/" + UUID.randomUUID(), null, 404, false);
        send(sent, "timeline", therapist, HttpMethod.GET, "/api/patients/" + t.patientId() + "/timeline", null, 200, true);
        send(sent, "alerts", therapist, HttpMethod.GET, "/api/clinics/" + clinic + "/alerts", null, 200, true);
        send(sent, "acknowledge", therapist, HttpMethod.POST, "/api/alerts/" + t.alertId() + "/acknowledge", "{}", 200, true);
        send(sent, "acknowledge again", therapist, HttpMethod.POST, "/api/alerts/" + t.alertId() + "/acknowledge", null, 409, true);
        send(sent, "dashboard", therapist, HttpMethod.GET, "/api/clinics/" + clinic + "/dashboard", null, 200, true);
        send(sent, "acknowledgedBy in the body", therapist, HttpMethod.POST, "/api/alerts/" + t.alertId() + "/acknowledge",
                "{\"acknowledgedBy\": \"therapist-journey\"}", 400, false);
        send(sent, "clinic-b's timeline", therapistB, HttpMethod.GET, "/api/patients/" + t.patientId() + "/timeline", null, 404, false);
        send(sent, "clinic-b's link", therapistB, HttpMethod.POST, "/api/follow-ups/" + t.h48() + "/survey-link", null, 404, false);
        send(sent, "clinic-b's alert list", therapistB, HttpMethod.GET, "/api/clinics/" + clinic + "/alerts", null, 404, false);
        send(sent, "no token", null, HttpMethod.GET, "/api/patients/" + t.patientId() + "/timeline", null, 401, false);
        send(sent, "operator", tokens.operator(), HttpMethod.GET, "/api/patients/" + t.patientId() + "/timeline", null, 403, false);

        assertThat(mongo.findById(t.alertId().toString(), Document.class, "alerts").getString("acknowledgedBy"))
                .as("the acknowledging therapist is the token's subject").isEqualTo("therapist-journey");
        audit.flush(); // the outcomes are written after the answers
        sent.forEach((requestId, expected) -> {
            List<Document> records = mongo.find(Query.query(Criteria.where("requestId").is(requestId)), Document.class, "audit");
            assertThat(records.stream().map(r -> r.getString("request")).distinct()).as("requests recorded for %s", expected.name()).hasSize(1);
            assertThat(records.stream().filter(r -> "OUTCOME".equals(r.getString("phase"))))
                    .as("outcome of %s", expected.name()).singleElement()
                    .satisfies(r -> assertThat(r.getInteger("status")).isEqualTo(expected.status()));
            assertThat(records.stream().filter(r -> "ATTEMPT".equals(r.getString("phase"))).count())
                    .as("attempts of %s", expected.name()).isEqualTo(expected.attempt() ? 1 : 0);
            records.forEach(r -> assertThat(r.toJson()).as("%s: no survey token, no clinical value", expected.name())
                    .doesNotContain(h48Token, t.h24Token(), COMMENT, "soreness", "SHOULDER", "HIGH_SORENESS"));
        });

        // The patient's side: the follow-up stands for the actor, and the path is the pattern, not the link.
        Document shown = outcomeOf(sent, "survey shown");
        assertThat(shown.getString("followUpId")).isEqualTo(t.h48().toString());
        assertThat(shown.getString("resourceType")).isEqualTo("survey");
        assertThat(shown.getString("patientId")).isEqualTo(t.patientId().toString());
        assertThat(shown.getString("clinicId")).isEqualTo(clinic);
        assertThat(shown.getString("path")).isEqualTo("/api/surveys/{token}");
        assertThat(shown.containsKey("subject")).as("nobody signed in").isFalse();
        assertThat(outcomeOf(sent, "survey of an unknown token").getString("path")).isEqualTo("/api/surveys/{token}");
        Document acknowledged = outcomeOf(sent, "acknowledge");
        assertThat(acknowledged.getString("subject")).isEqualTo("therapist-journey");
        assertThat(acknowledged.getString("action") + " " + acknowledged.getString("resourceType")).isEqualTo("UPDATE alert");
        assertThat(outcomeOf(sent, "clinic-b's link").getString("actorClinicId")).isEqualTo("clinic-b");
        assertThat(outcomeOf(sent, "clinic-b's link").getString("clinicId")).as("filed under the clinic whose data was asked for")
                .isEqualTo(clinic);

        // What the clinic's admin reads of the patient: the journey's requests on it, clinic-b's refused ones too, in order.
        Instant now = clock.instant();
        JsonNode page = call(tokens.clinicAdmin(clinic), HttpMethod.GET, "/api/clinics/" + clinic + "/audit?patientId=" + t.patientId()
                + "&from=" + now.minus(Duration.ofHours(2)) + "&to=" + now.plus(Duration.ofHours(1)) + "&limit=500", null).json();
        List<String> journey = new ArrayList<>();
        page.get("records").values().forEach(r -> {
            if (sent.containsKey(r.get("requestId").asString())) {
                journey.add(sent.get(r.get("requestId").asString()).name() + " " + r.path("status").asInt());
            }
        });
        assertThat(journey).containsExactly("follow-ups 200", "issue H48 link 201", "survey shown 200", "survey answered before it opens 409",
                "timeline 200", "acknowledge 200", "acknowledge again 409", "clinic-b's timeline 404", "clinic-b's link 404");
        assertThat(page.get("records").get(0).get("service").asString()).isEqualTo("outcomes-service");
    }

    @Test
    void whenTheAuditRecordCannotBeWrittenTheRequestIsRefusedWith503AndNothingIsWritten() {
        String clinic = "clinic-broken";
        Treated t = treat(clinic);
        UUID open = FollowUp.idOf(session(t.patientId(), clinic), Checkpoint.H24);
        String openToken = issueLink(clinic, open);
        String therapist = tokens.therapist(clinic);
        String counter = clinic + "|" + clock.instant().toString().substring(0, 13);
        Document numbered = mongo.getCollection("audit_sequences").find(Filters.eq("_id", counter)).first();
        assertThat(numbered).as("the counter of the clinic's hour").isNotNull();
        // A real store failure: the store refuses to $inc a counter that is not a number.
        mongo.getCollection("audit_sequences").updateOne(Filters.eq("_id", counter), Updates.set("n", "not a number"));
        try {
            Map<String, Reply> refused = new LinkedHashMap<>();
            refused.put("issue link", call(therapist, HttpMethod.POST, "/api/follow-ups/" + t.h48() + "/survey-link", null));
            refused.put("acknowledge", call(therapist, HttpMethod.POST, "/api/alerts/" + t.alertId() + "/acknowledge", "{}"));
            refused.put("answer", answer(openToken, 3));
            refused.put("survey", call(null, HttpMethod.GET, "/api/surveys/" + openToken, null));
            refused.put("timeline", call(therapist, HttpMethod.GET, "/api/patients/" + t.patientId() + "/timeline", null));
            refused.put("follow-ups", call(therapist, HttpMethod.GET, "/api/sessions/" + t.sessionId() + "/follow-ups", null));
            refused.put("alerts", call(therapist, HttpMethod.GET, "/api/clinics/" + clinic + "/alerts", null));
            refused.put("dashboard", call(therapist, HttpMethod.GET, "/api/clinics/" + clinic + "/dashboard", null));
            refused.forEach((name, reply) -> {
                assertThat(reply.status()).as(name).isEqualTo(503);
                assertThat(reply.json().get("type").asString()).as(name).isEqualTo("/problems/audit-unavailable");
                assertThat(reply.body()).as(name).doesNotContain("SHOULDER", "HIGH_SORENESS", "token\"");
            });

            assertThat(mongo.findById(t.h48().toString(), Document.class, FollowUp.COLLECTION).get("tokenHash")).as("no link issued").isNull();
            assertThat(mongo.findById(t.alertId().toString(), Document.class, "alerts").getString("status")).isEqualTo("OPEN");
            assertThat(mongo.findById(open.toString(), Document.class, FollowUp.COLLECTION).get("answers")).as("no answer stored").isNull();
        } finally {
            mongo.getCollection("audit_sequences").replaceOne(Filters.eq("_id", counter), numbered);
        }
        assertThat(answer(openToken, 3).status()).isEqualTo(201);
        assertThat(call(therapist, HttpMethod.POST, "/api/alerts/" + t.alertId() + "/acknowledge", null).status()).isEqualTo(200);
    }

    @Test
    void onlyTheClinicsAdminsReadThisServicesPartOfItsTrail() {
        String clinic = "clinic-admins";
        Treated t = treat(clinic);
        String uri = "/api/clinics/" + clinic + "/audit?patientId=" + t.patientId() + "&from=" + clock.instant().minus(Duration.ofHours(1));

        Reply page = call(tokens.clinicAdmin(clinic), HttpMethod.GET, uri, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("records").values().stream().map(r -> r.get("resourceType").asString()).distinct())
                .contains("follow-up", "survey-link", "survey", "timeline");
        assertThat(call(tokens.therapist(clinic), HttpMethod.GET, uri, null).status()).isEqualTo(403);
        assertThat(call(tokens.clinicAdmin("clinic-b"), HttpMethod.GET, uri, null).status()).isEqualTo(404);
        assertThat(call(tokens.operator(), HttpMethod.GET, uri, null).status()).isEqualTo(403);
        assertThat(call(null, HttpMethod.GET, uri, null).status()).isEqualTo(401);
    }

    // --- helpers -------------------------------------------------------------------------------

    private Reply send(Map<String, Expected> sent, String name, String token, HttpMethod method, String uri, String body, int status,
                       boolean attempt) {
        String requestId = "journey-" + UUID.randomUUID();
        Reply reply = call(token, method, uri, body, Map.of("X-Request-Id", requestId));
        assertThat(reply.status()).as("%s: %s", name, reply.body()).isEqualTo(status);
        assertThat(reply.headers().getFirst("X-Request-Id")).isEqualTo(requestId);
        sent.put(requestId, new Expected(name, status, attempt));
        return reply;
    }

    private Document outcomeOf(Map<String, Expected> sent, String name) {
        audit.flush();
        String requestId = sent.entrySet().stream().filter(e -> e.getValue().name().equals(name)).findFirst().orElseThrow().getKey();
        return mongo.findOne(Query.query(Criteria.where("requestId").is(requestId).and("phase").is("OUTCOME")), Document.class, "audit");
    }
}
