package dev.knotless.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.platform.security.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * Who may do what on every staff endpoint of outcomes-service, over real HTTP with real tokens:
 * without a token, as another clinic's therapist, as an operator, with the tokens a service must
 * refuse. Clinic-a's follow-ups, alert and link must come out of all of it unchanged and unseen.
 * The survey endpoints stay the patient's, with no sign-in.
 *
 * <p>Another clinic's session, follow-up, alert or patient is the unknown id's 404; so is a clinic
 * path naming another clinic ({@code /api/clinics/clinic-a/...} asked by clinic-b): to clinic-b,
 * clinic-a is as unknown as any slug, and a 403 there would confirm that the guessed clinic exists.
 */
public abstract class OutcomesSecurityContract extends SecuredOutcomesSupport {

    private Treated a;
    private String before;

    @BeforeAll
    void clinicAsPatient() {
        a = treat("clinic-a");
        before = snapshot();
    }

    record Endpoint(String name, HttpMethod method, String uri, String unknownUri, String body) {
    }

    /** Every staff endpoint of outcomes-service on clinic-a's data, and the same request on an id or clinic nobody has. */
    List<Endpoint> endpoints() {
        String unknown = UUID.randomUUID().toString();
        return List.of(
                new Endpoint("GET follow-ups", HttpMethod.GET, "/api/sessions/" + a.sessionId() + "/follow-ups",
                        "/api/sessions/" + unknown + "/follow-ups", null),
                new Endpoint("POST survey-link", HttpMethod.POST, "/api/follow-ups/" + a.h48() + "/survey-link",
                        "/api/follow-ups/" + unknown + "/survey-link", null),
                new Endpoint("GET alerts", HttpMethod.GET, "/api/clinics/clinic-a/alerts?status=OPEN&limit=500",
                        "/api/clinics/clinic-nowhere/alerts?status=OPEN&limit=500", null),
                new Endpoint("POST acknowledge", HttpMethod.POST, "/api/alerts/" + a.alertId() + "/acknowledge",
                        "/api/alerts/" + unknown + "/acknowledge", "{}"),
                new Endpoint("GET timeline", HttpMethod.GET, "/api/patients/" + a.patientId() + "/timeline",
                        "/api/patients/" + unknown + "/timeline", null),
                new Endpoint("GET dashboard", HttpMethod.GET, "/api/clinics/clinic-a/dashboard", "/api/clinics/clinic-nowhere/dashboard", null),
                new Endpoint("GET audit", HttpMethod.GET, "/api/clinics/clinic-a/audit", "/api/clinics/clinic-nowhere/audit", null));
    }

    private Reply call(String token, Endpoint endpoint) {
        return call(token, endpoint.method(), endpoint.uri(), endpoint.body());
    }

    @Test
    void withoutATokenEveryStaffEndpointIs401WithWwwAuthenticateAndAProblem() {
        for (Endpoint endpoint : endpoints()) {
            Reply reply = call(null, endpoint);
            assertThat(reply.status()).as(endpoint.name()).isEqualTo(401);
            assertThat(reply.headers().getFirst(HttpHeaders.WWW_AUTHENTICATE)).as(endpoint.name()).startsWith("Bearer");
            assertThat(reply.json().get("type").asString()).isEqualTo("/problems/unauthorized");
            assertNoDataOfClinicA(endpoint.name(), reply);
        }
        assertUnchanged();
    }

    @Test
    void anotherClinicsTherapistGetsTheUnknownIds404AndNoData() {
        String therapistB = tokens.therapist("clinic-b");
        for (Endpoint endpoint : endpoints()) {
            Reply reply = call(therapistB, endpoint);
            assertNoDataOfClinicA(endpoint.name(), reply);
            if (endpoint.name().equals("GET audit")) {
                assertThat(reply.status()).as("the audit trail is for clinic admins").isEqualTo(403);
                continue;
            }
            assertThat(reply.status()).as(endpoint.name()).isEqualTo(404);
            assertThat(withoutIds(reply.body())).as(endpoint.name() + ": the same answer as for an unknown id or clinic")
                    .isEqualTo(withoutIds(call(therapistB, endpoint.method(), endpoint.unknownUri(), endpoint.body()).body()));
        }
        // Clinic-b's admin: clinic-a's audit trail does not exist for them either.
        String adminB = tokens.clinicAdmin("clinic-b");
        Reply audit = call(adminB, HttpMethod.GET, "/api/clinics/clinic-a/audit", null);
        assertThat(audit.status()).isEqualTo(404);
        assertThat(withoutIds(audit.body())).isEqualTo(withoutIds(call(adminB, HttpMethod.GET, "/api/clinics/clinic-nowhere/audit", null).body()));
        assertUnchanged();
        // Clinic-a's therapist still finds everything where it was.
        String therapistA = tokens.therapist("clinic-a");
        assertThat(call(therapistA, HttpMethod.GET, "/api/clinics/clinic-a/alerts", null).body()).contains(a.alertId().toString());
        assertThat(call(null, HttpMethod.GET, "/api/surveys/" + a.h24Token(), null).status()).as("clinic-a's link still works").isEqualTo(200);
    }

    @Test
    void anOperatorReachesNoPatientDataButMetrics() {
        String operator = tokens.operator();
        for (Endpoint endpoint : endpoints()) {
            Reply reply = call(operator, endpoint);
            assertThat(reply.status()).as(endpoint.name()).isEqualTo(403);
            assertThat(reply.json().get("type").asString()).isEqualTo("/problems/forbidden");
            assertNoDataOfClinicA(endpoint.name(), reply);
        }
        assertUnchanged();
        assertThat(call(operator, HttpMethod.GET, "/actuator/prometheus", null).status()).isEqualTo(200);
        assertThat(call(tokens.therapist("clinic-a"), HttpMethod.GET, "/actuator/prometheus", null).status()).isEqualTo(403);
        assertThat(call(null, HttpMethod.GET, "/actuator/prometheus", null).status()).isEqualTo(401);
        assertThat(call(null, HttpMethod.GET, "/actuator/health/liveness", null).status()).isEqualTo(200);
    }

    @Test
    void aClinicAdminWorksWithTheirClinicsDataLikeATherapist() {
        Reply timeline = call(tokens.clinicAdmin("clinic-a"), HttpMethod.GET, "/api/patients/" + a.patientId() + "/timeline", null);
        assertThat(timeline.status()).isEqualTo(200);
        assertThat(timeline.body()).contains("SHOULDER");
    }

    @Test
    void eachOfTheBadTokensIs401NeverA500() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", tokens.expired("clinic-a"));
        bad.put("wrong issuer", tokens.wrongIssuer("clinic-a"));
        bad.put("wrong audience", tokens.wrongAudience("clinic-a"));
        bad.put("bad signature", tokens.badSignature("clinic-a"));
        bad.put("alg none", tokens.unsigned("clinic-a"));
        bad.put("unknown key id", tokens.unknownKey("clinic-a"));
        bad.put("a survey link's token", a.h24Token());
        bad.put("an unknown role", tokens.signed(tokens.claims("therapist-a", Role.THERAPIST, "clinic-a").claim("role", "SUPERUSER").build()));
        bad.forEach((name, token) -> {
            for (Endpoint endpoint : endpoints()) {
                Reply reply = call(token, endpoint);
                assertThat(reply.status()).as(name + " on " + endpoint.name()).isEqualTo(401);
                assertThat(reply.headers().getFirst(HttpHeaders.WWW_AUTHENTICATE)).as(name).startsWith("Bearer").contains("invalid_token");
                assertNoDataOfClinicA(name, reply);
            }
        });
        assertUnchanged();
    }

    @Test
    void theSurveyStaysAnonymousAndItsTokenIsNoBearer() {
        Treated patient = treat("clinic-a"); // its H24 answered with no token (treat): the anonymous answer works
        UUID session = session(patient.patientId(), "clinic-a");
        String token = issueLink("clinic-a", FollowUp.idOf(session, dev.knotless.events.Vocabulary.Checkpoint.H24));

        Reply survey = call(null, HttpMethod.GET, "/api/surveys/" + token, null);
        assertThat(survey.status()).isEqualTo(200);
        assertThat(survey.json().get("status").asString()).isEqualTo("OPEN");
        // Sent as a bearer it is a token the issuer never signed: refused there too, and on every staff endpoint.
        Reply asBearer = call(token, HttpMethod.GET, "/api/surveys/" + token, null);
        assertThat(asBearer.status()).isEqualTo(401);
        assertThat(call(token, HttpMethod.POST, "/api/surveys/" + token, survey(2)).status()).isEqualTo(401);
        assertThat(call(token, HttpMethod.GET, "/api/sessions/" + session + "/follow-ups", null).status()).isEqualTo(401);
        assertThat(call(token, HttpMethod.GET, "/api/patients/" + patient.patientId() + "/timeline", null).status()).isEqualTo(401);

        assertThat(answer(token, 2).status()).isEqualTo(201);
        assertThat(answer(token, 2).status()).isEqualTo(409);
    }

    // --- helpers -------------------------------------------------------------------------------

    private void assertNoDataOfClinicA(String name, Reply reply) {
        assertThat(reply.status()).as(name + ": never a server error").isLessThan(500);
        assertThat(reply.body()).as(name).doesNotContain("HIGH_SORENESS", "SHOULDER", "soreness", COMMENT);
        if (!reply.body().contains("/problems/")) { // a problem may repeat the id asked for, as for an unknown one
            assertThat(reply.body()).as(name).doesNotContain(a.patientId().toString(), a.alertId().toString());
        }
    }

    private void assertUnchanged() {
        assertThat(snapshot()).as("clinic-a's data after the refused requests").isEqualTo(before);
    }

    /** What a refused write could have changed: the alert's acknowledgement and the follow-ups' links and answers. */
    private String snapshot() {
        Document alert = mongo.findById(a.alertId().toString(), Document.class, "alerts");
        StringBuilder state = new StringBuilder("alert " + alert.get("status") + " " + alert.get("acknowledgedBy") + " "
                + alert.get("acknowledgedAt"));
        for (UUID followUpId : List.of(a.h24(), a.h48())) {
            Document followUp = mongo.findById(followUpId.toString(), Document.class, FollowUp.COLLECTION);
            state.append("; follow-up ").append(followUp.get("status")).append(" ").append(followUp.get("tokenHash")).append(" ")
                    .append(followUp.get("surveyLinkIssuedAt")).append(" ").append(followUp.get("answers"));
        }
        return state.toString();
    }
}
