package dev.knotless.outcomes.survey;

import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SurveyLinkController {

    private final SurveyLinkService links;

    SurveyLinkController(SurveyLinkService links) {
        this.links = links;
    }

    /** A new one-time link for the follow-up's survey; any earlier link stops working. The token is a credential: not cached. */
    @PostMapping("/api/follow-ups/{followUpId}/survey-link")
    ResponseEntity<SurveyLink> issue(@PathVariable UUID followUpId) {
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore()).body(links.issue(followUpId));
    }
}
