package dev.knotless.platform.audit;

import dev.knotless.platform.security.StaffRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Wraps every audited request, ahead of the security filters so that refused requests (no token,
 * a bad one, a role that may not) are recorded too: gives it a request id (the caller's
 * {@code X-Request-Id} when it is a plausible one, else a new one, returned either way) and, once the
 * response is known, writes its outcome record. The attempt record is the service's, through
 * {@link AuditTrail#permits}.
 */
public class AuditFilter extends OncePerRequestFilter {

    public static final String REQUEST_ID = "X-Request-Id";

    private static final Pattern PLAUSIBLE_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");

    private final AuditStore store;
    private final List<String> paths;
    private final List<String> redactedPaths;
    private final AntPathMatcher matcher = new AntPathMatcher();

    public AuditFilter(AuditStore store, List<String> paths) {
        this(store, paths, List.of());
    }

    /** {@code redactedPaths}: patterns of paths that carry a credential; such a request is recorded under the pattern. */
    public AuditFilter(AuditStore store, List<String> paths, List<String> redactedPaths) {
        this.store = store;
        this.paths = List.copyOf(paths);
        this.redactedPaths = List.copyOf(redactedPaths);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return paths.stream().noneMatch(pattern -> matcher.match(pattern, path));
    }

    /** The request's path, or for a path that carries a credential (a survey token) the pattern it matched. */
    String recordedPath(HttpServletRequest request) {
        String path = request.getRequestURI();
        String withinApplication = path.substring(request.getContextPath().length());
        return redactedPaths.stream().filter(pattern -> matcher.match(pattern, withinApplication)).findFirst()
                .map(pattern -> request.getContextPath() + pattern)
                .orElse(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String incoming = request.getHeader(REQUEST_ID);
        String requestId = incoming != null && PLAUSIBLE_ID.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
        // The record's own key is ours: a caller re-sending a request id must not make its access collide with another's.
        var context = new AuditContext(UUID.randomUUID().toString(), requestId, request.getRemoteAddr(), request.getMethod(),
                recordedPath(request));
        request.setAttribute(AuditContext.ATTRIBUTE, context);
        response.setHeader(REQUEST_ID, requestId);
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            if (context.staff == null) {
                context.staff = StaffRequests.of(request);
            }
            int status = failed && response.getStatus() < 400 ? 500 : response.getStatus();
            // Queued, not awaited: the attempt, where there was an access, is stored by now.
            store.recordOutcome(context, status);
        }
    }
}
