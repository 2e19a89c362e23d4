package dev.knotless.outcomes.survey;

import dev.knotless.events.Vocabulary.Checkpoint;
import java.time.Instant;
import java.util.UUID;

/** A freshly issued survey link; the only time the raw token is ever shown. */
record SurveyLink(UUID followUpId, Checkpoint checkpoint, String token, String surveyUrl, Instant opensAt, Instant closesAt) {
}
