package dev.knotless.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** A path that carries a credential (a survey link's token) never reaches the audit record. */
class AuditFilterTest {

    private final AuditFilter filter = new AuditFilter(null, List.of("/api/**"), List.of("/api/surveys/{token}", "/api/surveys/**"));

    @Test
    void aPathThatCarriesATokenIsRecordedUnderItsPattern() {
        assertThat(filter.recordedPath(new MockHttpServletRequest("POST", "/api/surveys/q3xJ0v8sYk2mPz7RcWbN4tLhGd9uEa6F")))
                .isEqualTo("/api/surveys/{token}");
        assertThat(filter.recordedPath(new MockHttpServletRequest("GET", "/api/surveys/q3xJ0v8sYk2m/more")))
                .isEqualTo("/api/surveys/**");
    }

    @Test
    void anyOtherPathIsRecordedAsIs() {
        assertThat(filter.recordedPath(new MockHttpServletRequest("GET", "/api/patients/4a0c1d6e-0000-4000-8000-000000000001")))
                .isEqualTo("/api/patients/4a0c1d6e-0000-4000-8000-000000000001");
        assertThat(new AuditFilter(null, List.of("/api/**")).recordedPath(new MockHttpServletRequest("GET", "/api/surveys/abc")))
                .as("nothing redacted unless configured").isEqualTo("/api/surveys/abc");
    }

    @Test
    void theContextPathIsKept() {
        var request = new MockHttpServletRequest("GET", "/knotless/api/surveys/abc");
        request.setContextPath("/knotless");
        assertThat(filter.recordedPath(request)).isEqualTo("/knotless/api/surveys/{token}");
    }
}
