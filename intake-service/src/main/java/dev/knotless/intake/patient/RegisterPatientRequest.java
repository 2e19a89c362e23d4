package dev.knotless.intake.patient;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/**
 * The body of {@code POST /api/patients}. Email and phone are optional; an empty string counts as
 * not given (what a form with an untouched field sends). The clinic is the acting staff member's,
 * from the token: {@code clinicId} may be left out, and if given must be that clinic (else 403).
 */
record RegisterPatientRequest(
        @Pattern(regexp = CLINIC_ID, message = CLINIC_ID_MESSAGE) String clinicId,
        @NotBlank @Size(max = 100) String givenName,
        @NotBlank @Size(max = 100) String familyName,
        @NotNull @Past @NotBefore("1900-01-01") LocalDate dateOfBirth,
        @Email @Size(max = 254) String email,
        @Pattern(regexp = PHONE, message = PHONE_MESSAGE) String phone) {

    static final String CLINIC_ID = "^[a-z0-9][a-z0-9-]{1,62}$";
    static final String CLINIC_ID_MESSAGE = "must be 2 to 63 lower-case letters, digits or '-', starting with a letter or digit";
    static final String PHONE = "^\\+?[0-9 ()-]{5,20}$";
    static final String PHONE_MESSAGE = "must be a phone number: an optional '+', then 5 to 20 digits, spaces, '(', ')' or '-'";

    RegisterPatientRequest {
        email = blankToNull(email);
        phone = blankToNull(phone);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
