package dev.knotless.intake;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Registers patients and records their intake (with the needling clearance) and re-assessments.
 * The owner of patient identity: names and contact details never leave this service; it publishes
 * PatientRegistered, IntakeCompleted and AssessmentRecorded on knotless.intake.v1 through the outbox.
 */
@SpringBootApplication
public class IntakeServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(IntakeServiceApplication.class, args);
    }
}
