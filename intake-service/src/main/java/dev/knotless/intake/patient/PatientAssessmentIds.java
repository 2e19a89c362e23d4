package dev.knotless.intake.patient;

import java.util.List;

/**
 * A patient with the ids its document holds of its assessments. An id may name an assessment that
 * was never stored (the service stopped between the two writes): readers look them up by key and
 * ignore what they do not find.
 */
public record PatientAssessmentIds(PatientView patient, List<String> assessmentIds, List<String> intakeIds) {

    public PatientAssessmentIds {
        assessmentIds = List.copyOf(assessmentIds);
        intakeIds = List.copyOf(intakeIds);
    }
}
