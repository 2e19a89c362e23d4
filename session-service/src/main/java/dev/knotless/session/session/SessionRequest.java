package dev.knotless.session.session;

import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.RomPhase;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.platform.validation.PlausibleRangeOfMotion;
import dev.knotless.platform.validation.RangeOfMotionReading;
import dev.knotless.platform.web.FieldProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import dev.knotless.platform.validation.PlausibleClinicalTime;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code POST /api/patients/{patientId}/sessions}. Boxed types so that a missing value
 * is reported by name; the two acknowledgements default to false and notes to empty. No
 * {@code therapistId}: the therapist is the token's subject (a body still sending one is a 400 naming it).
 */
record SessionRequest(
        @NotNull @PastOrPresent @PlausibleClinicalTime Instant startedAt,
        @NotNull @PastOrPresent @PlausibleClinicalTime Instant endedAt,
        @NotEmpty @Size(max = 100) List<@NotNull @Valid Needling> needling,
        @Size(max = 20) List<@NotNull @Pattern(regexp = CODE, message = CODE_MESSAGE) String> adjuncts,
        @NotNull @Min(0) @Max(10) Integer painBefore,
        @NotNull @Min(0) @Max(10) Integer painAfter,
        @Size(max = 100) List<@NotNull @Valid Rom> rom,
        Boolean precautionAcknowledged,
        Boolean adverseEventReviewed,
        @Size(max = 2000) String notes) {

    /** Muscle and adjunct codes: upper case, digits and underscores, e.g. UPPER_TRAPEZIUS. */
    static final String CODE = "^[A-Z][A-Z0-9_]{1,63}$";
    static final String CODE_MESSAGE = "must be an upper-case code such as UPPER_TRAPEZIUS (A-Z, 0-9, _; 2 to 64 characters)";

    SessionRequest {
        adjuncts = adjuncts == null ? List.of() : adjuncts;
        rom = rom == null ? List.of() : rom;
        precautionAcknowledged = precautionAcknowledged != null && precautionAcknowledged;
        adverseEventReviewed = adverseEventReviewed != null && adverseEventReviewed;
        notes = notes == null ? "" : notes;
    }

    record Needling(
            @NotNull @Pattern(regexp = CODE, message = CODE_MESSAGE) String muscle,
            @NotNull Side side,
            @NotNull Technique technique,
            @NotNull @Min(1) @Max(20) Integer needles,
            @NotNull @Min(0) @Max(3600) Integer dwellSeconds,
            @NotNull Boolean twitchResponse) {

        NeedlingSite toSite() {
            return new NeedlingSite(muscle, side, technique, needles, dwellSeconds, twitchResponse);
        }
    }

    @PlausibleRangeOfMotion
    record Rom(
            @NotNull Joint joint,
            @NotNull Movement movement,
            @NotNull Side side,
            @NotNull Integer degrees,
            @NotNull RomPhase phase) implements RangeOfMotionReading {

        RomReading toReading() {
            return new RomReading(joint, movement, side, degrees, phase);
        }
    }

    /**
     * The rules across the two timestamps that bean validation cannot express: endedAt after
     * startedAt, and no longer than the configured maximum. Call after bean validation passed.
     */
    Optional<FieldProblem> timingProblem(Duration maxSessionDuration) {
        if (!endedAt.isAfter(startedAt)) {
            return Optional.of(new FieldProblem("endedAt", "must be after startedAt"));
        }
        if (Duration.between(startedAt, endedAt).compareTo(maxSessionDuration) > 0) {
            return Optional.of(new FieldProblem("endedAt",
                    "a session lasts at most " + maxSessionDuration.toMinutes() + " minutes after startedAt"));
        }
        return Optional.empty();
    }
}
