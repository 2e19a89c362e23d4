package dev.knotless.platform.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The acting staff member of a request: from the security context while the request is handled,
 * and from a request attribute afterwards (the audit trail writes a request's outcome once the
 * security filters have cleared the context).
 */
public final class StaffRequests {

    static final String ATTRIBUTE = StaffMember.class.getName();

    private StaffRequests() {
    }

    /** The authenticated staff member, or null (no token, or an anonymous path). */
    public static StaffMember current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof StaffAuthentication staff ? staff.staff() : null;
    }

    /** The staff member the request was authenticated as, or null; also after the security filters ran. */
    public static StaffMember of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof StaffMember staff ? staff : current();
    }

    /** Runs after bearer authentication: keeps the staff member on the request. */
    static final class Capture extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            StaffMember staff = current();
            if (staff != null) {
                request.setAttribute(ATTRIBUTE, staff);
            }
            chain.doFilter(request, response);
        }
    }
}
