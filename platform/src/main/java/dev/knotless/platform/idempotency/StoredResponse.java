package dev.knotless.platform.idempotency;

import dev.knotless.platform.audit.AuditedAccess;
import java.util.Map;

/**
 * The first answer to a key, as it is sent again: status, the headers that matter to a client
 * ({@code Location}, {@code Content-Type}), the body bytes, and what the request recorded in the
 * audit trail (null if nothing), so that the replay is recorded as an access too.
 */
record StoredResponse(int status, Map<String, String> headers, byte[] body, AuditedAccess access) {

    StoredResponse {
        headers = Map.copyOf(headers);
    }
}
