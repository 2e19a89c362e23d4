package dev.knotless.platform.audit;

import dev.knotless.platform.security.StaffMember;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;

/**
 * What the audit trail knows of one request while it runs: who, from where, under which request
 * id, and once the service said so, what it touched. Held as a request attribute; one request is
 * handled by one thread at a time.
 */
final class AuditContext {

    static final String ATTRIBUTE = AuditContext.class.getName();

    final String requestKey;
    final String requestId;
    final String clientAddress;
    final String method;
    final String path;
    StaffMember staff;
    String followUpId;
    AuditAction action;
    String resourceType;
    String resourceId;
    String patientId;
    /** The clinic whose data it is, where the service found it; the record is filed under it. */
    String ownerClinic;
    /** Set with the first record: the bucket (clinic and hour) and the request's number in it. */
    Instant at;
    String bucket;
    String hour;
    long seq;
    boolean attemptRecorded;

    AuditContext(String requestKey, String requestId, String clientAddress, String method, String path) {
        this.requestKey = requestKey;
        this.requestId = requestId;
        this.clientAddress = clientAddress;
        this.method = method;
        this.path = path;
    }

    static AuditContext of(HttpServletRequest request) {
        return request == null ? null : (AuditContext) request.getAttribute(ATTRIBUTE);
    }

    boolean numbered() {
        return bucket != null;
    }
}
