package dev.knotless.intake.patient;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A registered patient as the API shows it; email and phone are null when not given. */
public record PatientView(
        UUID patientId,
        String clinicId,
        String givenName,
        String familyName,
        LocalDate dateOfBirth,
        String email,
        String phone,
        Instant registeredAt) {
}
