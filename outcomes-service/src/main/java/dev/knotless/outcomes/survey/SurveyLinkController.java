package dev.knotless.outcomes.survey;

import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SurveyLinkController {

    private final SurveyLinkService links;

    SurveyLinkController(SurveyLinkService links) {
        this.links = links;
    }

    /** A new one-time link for the follow-up's survey; any earlier link stops working. */
    @PostMapping("/api/follow-ups/{followUpId}/survey-link")
    @ResponseStatus(HttpStatus.CREATED)
    SurveyLink issue(@PathVariable UUID followUpId) {
        return links.issue(followUpId);
    }
}
