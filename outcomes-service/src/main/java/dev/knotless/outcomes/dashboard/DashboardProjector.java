package dev.knotless.outcomes.dashboard;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpRepository;
import dev.knotless.outcomes.timeline.ClinicDays;
import dev.knotless.outcomes.timeline.ClinicFiguresSink;
import dev.knotless.outcomes.timeline.FigureChange;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>{@code clinicDays}, one document per clinic and UTC day of session end ({@code _id} =
 * {@code clinicId|2026-11-30}), of bounded size whatever the number of that day's follow-ups:
 * <pre>
 * { scheduled: { "2880": n },                  // follow-ups of that day's sessions, by close minute ({@link CloseMinute})
 *   completed: { "2880": n },                  // those answered, by the same minute
 *   soreness: { H24: { DEEP: { sum, n } } },   // answers, per checkpoint and technique of the session
 *   inflight: { P: { &lt;followUpId&gt;: 1 }, C: { ... },  // transitions being applied right now (see below)
 *               F: { &lt;changeId&gt;: 1 } },          // patient figure changes being applied right now
 *   activeCount: n }                           // patients whose last session was that day, not discharged since
 * </pre>
 * {@code clinicPatients}, one per clinic: {@code { mcidCount: n, inflight: { F: { <changeId>: 1 } } }}.
 *
 * <p>A follow-up counts twice at most: P (scheduled) when it is created, C (completed, with its
 * soreness) when answered. OPEN and MISSED change nothing: a close minute that has begun counts its
 * unanswered follow-ups as missed. Exactly once, with no per-follow-up state left in the day
 * document: the follow-up records in {@link FollowUp#dayCounted()} what the day figures contain
 * for it. Transition T of follow-up k:
 * <ol>
 *   <li>if the follow-up already records T (or later), stop;</li>
 *   <li>one conditional upsert of the day document: {@code inflight.T.k} absent (and what the
 *       follow-up says the day holds) -> set {@code inflight.T.k} and the {@code $inc}s of T;</li>
 *   <li>record T on the follow-up (conditional, never lowering it, raising its version);</li>
 *   <li>remove {@code inflight.T.k}, not by a write of its own: it rides as an {@code $unset} on
 *       this instance's next update of the same day document.</li>
 * </ol>
 * A transition counts when it sets its marker, and the marker goes only after the follow-up records
 * the transition, so a redelivery stops at step 1 or at step 2's condition. P and C have separate
 * markers so removing a P marker can never remove the C marker of a completion being applied on
 * another thread. This relies on one follow-up's events being handled one at a time (they share the
 * patient's partition, so one listener thread), as the timeline's figure queue does. A crash loses
 * the in-memory removals: a few stale markers, harmless to the figures.
 *
 * <p>Patient figures, the same way with no per-patient state here: the patient's timeline is the
 * source of truth (it records what it told the dashboard, {@code activeDay} and {@code mcidReached},
 * and queues each change, with a {@code changeId}, in the same save). Change k: (2) one conditional
 * write of its document, {@code inflight.F.k} absent -> set it and {@code $inc} the counter by ±1;
 * (3) the timeline pulls k from its queue ({@link #handedOver}); (4) {@code inflight.F.k} goes, a
 * day document's riding on its next update, {@code clinicPatients}' at once. A redelivery hands
 * over only what is still queued, whose markers are all still there. Counters add up in any order,
 * so the queue's order matters only in that a change is never handed over by a reader that saw
 * it queued after its marker went: one patient's events one at a time, as above.
 */
@Component
public class DashboardProjector implements ClinicFiguresSink {

    static final String DAYS = "clinicDays";
    static final String PATIENTS = "clinicPatients";
    static final String SCHEDULED = "scheduled";
    static final String COMPLETED = "completed";
    static final String SORENESS = "soreness";
    static final String INFLIGHT = "inflight";
    static final String DAY_COUNTED = "dayCounted";
    /** The markers of patient figure changes ({@code inflight.F.<changeId>}), in day documents and {@code clinicPatients}. */
    static final String FIGURES = "F";
    static final String ACTIVE_COUNT = "activeCount";
    static final String MCID_COUNT = "mcidCount";
    /**
     * Marker removals kept in memory, all days together: past this the least recently updated day's
     * are dropped and those markers stay (harmless), so memory stays bounded. A day usually holds one
     * or two (its next update takes them), so this covers thousands of days being updated.
     */
    static final int MAX_QUEUED_REMOVALS = 20_000;

    private static final Logger log = LoggerFactory.getLogger(DashboardProjector.class);

    /** What the day figures contain for a follow-up; later constants include the earlier ones. */
    enum Counted {
        P, C;

        static Counted of(String recorded) {
            return recorded == null ? null : valueOf(recorded);
        }

        static boolean covers(Counted have, Counted wanted) {
            return have != null && have.compareTo(wanted) >= 0;
        }

        String marker(String followUpId) {
            return INFLIGHT + "." + name() + "." + followUpId;
        }
    }

    private record Change(FollowUp followUp, String dayId, LocalDate day, Counted target, Integer soreness) {

        String key() {
            return followUp.id().toString();
        }

        Counted recorded() {
            return Counted.of(followUp.dayCounted());
        }
    }

    private final MongoTemplate mongo;
    private final FollowUpRepository followUps;
    /** Per day document, the marker paths whose transitions the follow-ups record: removed by the next update. */
    private final LinkedHashMap<String, Set<String>> removals = new LinkedHashMap<>(16, 0.75f, true);
    private int queuedRemovals;

    DashboardProjector(MongoTemplate mongo, FollowUpRepository followUps) {
        this.mongo = mongo;
        this.followUps = followUps;
    }

    static String dayId(String clinicId, LocalDate day) {
        return clinicId + "|" + day;
    }

    // ---------------------------------------------------------------- follow-ups

    /** Brings the day figures in line with the follow-up document as stored; idempotent. */
    public void sync(FollowUp followUp) {
        sync(List.of(followUp));
    }

    /**
     * Brings the day figures in line with these follow-ups as stored (the scheduler hands over a
     * session's H24 and H48, which share their day: one day update for both); idempotent.
     */
    public void sync(List<FollowUp> stored) {
        List<Change> changes = new ArrayList<>();
        for (FollowUp followUp : stored) {
            change(followUp, followUp.status(), followUp.answers() == null ? null : followUp.answers().soreness()).ifPresent(changes::add);
        }
        apply(changes, true);
    }

    public void onFollowUp(EventEnvelope event, UUID followUpId, FollowUpStatus status, Integer soreness) {
        followUps.findById(followUpId.toString()).ifPresentOrElse(
                // OPEN and MISSED find P recorded nearly always: they queue no marker removal (nothing to remove).
                f -> change(f, status, soreness).ifPresent(c -> apply(List.of(c), status == FollowUpStatus.COMPLETED
                        || status == FollowUpStatus.SCHEDULED)),
                () -> log.warn("{} {} names unknown follow-up {}", event.type().wireName(), event.eventId(), followUpId));
    }

    private static Optional<Change> change(FollowUp followUp, FollowUpStatus status, Integer soreness) {
        if (status == null || followUp.sessionEndedAt() == null || followUp.closesAt() == null || followUp.clinicId() == null) {
            return Optional.empty();
        }
        LocalDate day = ClinicDays.of(followUp.sessionEndedAt());
        return Optional.of(new Change(followUp, dayId(followUp.clinicId(), day), day,
                status == FollowUpStatus.COMPLETED ? Counted.C : Counted.P, soreness));
    }

    private void apply(List<Change> changes, boolean removeMarkersWhenRecorded) {
        Map<String, Change> byFollowUp = new LinkedHashMap<>(); // one change per follow-up: one condition per marker
        changes.forEach(change -> byFollowUp.put(change.key(), change));
        Map<String, List<Change>> byDay = new LinkedHashMap<>();
        for (Change change : byFollowUp.values()) {
            Counted recorded = change.recorded();
            if (Counted.covers(recorded, change.target())) {
                // Step 1: done before. A redelivery after a crash may find its marker still there.
                if (removeMarkersWhenRecorded) {
                    queueRemovals(change.dayId(), markersOf(recorded, change.key()));
                }
                continue;
            }
            byDay.computeIfAbsent(change.dayId(), d -> new ArrayList<>()).add(change);
        }
        byDay.forEach(this::applyToDay);
    }

    private void applyToDay(String dayId, List<Change> changes) {
        if (changes.size() > 1) {
            // The usual case of a session: none of them counted yet, one update for all.
            var criteria = Criteria.where("_id").is(dayId);
            var incs = new TreeMap<String, Long>();
            var markers = new ArrayList<String>();
            for (Change change : changes) {
                condition(criteria, change.key(), change.recorded());
                increments(incs, change, change.recorded());
                markers.add(change.target().marker(change.key()));
            }
            if (write(dayId, criteria, incs, markers)) {
                record(changes);
                return;
            }
        }
        for (Change change : changes) {
            Counted from = change.recorded();
            var criteria = condition(Criteria.where("_id").is(dayId), change.key(), from);
            var incs = new TreeMap<String, Long>();
            increments(incs, change, from);
            boolean applied = write(dayId, criteria, incs, List.of(change.target().marker(change.key())));
            if (!applied && from == null && change.target() == Counted.C) {
                // The day may hold P although the follow-up does not record it (a crash between steps 2 and 3).
                var afterP = Criteria.where("_id").is(dayId).and(Counted.P.marker(change.key())).exists(true)
                        .and(Counted.C.marker(change.key())).exists(false);
                var rest = new TreeMap<String, Long>();
                increments(rest, change, Counted.P);
                write(dayId, afterP, rest, List.of(Counted.C.marker(change.key())));
            }
            record(List.of(change)); // applied now or before: either way the day holds it
        }
    }

    /** The day holds what the follow-up records ({@code from}) and nothing more: no marker beyond it. */
    private static Criteria condition(Criteria criteria, String key, Counted from) {
        if (from == null) {
            criteria.and(Counted.P.marker(key)).exists(false);
        }
        return criteria.and(Counted.C.marker(key)).exists(false);
    }

    private static void increments(Map<String, Long> incs, Change change, Counted from) {
        String bucket = CloseMinute.key(change.day(), change.followUp().closesAt());
        if (from == null) {
            incs.merge(SCHEDULED + "." + bucket, 1L, Long::sum);
        }
        if (change.target() == Counted.C) {
            incs.merge(COMPLETED + "." + bucket, 1L, Long::sum);
            if (change.soreness() != null) {
                for (var technique : change.followUp().techniques().stream().distinct().toList()) {
                    String sum = SORENESS + "." + change.followUp().checkpoint() + "." + technique;
                    incs.merge(sum + ".sum", (long) change.soreness(), Long::sum);
                    incs.merge(sum + ".n", 1L, Long::sum);
                }
            }
        }
    }

    /**
     * Step 2: one conditional upsert of a day document, carrying the removal of markers this
     * instance has finished with; true if applied, false if its condition failed (applied before).
     */
    private boolean write(String dayId, Criteria criteria, Map<String, Long> incs, List<String> markers) {
        return write(DAYS, dayId, criteria, incs, markers, true);
    }

    /**
     * One conditional write (an upsert if {@code create}) of {@code id}; a day document's carries
     * the marker removals queued for it. True if applied, false if its condition failed.
     */
    private boolean write(String collection, String id, Criteria criteria, Map<String, Long> incs, List<String> markers, boolean create) {
        var update = new Update();
        incs.forEach((path, n) -> update.inc(path, Math.toIntExact(n))); // int32 counters, as before
        markers.forEach(marker -> update.set(marker, 1));
        Set<String> removed = DAYS.equals(collection) ? takeRemovals(id) : new HashSet<>();
        removed.removeAll(markers);
        removed.forEach(update::unset);
        var query = Query.query(criteria);
        boolean applied;
        if (!create) {
            applied = mongo.updateFirst(query, update, collection).getMatchedCount() > 0;
        } else {
            try {
                mongo.upsert(query, update, collection);
                applied = true;
            } catch (DuplicateKeyException existsAlready) {
                // The document exists and the condition failed, or a concurrent upsert created it first.
                applied = mongo.updateFirst(query, update, collection).getMatchedCount() > 0;
            }
        }
        if (!applied && !removed.isEmpty()) {
            queueRemovals(id, removed);
        }
        return applied;
    }

    /** Step 3, then step 4 queued: the follow-ups record what the day holds (never lowering it). */
    private void record(List<Change> changes) {
        Map<Counted, List<Change>> byTarget = new EnumMap<>(Counted.class);
        changes.forEach(change -> byTarget.computeIfAbsent(change.target(), t -> new ArrayList<>()).add(change));
        byTarget.forEach((target, done) -> {
            var ids = done.stream().map(Change::key).toList();
            // By _id (or _id $in): a keyed lookup, whatever the condition on dayCounted.
            var byId = ids.size() == 1 ? Criteria.where("_id").is(ids.getFirst()) : Criteria.where("_id").in(ids);
            var query = Query.query(target == Counted.P ? byId.and(DAY_COUNTED).is(null) : byId.and(DAY_COUNTED).ne(Counted.C.name()));
            mongo.updateMulti(query, new Update().set(DAY_COUNTED, target.name()).inc("version", 1), FollowUp.COLLECTION);
            done.forEach(change -> queueRemovals(change.dayId(), markersOf(target, change.key())));
        });
    }

    private static List<String> markersOf(Counted recorded, String key) {
        return recorded == Counted.C ? List.of(Counted.P.marker(key), Counted.C.marker(key)) : List.of(Counted.P.marker(key));
    }

    private synchronized void queueRemovals(String dayId, Collection<String> markers) {
        if (markers.isEmpty()) {
            return;
        }
        var queued = removals.computeIfAbsent(dayId, d -> new LinkedHashSet<>());
        for (String marker : markers) {
            if (queued.add(marker)) {
                queuedRemovals++;
            }
        }
        var eldest = removals.entrySet().iterator();
        while (queuedRemovals > MAX_QUEUED_REMOVALS && eldest.hasNext()) {
            queuedRemovals -= eldest.next().getValue().size();
            eldest.remove();
        }
    }

    private synchronized Set<String> takeRemovals(String dayId) {
        var queued = removals.remove(dayId);
        if (queued == null) {
            return new HashSet<>();
        }
        queuedRemovals -= queued.size();
        return queued;
    }

    /** Removes every queued marker now (one update per day document): the end of a backfill, which touches many days once. */
    void removeQueuedMarkers() {
        List<String> days;
        synchronized (this) {
            days = new ArrayList<>(removals.keySet());
        }
        for (String dayId : days) {
            Set<String> markers = takeRemovals(dayId);
            if (!markers.isEmpty()) {
                var update = new Update();
                markers.forEach(update::unset);
                mongo.updateFirst(Query.query(Criteria.where("_id").is(dayId)), update, DAYS);
            }
        }
    }

    /** Forgets the queued removals: before the day figures are rebuilt. */
    synchronized void forgetQueuedMarkers() {
        removals.clear();
        queuedRemovals = 0;
    }

    // ---------------------------------------------------------------- patients

    /**
     * Step 2 for a patient figure: one conditional write of one document, {@code inflight.F.<changeId>}
     * absent -> set it with the counter's {@code $inc}. The changes come in queue order; each has its
     * own marker, so a change handed over again (its timeline not yet pulled) counts nothing.
     */
    @Override
    public void apply(String clinicId, UUID patientId, List<FigureChange> changes) {
        for (FigureChange change : changes) {
            String marker = figureMarker(change.changeId());
            switch (change.kind()) {
                case ACTIVE_ADD, ACTIVE_REMOVE -> {
                    String dayId = dayId(clinicId, LocalDate.parse(change.day()));
                    // A removal follows its addition in the queue, so its day document exists: no upsert for it.
                    write(DAYS, dayId, Criteria.where("_id").is(dayId).and(marker).exists(false),
                            Map.of(ACTIVE_COUNT, change.kind() == FigureChange.Kind.ACTIVE_ADD ? 1L : -1L), List.of(marker),
                            change.kind() == FigureChange.Kind.ACTIVE_ADD);
                }
                case MCID_ADD, MCID_REMOVE -> write(PATIENTS, clinicId, Criteria.where("_id").is(clinicId).and(marker).exists(false),
                        Map.of(MCID_COUNT, change.kind() == FigureChange.Kind.MCID_ADD ? 1L : -1L), List.of(marker),
                        change.kind() == FigureChange.Kind.MCID_ADD);
            }
        }
    }

    /**
     * Step 4 for patient figures: the timeline has pulled these changes, so none is handed over
     * again and its marker may go. A day document's ride on its next update (days are updated all
     * the time); {@code clinicPatients}' go now, in one direct {@code $unset}: it changes only when
     * a patient reaches or leaves the MCID, so a marker waiting for its next update would wait for
     * days in memory, and stay for good after a restart; one more keyed write per such rare change
     * keeps the document at its counter.
     */
    @Override
    public void handedOver(String clinicId, UUID patientId, List<FigureChange> changes) {
        var mcidMarkers = new Update();
        for (FigureChange change : changes) {
            switch (change.kind()) {
                case ACTIVE_ADD, ACTIVE_REMOVE ->
                        queueRemovals(dayId(clinicId, LocalDate.parse(change.day())), List.of(figureMarker(change.changeId())));
                case MCID_ADD, MCID_REMOVE -> mcidMarkers.unset(figureMarker(change.changeId()));
            }
        }
        if (!mcidMarkers.getUpdateObject().isEmpty()) {
            mongo.updateFirst(Query.query(Criteria.where("_id").is(clinicId)), mcidMarkers, PATIENTS);
        }
    }

    static String figureMarker(String changeId) {
        return INFLIGHT + "." + FIGURES + "." + changeId;
    }
}
