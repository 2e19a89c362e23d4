package dev.knotless.outcomes.survey;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.outcomes.WebSliceSecurity;
import org.springframework.context.annotation.Import;
import dev.knotless.events.Vocabulary.Checkpoint;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

@WebMvcTest({SurveyController.class, SurveyLinkController.class})
@Import(WebSliceSecurity.class)
class SurveyWebTest {

    private static final String VALID = """
            { "soreness": 3, "pain": 2, "bruising": false, "fatigue": false, "lightheaded": false,
              "adverseEvent": { "severity": "NONE", "description": "" }, "comment": "" }""";

    @Autowired
    MockMvc mvc;
    @MockitoBean
    SurveyService surveys;
    @MockitoBean
    SurveyLinkService links;

    private ResultActions submit(String body) throws Exception {
        return mvc.perform(post("/api/surveys/{token}", "some-token").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private static String with(String field, String value) {
        if (field.equals("adverseEvent")) {
            return VALID.replaceFirst("\"adverseEvent\": \\{[^}]*}", "\"adverseEvent\": " + value);
        }
        return VALID.replaceFirst("\"" + field + "\": [^,}]+", "\"" + field + "\": " + value);
    }

    private static String without(String field) {
        return VALID.replaceFirst("\"" + field + "\": [^,}]+,", "");
    }

    @Test
    void aValidAnswerIsCreated() throws Exception {
        var followUpId = UUID.randomUUID();
        when(surveys.submit(eq("some-token"), any())).thenReturn(new SurveyReceipt(followUpId, Checkpoint.H24, Instant.parse("2026-11-21T15:00:00Z")));

        submit(VALID).andExpect(status().isCreated())
                .andExpect(jsonPath("$.followUpId").value(followUpId.toString()))
                .andExpect(jsonPath("$.checkpoint").value("H24"))
                .andExpect(jsonPath("$.completedAt").value("2026-11-21T15:00:00Z"));
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        submit("{ \"soreness\": 3, ").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/malformed-json"));
        verifyNoInteractions(surveys);
    }

    @Test
    void aMissingBodyIsABadRequest() throws Exception {
        mvc.perform(post("/api/surveys/{token}", "some-token").contentType(MediaType.APPLICATION_JSON))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/malformed-json"));
        verifyNoInteractions(surveys);
    }

    @ParameterizedTest(name = "{0} = {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "soreness | 11           | soreness",
            "soreness | -1           | soreness",
            "soreness | '\"three\"'  | soreness",
            "soreness | 2.5          | soreness",
            "soreness | null         | soreness",
            "pain     | 11           | pain",
            "pain     | '\"x\"'      | pain",
            "bruising | '\"yes\"'    | bruising",
            "bruising | null         | bruising",
            "fatigue  | 3            | fatigue",
            "lightheaded | null      | lightheaded",
            "adverseEvent | null     | adverseEvent",
            "adverseEvent | '\"NONE\"' | adverseEvent",
            "comment  | {}           | comment",
            "comment  | [1]          | comment",
            "comment  | 42           | comment",
            "adverseEvent | {\"severity\": \"MINOR\", \"description\": 5} | adverseEvent.description",
    })
    void aBadAnswerIsABadRequestNamingTheField(String field, String value, String named) throws Exception {
        submit(with(field, value)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value(named));
        verifyNoInteractions(surveys);
    }

    @ParameterizedTest(name = "without {0}")
    @CsvSource({"soreness", "pain", "bruising", "fatigue", "lightheaded"})
    void aMissingAnswerIsNamed(String field) throws Exception {
        submit(without(field)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value(field));
        verifyNoInteractions(surveys);
    }

    @Test
    void anUnknownSeverityNamesItsPath() throws Exception {
        submit(VALID.replace("\"NONE\"", "\"CATASTROPHIC\"")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("adverseEvent.severity"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of NONE, MINOR, SIGNIFICANT"));
        verifyNoInteractions(surveys);
    }

    @Test
    void aMissingSeverityIsNamed() throws Exception {
        submit(VALID.replace("\"severity\": \"NONE\", ", "")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("adverseEvent.severity"));
        verifyNoInteractions(surveys);
    }

    @Test
    void freeTextOver1000CharactersIsRefused() throws Exception {
        String long1001 = "\"" + "a".repeat(1001) + "\"";
        submit(with("comment", long1001)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("comment"));
        submit(VALID.replace("\"description\": \"\"", "\"description\": " + long1001)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("adverseEvent.description"));
        verifyNoInteractions(surveys);
    }

    @Test
    void exactly1000CharactersAreAccepted() throws Exception {
        when(surveys.submit(any(), any())).thenReturn(new SurveyReceipt(UUID.randomUUID(), Checkpoint.H24, Instant.now()));
        submit(with("comment", "\"" + "a".repeat(1000) + "\"")).andExpect(status().isCreated());
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        submit(with("comment", "\"" + "a".repeat(70_000) + "\"")).andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.type").value("/problems/payload-too-large"));
        verifyNoInteractions(surveys);
    }

    @Test
    void anUnknownTokenIsNotFound() throws Exception {
        when(surveys.describe("nope")).thenThrow(SurveyProblems.unknownToken());

        mvc.perform(get("/api/surveys/{token}", "nope")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/problems/survey-not-found"));
    }

    @Test
    void aClosedSurveyIsGone() throws Exception {
        when(surveys.submit(eq("some-token"), any())).thenThrow(SurveyProblems.closed(org.springframework.http.HttpStatus.GONE));

        submit(VALID).andExpect(status().isGone()).andExpect(jsonPath("$.type").value("/problems/survey-closed"));
    }

    @Test
    void aMalformedFollowUpIdForALinkIsABadRequestNamingIt() throws Exception {
        mvc.perform(post("/api/follow-ups/{id}/survey-link", "12345")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("followUpId"));
        verifyNoInteractions(links);
    }

    @Test
    void anIssuedLinkIsCreatedAndNotCached() throws Exception {
        var followUpId = UUID.randomUUID();
        when(links.issue(followUpId)).thenReturn(new SurveyLink(followUpId, Checkpoint.H48, "tok", "http://localhost:8080/api/surveys/tok",
                Instant.parse("2026-11-22T14:45:00Z"), Instant.parse("2026-11-23T14:45:00Z")));

        mvc.perform(post("/api/follow-ups/{id}/survey-link", followUpId)).andExpect(status().isCreated())
                .andExpect(jsonPath("$.token").value("tok"))
                .andExpect(jsonPath("$.surveyUrl").value("http://localhost:8080/api/surveys/tok"))
                .andExpect(jsonPath("$.checkpoint").value("H48"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header().string("Cache-Control", "no-store"));
    }
}
