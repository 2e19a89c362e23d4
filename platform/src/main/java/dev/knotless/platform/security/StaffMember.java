package dev.knotless.platform.security;

import java.util.Objects;

/**
 * The person acting, from a verified access token: {@code sub}, {@code role} and {@code clinic_id}
 * (null only for an operator). The acting person and the clinic of a request come from here, never
 * from its body.
 */
public record StaffMember(String subject, Role role, String clinicId) {

    public StaffMember {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
        if (role != Role.OPERATOR) {
            Objects.requireNonNull(clinicId, "clinicId of a " + role);
        }
    }

    /** Whether this person may see data of {@code clinicId}: only their own clinic's, and operators none. */
    public boolean sees(String clinicId) {
        return role != Role.OPERATOR && this.clinicId != null && this.clinicId.equals(clinicId);
    }
}
