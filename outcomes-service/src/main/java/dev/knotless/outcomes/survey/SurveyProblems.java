package dev.knotless.outcomes.survey;

import dev.knotless.platform.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The refusals of the survey endpoints, one problem type each. */
final class SurveyProblems {

    private SurveyProblems() {
    }

    static ProblemException unknownToken() {
        return new ProblemException(HttpStatus.NOT_FOUND, "survey-not-found", "Survey not found",
                "This survey link is unknown or was replaced by a newer one");
    }

    static ProblemException alreadySubmitted() {
        return new ProblemException(HttpStatus.CONFLICT, "survey-already-submitted", "Survey already submitted",
                "This survey has already been answered");
    }

    static ProblemException notOpen() {
        return new ProblemException(HttpStatus.CONFLICT, "survey-not-open", "Survey not open yet",
                "This survey cannot be answered before its window opens");
    }

    static ProblemException closed(HttpStatus status) {
        return new ProblemException(status, "survey-closed", "Survey closed",
                "The window of this survey has closed");
    }
}
