package dev.knotless.outcomes.survey;

import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** What a patient sees through the token: no names, no clinical detail (no other PHI). */
record SurveyInfo(Checkpoint checkpoint, LocalDate sessionDate, Instant opensAt, Instant closesAt, FollowUpStatus status) {
}

record SurveyReceipt(UUID followUpId, Checkpoint checkpoint, Instant completedAt) {
}
