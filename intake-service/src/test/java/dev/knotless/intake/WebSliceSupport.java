package dev.knotless.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.validation.ValidationClockConfiguration;
import dev.knotless.testsupport.WebSliceAuthentication;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultActions;

/**
 * What every web slice of this service shares: a fixed "now" that bean validation also uses
 * (@Past, @PastOrPresent), a MockMvc that fails any request answered with a 5xx, the expectations
 * of a problem detail, and the service's security rules with every request made as therapist-a of
 * clinic-a ({@link WebSliceAuthentication}; the services are mocked here).
 */
@TestConfiguration(proxyBeanMethods = false)
@Import({ValidationClockConfiguration.class, WebSliceAuthentication.class})
public class WebSliceSupport {

    public static final Instant NOW = Instant.parse("2026-11-20T15:00:00Z");
    public static final StaffMember THERAPIST_A = WebSliceAuthentication.THERAPIST_A;

    @Bean
    Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    /** Bad input must never be a server error: every request of a slice test is checked. */
    @Bean
    MockMvcBuilderCustomizer neverAServerError() {
        return builder -> builder.alwaysExpect(result -> assertThat(result.getResponse().getStatus())
                .as("status of %s %s", result.getRequest().getMethod(), result.getRequest().getRequestURI())
                .isLessThan(500));
    }

    /** A 400 problem of type invalid-request whose errors name {@code field}. */
    public static void expectInvalid(ResultActions result, String field) throws Exception {
        result.andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[*].field", hasItem(field)));
    }

    public static void expectProblem(ResultActions result, int status, String type) throws Exception {
        result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(type));
    }

    /** {@code body} with {@code from} replaced; fails when {@code from} is not there, so a test cannot silently send the valid body. */
    public static String replace(String body, String from, String to) {
        assertThat(body).as("test body").contains(from);
        return body.replace(from, to);
    }

    /** A syntactically valid JSON body larger than {@code bytes}. */
    public static String oversized(String body, int bytes) {
        String padding = "x".repeat(bytes);
        return body.replaceFirst("\\{", "{ \"padding\": \"" + padding + "\",");
    }
}
