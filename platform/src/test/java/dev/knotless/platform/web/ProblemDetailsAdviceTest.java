package dev.knotless.platform.web;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.platform.validation.PlausibleRangeOfMotion;
import dev.knotless.platform.validation.RangeOfMotionReading;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shared error contract, through a web slice as every service's slice tests see it. Without
 * the security filters: their refusals are the services' ITs' business (IntakeSecurityIT).
 */
@WebMvcTest(controllers = ProblemDetailsAdviceTest.EchoController.class, properties = "spring.autoconfigure.exclude="
        + "dev.knotless.platform.security.KnotlessSecurityAutoConfiguration,"
        + "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration,"
        + "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
        + "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
        + "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
        + "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration")
class ProblemDetailsAdviceTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(EchoController.class)
    static class App {
    }

    @PlausibleRangeOfMotion
    record Reading(@NotNull Joint joint, @NotNull Movement movement, @NotNull Integer degrees) implements RangeOfMotionReading {
    }

    record Site(@NotNull Technique technique) {
    }

    record Body(@NotNull @Min(0) @Max(10) Integer pain, @NotNull Instant at, List<@Valid Site> needling, List<@Valid Reading> rom) {
    }

    @RestController
    static class EchoController {
        @PostMapping("/echo")
        Body echo(@Valid @RequestBody Body body) {
            return body;
        }

        @GetMapping("/things/{thingId}")
        String thing(@PathVariable UUID thingId) {
            throw ProblemException.notFound("thing", thingId);
        }

        @GetMapping("/store-down")
        String storeDown() {
            throw new org.springframework.dao.DataAccessResourceFailureException("Timed out while waiting for a server",
                    new com.mongodb.MongoTimeoutException("Timed out while waiting for a server"));
        }

        @GetMapping("/store-down-raw")
        String storeDownRaw() {
            throw new com.mongodb.MongoTimeoutException("Timed out while waiting for a server");
        }

        @GetMapping("/boom")
        String boom() {
            throw new IllegalStateException("secret patient detail");
        }
    }

    @Autowired
    MockMvc mvc;

    @Test
    void malformedJsonIsA400() throws Exception {
        post("{\"pain\": ").andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/malformed-json"));
    }

    @Test
    void anUnknownEnumValueNamesTheFieldAndTheAllowedValues() throws Exception {
        post("{\"pain\": 3, \"at\": \"2026-11-20T14:00:00Z\", \"needling\": [{\"technique\": \"LASER\"}]}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("needling[0].technique"))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("SUPERFICIAL, DEEP, IMS")));
    }

    @Test
    void aMalformedTimestampNamesTheField() throws Exception {
        post("{\"pain\": 3, \"at\": \"yesterday\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("at"))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("ISO-8601")));
    }

    @Test
    void aWrongTypeNamesTheField() throws Exception {
        post("{\"pain\": \"seven\", \"at\": \"2026-11-20T14:00:00Z\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("pain"));
    }

    @Test
    void numbersTextAndBooleansAreNotCoercedIntoOneAnother() throws Exception {
        post("{\"pain\": 7.9, \"at\": \"2026-11-20T14:00:00Z\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("pain"));
        post("{\"pain\": \"7\", \"at\": \"2026-11-20T14:00:00Z\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("pain"));
        post("{\"pain\": 7, \"at\": 1763647200}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("at"));
        post("{\"pain\": 7, \"at\": \"2026-11-20T14:00:00Z\", \"needling\": [{\"technique\": 1}]}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("needling[0].technique"));
    }

    @Test
    void anUnknownFieldIsNamedNotDropped() throws Exception {
        post("{\"pain\": 3, \"at\": \"2026-11-20T14:00:00Z\", \"pian\": 4}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("pian"))
                .andExpect(jsonPath("$.errors[0].message").value("is not a known field"));
    }

    @Test
    void validationFailuresListEveryField() throws Exception {
        post("{\"pain\": 11, \"rom\": [{\"joint\": \"SHOULDER\", \"movement\": \"FLEXION\", \"degrees\": -5},"
                + " {\"joint\": \"KNEE\", \"movement\": \"ABDUCTION\", \"degrees\": 10}]}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("at", "pain", "rom[0].degrees", "rom[1].movement")));
    }

    @Test
    void anOversizeBodyIs413() throws Exception {
        post("{\"pain\": 3, \"padding\": \"" + "x".repeat(70_000) + "\"}")
                .andExpect(status().isPayloadTooLarge())
                .andExpect(content().string(containsString("payload-too-large")));
    }

    @Test
    void aMalformedIdIs400AndAnUnknownOne404() throws Exception {
        mvc.perform(get("/things/not-a-uuid")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("thingId"));
        mvc.perform(get("/things/" + UUID.randomUUID())).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/problems/thing-not-found"));
    }

    @Test
    void aStoreOutOfReachIsA503NotA500() throws Exception {
        for (String path : List.of("/store-down", "/store-down-raw")) {
            mvc.perform(get(path)).andExpect(status().isServiceUnavailable())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("/problems/store-unavailable"))
                    .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header().string("Retry-After", "5"));
        }
    }

    @Test
    void anUnexpectedFailureSaysNothingOfItsCause() throws Exception {
        mvc.perform(get("/boom")).andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.type").value("/problems/internal"))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString("secret"))));
    }

    private org.springframework.test.web.servlet.ResultActions post(String json) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/echo")
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
