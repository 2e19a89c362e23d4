package dev.knotless.session.session;

import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A recorded session as the API shows it.
 *
 * @param needlingClearance the clearance the safety gate saw when the session was recorded
 * @param recordedAt when the session was recorded (startedAt and endedAt may be earlier: back-dated)
 */
record SessionView(
        UUID sessionId,
        UUID patientId,
        String clinicId,
        String therapistId,
        Instant startedAt,
        Instant endedAt,
        List<NeedlingSite> needling,
        List<String> adjuncts,
        int painBefore,
        int painAfter,
        List<RomReading> rom,
        boolean precautionAcknowledged,
        boolean adverseEventReviewed,
        String notes,
        NeedlingClearance needlingClearance,
        Instant recordedAt) {
}
