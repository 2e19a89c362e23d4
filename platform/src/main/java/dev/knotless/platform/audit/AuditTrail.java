package dev.knotless.platform.audit;

import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.security.StaffRequests;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * What services call before they hand out or change patient data: clinic isolation and the audit
 * record in one step, so that neither can be forgotten without the other.
 *
 * <pre>{@code
 * PatientDocument patient = patients.findById(id).orElse(null);
 * if (!audit.permits(AuditAction.READ, "patient", id, id, patient == null ? null : patient.clinicId)) {
 *     throw ProblemException.notFound("patient", id);   // another clinic's: the same 404 as an unknown id
 * }
 * }</pre>
 *
 * An unknown resource and another clinic's take the same path (a lookup, no record, the caller's
 * 404); the request's outcome record says what was asked for and that it was refused. A permitted
 * access first writes its attempt record and throws a 503 problem if it cannot (fail closed), so the
 * caller writes or answers nothing without it.
 */
public class AuditTrail {

    private final AuditStore store;

    public AuditTrail(AuditStore store) {
        this.store = store;
    }

    /**
     * Whether the acting staff member may {@code action} this resource of {@code ownerClinic} (null:
     * nobody's, unknown). True after its attempt was recorded; false when it is unknown or another
     * clinic's; a 503 problem when the record cannot be written.
     */
    public boolean permits(AuditAction action, String resourceType, Object resourceId, Object patientId, String ownerClinic) {
        return permits(context(), StaffRequests.current(), action, resourceType, resourceId, patientId, ownerClinic);
    }

    private boolean permits(AuditContext context, StaffMember staff, AuditAction action, String resourceType, Object resourceId,
                            Object patientId, String ownerClinic) {
        if (context != null) {
            context.staff = staff != null ? staff : context.staff;
            context.action = action;
            context.resourceType = resourceType;
            context.resourceId = resourceId == null ? null : resourceId.toString();
            context.patientId = patientId == null ? null : patientId.toString();
            // Filed under the clinic whose data it is, even when refused: its admins see the attempts on it.
            context.ownerClinic = ownerClinic;
        }
        if (staff == null || ownerClinic == null || !staff.sees(ownerClinic)) {
            return false;
        }
        if (context != null && !context.attemptRecorded) {
            store.recordAttempt(context);
        }
        return true;
    }

    /**
     * For an anonymous survey request: the follow-up whose link was used stands for the actor, and
     * its attempt is recorded before the survey is shown or answered (fail closed as above).
     */
    public void surveyAccess(AuditAction action, String followUpId, Object patientId, String ownerClinic) {
        surveyAccess(context(), action, followUpId, patientId, ownerClinic);
    }

    private void surveyAccess(AuditContext context, AuditAction action, String followUpId, Object patientId, String ownerClinic) {
        if (context == null) {
            return;
        }
        context.followUpId = followUpId;
        context.action = action;
        context.resourceType = "survey";
        context.resourceId = followUpId;
        context.patientId = patientId == null ? null : patientId.toString();
        context.ownerClinic = ownerClinic;
        if (!context.attemptRecorded) {
            store.recordAttempt(context);
        }
    }

    /** What {@code request} recorded as its access (its attempt record), if it recorded one. */
    public static Optional<AuditedAccess> accessOf(HttpServletRequest request) {
        AuditContext context = AuditContext.of(request);
        if (context == null || !context.attemptRecorded) {
            return Optional.empty();
        }
        return Optional.of(new AuditedAccess(context.action, context.resourceType, context.resourceId, context.patientId,
                context.ownerClinic, context.followUpId));
    }

    /**
     * An answer stored for an {@code Idempotency-Key} is about to be sent again: that hands out the
     * data of {@code access} (the first request's) once more, so it is recorded as a READ of the same
     * resource, before the answer goes out, failing closed like {@link #permits} (a 503 problem when
     * the record cannot be written). False when the acting person may not see it (the key's scope
     * makes that unlikely: it includes the person and their clinic).
     */
    public boolean replayed(HttpServletRequest request, AuditedAccess access) {
        AuditContext context = AuditContext.of(request);
        if (access.followUpId() != null) {
            surveyAccess(context, AuditAction.READ, access.followUpId(), access.patientId(), access.ownerClinic());
            return true;
        }
        return permits(context, StaffRequests.of(request), AuditAction.READ, access.resourceType(), access.resourceId(),
                access.patientId(), access.ownerClinic());
    }

    private static AuditContext context() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet) {
            HttpServletRequest request = servlet.getRequest();
            return AuditContext.of(request);
        }
        return null;
    }
}
