package dev.knotless.outcomes.followup;

import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.platform.outbox.OutboxMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One follow-up survey of a session (collection {@code followups}), the aggregate whose outbox
 * carries FollowUpOpened, FollowUpCompleted, FollowUpMissed and the AlertRaised events its answers
 * or its silence cause. Keeps what the dashboard needs about the session so no other collection
 * has to be joined. The survey token is stored only as its SHA-256 hash.
 */
@Document(FollowUp.COLLECTION)
public class FollowUp {

    public static final String COLLECTION = "followups";

    @Id
    private String id;
    @Version
    private Long version;
    private String sessionId;
    private String patientId;
    private String clinicId;
    private Checkpoint checkpoint;
    private Instant sessionEndedAt;
    private List<Technique> techniques = new ArrayList<>();
    private Instant opensAt;
    private Instant closesAt;
    private FollowUpStatus status;
    private String tokenHash;
    private Instant surveyLinkIssuedAt;
    private Instant completedAt;
    private Instant closedAt;
    private FollowUpAnswers answers;
    /**
     * What the clinic's day figures already contain for this follow-up: null, "P" (scheduled) or
     * "C" (completed). Written only by the dashboard's projector, after the day document counted it,
     * by a conditional update that raises the version (so a save of an older copy cannot undo it).
     */
    private String dayCounted;
    private List<OutboxMessage> outbox = new ArrayList<>();

    FollowUp() {
    }

    /** A new follow-up, not yet given a status: {@link FollowUpLifecycle#advance} gives it the one of the present. */
    static FollowUp schedule(UUID sessionId, UUID patientId, String clinicId, Checkpoint checkpoint, Instant sessionEndedAt,
                             List<Technique> techniques, FollowUpWindow window) {
        var followUp = new FollowUp();
        followUp.id = idOf(sessionId, checkpoint).toString();
        followUp.sessionId = sessionId.toString();
        followUp.patientId = patientId.toString();
        followUp.clinicId = clinicId;
        followUp.checkpoint = checkpoint;
        followUp.sessionEndedAt = sessionEndedAt;
        followUp.techniques = new ArrayList<>(techniques);
        followUp.opensAt = window.opensAt();
        followUp.closesAt = window.closesAt();
        return followUp;
    }

    /** Deterministic, so a redelivered SessionRecorded finds the follow-up it already created. */
    public static UUID idOf(UUID sessionId, Checkpoint checkpoint) {
        return UUID.nameUUIDFromBytes(("follow-up:" + sessionId + ":" + checkpoint).getBytes(StandardCharsets.UTF_8));
    }

    public FollowUpWindow window() {
        return new FollowUpWindow(opensAt, closesAt);
    }

    /** The status that matches {@code now}, whether or not the sweep has recorded it yet. */
    public FollowUpStatus statusAt(Instant now) {
        if (status == FollowUpStatus.COMPLETED || status == FollowUpStatus.MISSED) {
            return status;
        }
        return window().statusAt(now, false);
    }

    void moveTo(FollowUpStatus next, Instant closedAt) {
        this.status = next;
        if (next == FollowUpStatus.MISSED) {
            this.closedAt = closedAt;
        }
    }

    /** Replaces any earlier token: only the newest link works. */
    public void issueSurveyLink(String tokenHash, Instant now) {
        this.tokenHash = tokenHash;
        this.surveyLinkIssuedAt = now;
    }

    public void complete(FollowUpAnswers answers, Instant now) {
        if (status != FollowUpStatus.OPEN) {
            throw new IllegalStateException("only an OPEN follow-up can be completed, this one is " + status);
        }
        this.status = FollowUpStatus.COMPLETED;
        this.answers = answers;
        this.completedAt = now;
    }

    public void stage(OutboxMessage message) {
        outbox.add(message);
    }

    public UUID id() {
        return UUID.fromString(id);
    }

    public UUID sessionId() {
        return UUID.fromString(sessionId);
    }

    public UUID patientId() {
        return UUID.fromString(patientId);
    }

    public String clinicId() {
        return clinicId;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public Instant sessionEndedAt() {
        return sessionEndedAt;
    }

    public List<Technique> techniques() {
        return List.copyOf(techniques);
    }

    public Instant opensAt() {
        return opensAt;
    }

    public Instant closesAt() {
        return closesAt;
    }

    /** The status as last recorded; see {@link #statusAt(Instant)} for the one of the present. */
    public FollowUpStatus status() {
        return status;
    }

    public String tokenHash() {
        return tokenHash;
    }

    public Instant surveyLinkIssuedAt() {
        return surveyLinkIssuedAt;
    }

    public Instant completedAt() {
        return completedAt;
    }

    public Instant closedAt() {
        return closedAt;
    }

    public FollowUpAnswers answers() {
        return answers;
    }

    public String dayCounted() {
        return dayCounted;
    }

    public List<OutboxMessage> outbox() {
        return List.copyOf(outbox);
    }

    public Long version() {
        return version;
    }
}
