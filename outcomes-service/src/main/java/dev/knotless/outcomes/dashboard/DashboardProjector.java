package dev.knotless.outcomes.dashboard;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpRepository;
import dev.knotless.outcomes.timeline.ClinicDays;
import dev.knotless.outcomes.timeline.ClinicFiguresSink;
import dev.knotless.outcomes.timeline.FigureChange;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Keeps the clinic dashboard's read model up to date from the events, by key only.
 *
 * <p>{@code clinicDays}, one document per clinic and UTC day ({@code _id} = {@code clinicId|2026-11-30}):
 * <pre>
 * { fu: { &lt;followUpId&gt;: "P" | "C" | "M" },    // per follow-up state, for idempotency; never read by the dashboard
 *   pending: { &lt;followUpId&gt;: closesAt },      // follow-ups not yet final (only those of the last few days)
 *   completed: n, missed: n,                    // follow-ups of the sessions that ended that day
 *   soreness: { H24: { DEEP: { sum, n } } },    // completed answers, per checkpoint and technique of the session
 *   active: { &lt;patientId&gt;: true }, activeCount: n }  // patients whose last session was that day, not discharged since
 * </pre>
 * {@code clinicPatients}, one per clinic: {@code { mcid: { <patientId>: true }, mcidCount: n }}.
 *
 * <p>Each change is one conditional update of one document: the per-key state and the aggregate
 * it feeds change together, and only on a real transition (absent -> pending, not final ->
 * completed or missed, absent -> member, member -> absent). Redelivery therefore never counts
 * twice, and no event ids are kept. An upsert whose condition fails on an existing document
 * collides on {@code _id}: that means "already applied".
 */
@Component
public class DashboardProjector implements ClinicFiguresSink {

    static final String DAYS = "clinicDays";
    static final String PATIENTS = "clinicPatients";

    private static final Logger log = LoggerFactory.getLogger(DashboardProjector.class);

    private final MongoTemplate mongo;
    private final FollowUpRepository followUps;

    DashboardProjector(MongoTemplate mongo, FollowUpRepository followUps) {
        this.mongo = mongo;
        this.followUps = followUps;
    }

    static String dayId(String clinicId, LocalDate day) {
        return clinicId + "|" + day;
    }

    // ---------------------------------------------------------------- follow-ups

    /** Brings the day figures in line with the follow-up document as stored (the scheduler hands over what it stored); idempotent. */
    public void sync(FollowUp followUp) {
        sync(followUp, followUp.status(), followUp.answers() == null ? null : followUp.answers().soreness());
    }

    public void onFollowUp(EventEnvelope event, UUID followUpId, FollowUpStatus status, Integer soreness) {
        followUps.findById(followUpId.toString()).ifPresentOrElse(f -> sync(f, status, soreness),
                () -> log.warn("{} {} names unknown follow-up {}", event.type().wireName(), event.eventId(), followUpId));
    }

    private void sync(FollowUp followUp, FollowUpStatus status, Integer soreness) {
        if (status == null || followUp.sessionEndedAt() == null || followUp.closesAt() == null || followUp.clinicId() == null) {
            return;
        }
        String id = dayId(followUp.clinicId(), ClinicDays.of(followUp.sessionEndedAt()));
        String key = followUp.id().toString();
        switch (status) {
            case SCHEDULED, OPEN -> upsertUnlessApplied(
                    Query.query(Criteria.where("_id").is(id).and("fu." + key).exists(false)),
                    new Update().set("fu." + key, "P").set("pending." + key, Date.from(followUp.closesAt())));
            case COMPLETED, MISSED -> {
                var update = new Update().set("fu." + key, status == FollowUpStatus.COMPLETED ? "C" : "M").unset("pending." + key);
                if (status == FollowUpStatus.MISSED) {
                    update.inc("missed", 1);
                } else {
                    update.inc("completed", 1);
                    if (soreness != null) {
                        for (var technique : followUp.techniques().stream().distinct().toList()) {
                            String sum = "soreness." + followUp.checkpoint() + "." + technique;
                            update.inc(sum + ".sum", soreness).inc(sum + ".n", 1);
                        }
                    }
                }
                upsertUnlessApplied(Query.query(Criteria.where("_id").is(id).and("fu." + key).nin("C", "M")), update, DAYS);
            }
        }
    }

    // ---------------------------------------------------------------- patients

    @Override
    public void apply(String clinicId, UUID patientId, List<FigureChange> changes) {
        String patient = patientId.toString();
        for (FigureChange change : changes) {
            switch (change.kind()) {
                case ACTIVE_ADD -> upsertUnlessApplied(
                        Query.query(Criteria.where("_id").is(dayId(clinicId, LocalDate.parse(change.day()))).and("active." + patient).exists(false)),
                        new Update().set("active." + patient, true).inc("activeCount", 1), DAYS);
                case ACTIVE_REMOVE -> mongo.updateFirst(
                        Query.query(Criteria.where("_id").is(dayId(clinicId, LocalDate.parse(change.day()))).and("active." + patient).exists(true)),
                        new Update().unset("active." + patient).inc("activeCount", -1), DAYS);
                case MCID_ADD -> upsertUnlessApplied(
                        Query.query(Criteria.where("_id").is(clinicId).and("mcid." + patient).exists(false)),
                        new Update().set("mcid." + patient, true).inc("mcidCount", 1), PATIENTS);
                case MCID_REMOVE -> mongo.updateFirst(
                        Query.query(Criteria.where("_id").is(clinicId).and("mcid." + patient).exists(true)),
                        new Update().unset("mcid." + patient).inc("mcidCount", -1), PATIENTS);
            }
        }
    }

    private void upsertUnlessApplied(Query query, Update update) {
        upsertUnlessApplied(query, update, DAYS);
    }

    private void upsertUnlessApplied(Query query, Update update, String collection) {
        // A duplicate key means the document exists and the condition failed: the change was made
        // before. Or a concurrent upsert created the document first: then the second try applies it.
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                mongo.upsert(query, update, collection);
                return;
            } catch (DuplicateKeyException existsAlready) {
                // tried again once: a second duplicate key can only mean "already applied"
            }
        }
    }
}
