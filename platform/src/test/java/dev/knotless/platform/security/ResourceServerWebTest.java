package dev.knotless.platform.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The platform's security rules in a web slice: the configurable anonymous paths (the survey
 * endpoints), a bearer token sent there anyway, and an issuer whose keys cannot be fetched (a 503,
 * not a 500 and not the token's fault). The services' ITs test real tokens against a real JWKS.
 */
@WebMvcTest(controllers = ResourceServerWebTest.Endpoints.class, properties = {
        "knotless.security.issuer=http://127.0.0.1:9", // nothing listens on the discard port
        "knotless.security.anonymous-paths=/api/surveys/**"})
class ResourceServerWebTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Endpoints.class)
    static class App {
    }

    @RestController
    static class Endpoints {
        @GetMapping("/api/surveys/{token}")
        String survey() {
            return "{\"checkpoint\":\"DAY_2\"}";
        }

        @GetMapping("/api/patients/p")
        String patient() {
            return "{}";
        }
    }

    @Autowired
    MockMvc mvc;

    @Test
    void anAnonymousPathAnswersWithoutAToken() throws Exception {
        mvc.perform(get("/api/surveys/q3xJ0v8sYk2mPz7R")).andExpect(status().isOk());
    }

    @Test
    void aSurveyTokenSentAsABearerTokenIs401EvenOnTheSurveyPath() throws Exception {
        for (String path : new String[] {"/api/surveys/q3xJ0v8sYk2mPz7R", "/api/patients/p"}) {
            mvc.perform(get(path).header("Authorization", "Bearer q3xJ0v8sYk2mPz7R"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", Matchers.startsWith("Bearer")))
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("/problems/unauthorized"));
        }
    }

    @Test
    void aStaffPathWithoutATokenIs401() throws Exception {
        mvc.perform(get("/api/patients/p"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", Matchers.startsWith("Bearer")))
                .andExpect(header().string("WWW-Authenticate", Matchers.not(Matchers.containsString("error="))))
                .andExpect(jsonPath("$.detail").value("A bearer token is required"));
    }

    @Test
    void aTokenWhoseKeysCannotBeFetchedIs503() throws Exception {
        var key = new RSAKeyGenerator(2048).keyID("k1").generate();
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                .issuer("http://127.0.0.1:9").subject("therapist-a").audience("knotless-api")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).claim("role", "THERAPIST").claim("clinic_id", "clinic-a")
                .build());
        jwt.sign(new RSASSASigner(key));

        mvc.perform(get("/api/patients/p").header("Authorization", "Bearer " + jwt.serialize()))
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/token-check-unavailable"));
    }
}
