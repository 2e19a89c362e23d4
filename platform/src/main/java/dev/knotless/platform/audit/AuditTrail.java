package dev.knotless.platform.audit;

import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.security.StaffRequests;
import jakarta.servlet.http.HttpServletRequest;
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
        StaffMember staff = StaffRequests.current();
        AuditContext context = context();
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
        AuditContext context = context();
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

    private static AuditContext context() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet) {
            HttpServletRequest request = servlet.getRequest();
            return AuditContext.of(request);
        }
        return null;
    }
}
