package dev.knotless.outcomes.survey;

import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The patient's side: no login, the token in the link is the credential. */
@RestController
class SurveyController {

    private final SurveyService surveys;

    SurveyController(SurveyService surveys) {
        this.surveys = surveys;
    }

    @GetMapping("/api/surveys/{token}")
    SurveyInfo describe(@PathVariable String token) {
        return surveys.describe(token);
    }

    @PostMapping("/api/surveys/{token}")
    @ResponseStatus(HttpStatus.CREATED)
    SurveyReceipt submit(@PathVariable String token, @Valid @RequestBody SurveySubmission submission) {
        return surveys.submit(token, submission);
    }
}
