package dev.knotless.platform.idempotency;

import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.audit.AuditedAccess;
import dev.knotless.platform.idempotency.IdempotencyStore.Claim;
import dev.knotless.platform.idempotency.IdempotencyStore.Claimed;
import dev.knotless.platform.idempotency.IdempotencyStore.InProgress;
import dev.knotless.platform.idempotency.IdempotencyStore.Replay;
import dev.knotless.platform.idempotency.IdempotencyStore.Reused;
import dev.knotless.platform.security.ProblemResponses;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.security.StaffRequests;
import dev.knotless.platform.web.PayloadTooLargeException;
import dev.knotless.platform.web.ProblemException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on every POST under {@code /api/} (IETF draft httpapi-idempotency-key-header):
 * a client that did not get an answer sends the same request with the same key again and gets the
 * first answer, without the request being carried out twice. Without the header nothing changes.
 *
 * <p>Runs after Spring Security's filters, so the acting person is known: keys are scoped per person
 * and clinic (the verified token's), or for an anonymous request (a survey link) per path. Answers
 * stored: 2xx and the 4xx that do not describe a passing moment; not 404, 409 and 429 (a patient
 * session-service has not heard of yet, the safety gate's lag, a survey not open yet, an open adverse
 * event), which a retry evaluates again, and never a 5xx, whose key is released (the service writes
 * nothing on a 5xx, see docs/architecture.md for where that does not quite hold). An answer marked
 * {@code Cache-Control: no-store} (a survey link's one-time token) is not stored either: the key is
 * released, and a retry issues another link, which replaces the first.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

    static final String REPLAYED = "Idempotent-Replayed";
    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);
    private static final List<String> STORED_HEADERS = List.of(HttpHeaders.LOCATION, HttpHeaders.CONTENT_TYPE);

    private final IdempotencyStore store;
    private final AuditTrail audit;

    /** {@code audit}: null in a service without the audit trail. */
    public IdempotencyFilter(IdempotencyStore store, AuditTrail audit) {
        this.store = store;
        this.audit = audit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !request.getRequestURI().substring(request.getContextPath().length()).startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<String> values = Collections.list(request.getHeaders(IdempotencyKey.HEADER));
        if (values.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        String key = values.size() == 1 ? IdempotencyKey.parse(values.getFirst()) : null;
        if (key == null) {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            response.getWriter().write("{\"type\":\"/problems/invalid-request\",\"title\":\"Invalid request\",\"status\":400,"
                    + "\"detail\":\"" + IdempotencyKey.HEADER + ": " + IdempotencyKey.RULE + "\",\"errors\":[{\"field\":\""
                    + IdempotencyKey.HEADER + "\",\"message\":\"" + IdempotencyKey.RULE + "\"}]}");
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLargeException e) {
            ProblemResponses.write(response, HttpStatus.CONTENT_TOO_LARGE.value(), "payload-too-large", "Request body too large", e.getMessage());
            return;
        }
        String id = IdempotencyStore.id(scopeOf(request), key);
        String fingerprint = fingerprint(request, body);
        Claim claim;
        try {
            claim = store.claim(id, fingerprint);
        } catch (RuntimeException e) {
            log.warn("Idempotency key store unavailable: {}", e.toString());
            ProblemResponses.write(response, HttpStatus.SERVICE_UNAVAILABLE.value(), "idempotency-unavailable", "Service unavailable",
                    "The Idempotency-Key could not be checked, so the request was not carried out; try again shortly with the same key");
            return;
        }
        switch (claim) {
            case Reused reused -> ProblemResponses.write(response, HttpStatus.UNPROCESSABLE_ENTITY.value(), "idempotency-key-reused",
                    "Idempotency-Key reused", "This Idempotency-Key was used for another request (method, path or body); use a new key");
            case InProgress inProgress -> {
                // Normally the first request answers within a second; one that crashed holds the key until its lease passes.
                response.setHeader(HttpHeaders.RETRY_AFTER, "1");
                ProblemResponses.write(response, HttpStatus.CONFLICT.value(), "idempotency-key-in-progress", "Idempotency-Key in progress",
                        "A request with this Idempotency-Key is still being carried out; try again shortly for its answer");
            }
            case Replay replay -> replay(request, response, replay.response());
            case Claimed claimed -> {
                IdempotentIds.mark(request, id, fingerprint); // what it creates gets ids a second run collides with
                run(new CachedBodyRequest(request, body), response, chain, id, claimed.claim());
            }
        }
    }

    private void run(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String id, String claim)
            throws ServletException, IOException {
        var recorded = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(request, recorded);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            release(id, claim);
            throw e;
        }
        int status = recorded.getStatus();
        if (stored(status, recorded)) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : STORED_HEADERS) {
                String value = HttpHeaders.CONTENT_TYPE.equals(name) ? recorded.getContentType() : recorded.getHeader(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
            AuditedAccess access = audit == null ? null : AuditTrail.accessOf(request).orElse(null);
            try {
                if (!store.complete(id, claim, new StoredResponse(status, headers, recorded.getContentAsByteArray(), access))) {
                    log.warn("Idempotency key taken over before its request answered (the request outlived its lease)");
                }
            } catch (RuntimeException e) {
                // The work is done; the key stays claimed, so a retry is a 409 until the lease passes, then runs again.
                log.warn("Idempotency key could not be completed: {}", e.toString());
            }
        } else {
            release(id, claim);
        }
        recorded.copyBodyToResponse();
    }

    /** 2xx and the 4xx that stay true; nothing a retry should evaluate again, nothing that must not be kept. */
    static boolean stored(int status, HttpServletResponse response) {
        boolean outcome = (status >= 200 && status < 300)
                || (status >= 400 && status < 500 && status != 404 && status != 409 && status != 429);
        String cacheControl = response.getHeader(HttpHeaders.CACHE_CONTROL);
        return outcome && (cacheControl == null || !cacheControl.contains("no-store"));
    }

    private void release(String id, String claim) {
        try {
            store.release(id, claim);
        } catch (RuntimeException e) {
            // Held until its lease passes: a retry meanwhile is a 409 with Retry-After.
            log.warn("Idempotency key could not be released: {}", e.toString());
        }
    }

    private void replay(HttpServletRequest request, HttpServletResponse response, StoredResponse stored) throws IOException {
        if (audit != null && stored.access() != null) {
            try {
                if (!audit.replayed(request, stored.access())) {
                    ProblemResponses.write(response, HttpStatus.FORBIDDEN.value(), "forbidden", "Forbidden",
                            "The answer stored for this Idempotency-Key is not yours to see");
                    return;
                }
            } catch (ProblemException e) {
                ProblemDetail problem = e.toProblemDetail();
                ProblemResponses.write(response, problem.getStatus(), problem.getType().getPath().replace("/problems/", ""),
                        problem.getTitle(), problem.getDetail());
                return;
            }
        }
        response.setStatus(stored.status());
        stored.headers().forEach((name, value) -> {
            if (HttpHeaders.CONTENT_TYPE.equals(name)) {
                response.setContentType(value);
            } else {
                response.setHeader(name, value);
            }
        });
        response.setHeader(REPLAYED, "true");
        response.setContentLength(stored.body().length);
        response.getOutputStream().write(stored.body());
    }

    /** Per person and clinic (a person moved to another clinic does not get the old clinic's answers); anonymous: per path. */
    static String scopeOf(HttpServletRequest request) {
        StaffMember staff = StaffRequests.of(request);
        return staff != null ? "staff\n" + staff.subject() + "\n" + staff.clinicId() : "path\n" + request.getRequestURI();
    }

    /** SHA-256 of method, path (with its query) and body. */
    static String fingerprint(HttpServletRequest request, byte[] body) {
        String target = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        byte[] head = (request.getMethod() + "\n" + target + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return IdempotencyStore.sha256(all);
    }

    /** The request with its body already read (for the fingerprint), served again to the controller. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            var bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
