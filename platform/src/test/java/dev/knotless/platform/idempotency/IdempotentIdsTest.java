package dev.knotless.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Ids derived from a claimed key: the same for a second run of the same request, different otherwise. */
class IdempotentIdsTest {

    @AfterEach
    void unbind() {
        RequestContextHolder.resetRequestAttributes();
    }

    @Test
    void aKeyedRequestGetsTheSameIdEachRunAndAnythingElseAFreshOne() {
        var first = keyed("key-id", "fingerprint-1");
        assertThat(IdempotentIds.newId("patient")).isEqualTo(first).isNotEqualTo(IdempotentIds.newId("session"));
        assertThat(keyed("key-id", "fingerprint-2")).as("another body").isNotEqualTo(first);
        assertThat(keyed("other-key", "fingerprint-1")).as("another key").isNotEqualTo(first);

        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest()));
        assertThat(IdempotentIds.newId("patient")).as("no key").isNotEqualTo(IdempotentIds.newId("patient"));
        RequestContextHolder.resetRequestAttributes();
        assertThat(IdempotentIds.newId("patient")).as("no request").isNotEqualTo(IdempotentIds.newId("patient"));
    }

    private static java.util.UUID keyed(String keyId, String fingerprint) {
        var request = new MockHttpServletRequest();
        IdempotentIds.mark(request, keyId, fingerprint);
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        return IdempotentIds.newId("patient");
    }
}
