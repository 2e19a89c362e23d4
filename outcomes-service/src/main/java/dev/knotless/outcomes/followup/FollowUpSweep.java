package dev.knotless.outcomes.followup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * Moves follow-ups whose window opened or closed since the last pass, found by key in the
 * {@link FollowUpSchedule}: the buckets after the recorded progress up to the present, read by
 * {@code _id} a page at a time, then their follow-ups by {@code _id}. Buckets are taken in time
 * order and the follow-ups of a run of whole buckets oldest closing first, so an H24 is recorded
 * MISSED before its H48 (the two share the bucket where H24 closes and H48 opens).
 *
 * <p>The progress stays {@code sweep-overlap} behind the present: a SessionRecorded being handled
 * adds its buckets just before it inserts its follow-ups, so a pass may read a bucket whose
 * follow-up is not there yet; the next passes read that bucket again. Every transition is
 * idempotent ({@link FollowUpLifecycle#advance} changes nothing on a follow-up already in the
 * status of the present) and saved under the version check, so two instances sweeping at once
 * move each follow-up once. {@link FollowUpSweepJob} runs it every
 * {@code knotless.outcomes.follow-up.sweep-interval} on one instance; tests call {@link #sweep()}
 * after moving the clock.
 */
@Component
public class FollowUpSweep {

    private static final Logger log = LoggerFactory.getLogger(FollowUpSweep.class);
    /** Bucket ids per read: two minutes of schedule per {@code $in}, which bounds what one page holds in memory. */
    static final int BUCKETS_PER_PAGE = 120;
    /** Follow-ups per load; a run of whole buckets, so one bucket is never split. */
    static final int FOLLOW_UPS_PER_CHUNK = 200;
    private static final int ATTEMPTS = 3;

    private final FollowUpRepository followUps;
    private final FollowUpSchedule schedule;
    private final FollowUpLifecycle lifecycle;
    private final FollowUpProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;

    FollowUpSweep(FollowUpRepository followUps, FollowUpSchedule schedule, FollowUpLifecycle lifecycle, FollowUpProperties properties,
                  Clock clock, MeterRegistry meters) {
        this.followUps = followUps;
        this.schedule = schedule;
        this.lifecycle = lifecycle;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
    }

    /** One pass; returns how many follow-ups changed status. */
    public synchronized int sweep() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        // The last bucket all of whose transitions are past and whose follow-ups are surely inserted.
        Instant settled = FollowUpSchedule.bucketOf(now.minus(properties.sweepOverlap())).minus(FollowUpSchedule.BUCKET);
        Instant sweptThrough = schedule.sweptThrough().orElseGet(() -> schedule.catchUp(settled));
        if (sweptThrough.isAfter(settled)) {
            sweptThrough = settled; // this clock is behind the one that recorded it: look again from here
        }
        Instant last = FollowUpSchedule.bucketOf(now);
        int moved = 0;
        for (Instant from = sweptThrough.plus(FollowUpSchedule.BUCKET); !from.isAfter(last);
                from = from.plus(FollowUpSchedule.BUCKET.multipliedBy(BUCKETS_PER_PAGE))) {
            List<String> ids = new ArrayList<>();
            for (Instant bucket = from; !bucket.isAfter(last) && ids.size() < BUCKETS_PER_PAGE; bucket = bucket.plus(FollowUpSchedule.BUCKET)) {
                ids.add(FollowUpSchedule.idOf(bucket));
            }
            Instant pageEnd = Instant.parse(ids.getLast());
            var buckets = schedule.read(ids);
            Optional<Instant> stuck = Optional.empty();
            int start = 0;
            while (start < buckets.size() && stuck.isEmpty()) {
                int end = start;
                var chunk = new LinkedHashSet<String>();
                do {
                    chunk.addAll(buckets.get(end).followUpIds());
                    end++;
                } while (end < buckets.size() && chunk.size() + buckets.get(end).followUpIds().size() <= FOLLOW_UPS_PER_CHUNK);
                var result = advance(chunk, now);
                moved += result.moved();
                if (!result.complete()) {
                    stuck = Optional.of(buckets.get(start).instant());
                }
                start = end;
            }
            // Progress: through this page, but never into the overlap nor past a bucket left unfinished.
            Instant through = pageEnd.isAfter(settled) ? settled : pageEnd;
            if (stuck.isPresent() && !stuck.get().minus(FollowUpSchedule.BUCKET).isAfter(through)) {
                through = stuck.get().minus(FollowUpSchedule.BUCKET);
            }
            if (through.isAfter(sweptThrough)) {
                schedule.recordSweptThrough(through);
                Instant done = through;
                schedule.forget(buckets.stream().filter(b -> !b.instant().isAfter(done)).map(FollowUpSchedule.Bucket::id).toList());
                sweptThrough = through;
            }
            if (stuck.isPresent()) {
                break;
            }
        }
        return moved;
    }

    private record Result(int moved, boolean complete) {
    }

    /** Brings these follow-ups to the present, oldest closing first; incomplete if one kept losing its version check. */
    private Result advance(Collection<String> ids, Instant now) {
        var loaded = new ArrayList<FollowUp>();
        followUps.findAllById(ids).forEach(loaded::add);
        loaded.sort(Comparator.comparing(FollowUp::closesAt).thenComparing(FollowUp::checkpoint));
        int moved = 0;
        boolean complete = true;
        for (FollowUp followUp : loaded) {
            var outcome = advance(followUp, now);
            if (outcome == null) {
                complete = false;
            } else if (outcome) {
                moved++;
            }
        }
        return new Result(moved, complete);
    }

    /** True if moved, false if already in the present status, null if it kept changing under us. */
    private Boolean advance(FollowUp followUp, Instant now) {
        FollowUp current = followUp;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (!lifecycle.advance(current, now)) {
                return false;
            }
            try {
                followUps.save(current);
                Counter.builder("knotless.outcomes.follow-ups.swept").description("follow-ups moved by the sweep, by new status")
                        .tag("status", current.status().name()).register(meters).increment();
                log.info("Follow-up {} of session {} is now {}", current.id(), current.sessionId(), current.status());
                return true;
            } catch (OptimisticLockingFailureException changedMeanwhile) {
                // A survey, a new link or another instance wrote first: look at what it wrote.
                var reloaded = followUps.findById(followUp.id().toString());
                if (reloaded.isEmpty()) {
                    return false;
                }
                current = reloaded.get();
            }
        }
        log.debug("Follow-up {} kept changing during the sweep; the next pass looks again", followUp.id());
        return null;
    }
}
