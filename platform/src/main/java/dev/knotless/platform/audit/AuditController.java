package dev.knotless.platform.audit;

import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.web.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/clinics/{clinicId}/audit?patientId=&from=&to=&limit=&cursor=}: this service's part
 * of a clinic's audit trail, for the clinic's admins (the security rules refuse other roles with
 * 403). Another clinic is a 404, as if it did not exist. {@code to} defaults to now and {@code from}
 * to a day before it; {@code to} is exclusive.
 */
@RestController
public class AuditController {

    static final int MAX_LIMIT = 500;

    private final AuditStore store;
    private final AuditTrail trail;
    private final Clock clock;

    public AuditController(AuditStore store, AuditTrail trail, Clock clock) {
        this.store = store;
        this.trail = trail;
        this.clock = clock;
    }

    @GetMapping("/api/clinics/{clinicId}/audit")
    AuditPage audit(@AuthenticationPrincipal StaffMember staff, @PathVariable String clinicId,
                    @RequestParam(required = false) UUID patientId,
                    @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                    @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String cursor) {
        // {@code to} is exclusive; by default everything recorded until now, this request's own attempt too.
        Instant end = to != null ? to : clock.instant().plusMillis(1);
        Instant start = from != null ? from : end.minus(Duration.ofDays(1));
        if (!start.isBefore(end)) {
            throw ProblemException.invalidField("from", "must be before to");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        // The query is an access too: recorded, and only to the clinic's own admins.
        if (!trail.permits(AuditAction.READ, "audit", clinicId, patientId, staff != null && staff.sees(clinicId) ? clinicId : null)) {
            throw ProblemException.notFound("clinic", clinicId);
        }
        store.flush(); // the outcomes of requests answered before this one are in the page
        return store.page(clinicId, patientId == null ? null : patientId.toString(), start, end, limit, cursor);
    }
}
