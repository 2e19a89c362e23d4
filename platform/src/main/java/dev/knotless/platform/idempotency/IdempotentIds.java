package dev.knotless.platform.idempotency;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The id of what a POST creates. With an {@code Idempotency-Key} it is derived from the key's scope,
 * the key and the request's fingerprint, so a request carried out a second time (its first run
 * stored the resource but its key was never completed: a crash, or an acknowledgement lost between
 * the write and the key's completion, docs/architecture.md decision 18) collides with the first
 * resource on {@code _id} instead of creating another. Without a key, a random id, as before.
 */
public final class IdempotentIds {

    /** Set by {@link IdempotencyFilter} on a request it runs under a claimed key. */
    static final String REQUEST_ATTRIBUTE = IdempotentIds.class.getName() + ".request";

    private IdempotentIds() {
    }

    /** A new id for a resource of {@code kind} ("patient", "session") created by the current request. */
    public static UUID newId(String kind) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        Object request = attributes == null ? null : attributes.getAttribute(REQUEST_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        return request instanceof String keyed
                ? UUID.nameUUIDFromBytes((kind + ":" + keyed).getBytes(StandardCharsets.UTF_8))
                : UUID.randomUUID();
    }

    static void mark(HttpServletRequest request, String keyId, String fingerprint) {
        request.setAttribute(REQUEST_ATTRIBUTE, keyId + ":" + fingerprint);
    }
}
