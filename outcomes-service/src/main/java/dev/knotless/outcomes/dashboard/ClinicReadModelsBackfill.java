package dev.knotless.outcomes.dashboard;

import dev.knotless.outcomes.alert.Alert;
import dev.knotless.outcomes.alert.ClinicAlerts;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.timeline.Timeline;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.platform.migration.OneTimeMigration;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Once per store, at start-up: builds the per-clinic read models ({@code clinicAlerts},
 * {@code clinicDays}, {@code clinicPatients}) of a store written before they existed. Such a store
 * has its alerts, follow-ups and timelines, but the consumer group's offsets are committed, so no
 * event is replayed: without this the open-alerts list would answer empty although patients need a
 * call.
 *
 * <p>It deliberately scans, once: every alert, follow-up and timeline is read one time and handed
 * to the very update the event handlers use ({@link ClinicAlerts#sync}, {@link DashboardProjector#sync},
 * {@link TimelineProjector#catchUpFigures}); there is no second copy of the rules. A marker document
 * in {@code migrations} records that it ran, so later starts read one document by id. A fresh store
 * has nothing to scan and gets the marker at once.
 *
 * <p>Idempotent by reuse, so a start that stopped half-way (or a second instance starting at the
 * same time, or the event consumer of an instance already running) repeats it without counting
 * twice: every counter moves only together with the per-key state it counts (an alert's entry in
 * {@code open}, a patient figure change's marker until its timeline pulls it, a follow-up's
 * {@code dayCounted} with its transition marker, see {@link DashboardProjector}); the acknowledged
 * list takes an alert only if it is not listed; a timeline queues a figure change only when it
 * differs from what it recorded as told, in the same save.
 *
 * <p>A second marker, {@value #DAYS_MARKER}: a store whose day documents the previous version
 * wrote (a letter and a close time per follow-up, {@code fu} and {@code pending}) has its
 * follow-up figures rebuilt once, in the form of counters by close minute: every day document's
 * follow-up figures and every follow-up's {@code dayCounted} are cleared, then each follow-up is
 * counted again (one scan). The patient figures ({@code active}, {@code activeCount}) stay. The
 * clearing is not safe against another instance counting at the same time: start the first
 * instance of this version alone. A store without the older read models gets them in the new
 * form from the first marker's build, so it just gets this marker.
 *
 * <p>A third, {@value #PATIENTS_MARKER}, after those two: the patient figures used to keep a map
 * of patients next to each counter ({@code active} in the day documents, {@code mcid} in
 * {@code clinicPatients}); this version keeps the counters only. Once, it finishes in the maps'
 * form whatever a crash left queued in a timeline, then removes the maps. Like the second, start
 * the first instance of this version alone.
 *
 * <p>It runs in {@link #afterPropertiesSet}, while the context is being built: the web server and
 * the Kafka listeners start only once every singleton exists, so no request is answered from read
 * models still being built; a failure stops the start (the service is never ready). Not lazy, even
 * if lazy initialisation were switched on.
 */
@Component
@Lazy(false)
class ClinicReadModelsBackfill implements InitializingBean {

    static final String MIGRATIONS = OneTimeMigration.COLLECTION;
    static final String MARKER = "clinic-read-models";
    static final String DAYS_MARKER = "clinic-days-by-close-minute";
    static final String PATIENTS_MARKER = "clinic-patient-figures-by-change";

    private static final Logger log = LoggerFactory.getLogger(ClinicReadModelsBackfill.class);

    private final MongoTemplate mongo;
    private final ClinicAlerts clinicAlerts;
    private final DashboardProjector dashboard;
    private final TimelineProjector timelines;
    private final Clock clock;

    ClinicReadModelsBackfill(MongoTemplate mongo, ClinicAlerts clinicAlerts, DashboardProjector dashboard, TimelineProjector timelines,
            Clock clock) {
        this.mongo = mongo;
        this.clinicAlerts = clinicAlerts;
        this.dashboard = dashboard;
        this.timelines = timelines;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        boolean readModelsBuilt = mongo.findById(MARKER, Document.class, MIGRATIONS) != null;
        OneTimeMigration.runOnce(mongo, clock, DAYS_MARKER, () -> {
            if (readModelsBuilt) {
                recountFollowUps();
            }
        });
        OneTimeMigration.runOnce(mongo, clock, MARKER, () -> {
            long alerts = each(Alert.class, clinicAlerts::sync);
            long followUps = each(FollowUp.class, dashboard::sync);
            dashboard.removeQueuedMarkers();
            long patients = each(Timeline.class, timelines::catchUpFigures);
            dashboard.removeQueuedMarkers();
            log.info("Clinic read models built from {} alerts, {} follow-ups and {} timelines", alerts, followUps, patients);
        });
        OneTimeMigration.runOnce(mongo, clock, PATIENTS_MARKER, () -> {
            if (readModelsBuilt) {
                dropPatientMaps();
            }
        });
    }

    /**
     * The patient figures in this version's form: the counters stay (they always moved with the
     * maps), the per-patient maps go. The maps are what kept a change still queued in a timeline
     * (a crash between the update and the pull) from counting twice, so such changes are first
     * finished in the maps' own form and pulled; after that nothing depends on the maps.
     */
    private void dropPatientMaps() {
        String timelineCollection = mongo.getCollectionName(Timeline.class);
        var queued = Query.query(Criteria.where("figureChanges.0").exists(true)); // a scan, once
        queued.fields().include("clinicId", "figureChanges");
        var leftovers = mongo.find(queued, Document.class, timelineCollection);
        for (Document timeline : leftovers) {
            String clinicId = timeline.getString("clinicId");
            String patient = timeline.getString("_id");
            List<String> ids = new ArrayList<>();
            for (Document change : timeline.getList("figureChanges", Document.class)) {
                String kind = change.getString("kind");
                if (kind.startsWith("ACTIVE")) {
                    String dayId = DashboardProjector.dayId(clinicId, LocalDate.parse(change.getString("day")));
                    inTheMapsForm(DashboardProjector.DAYS, dayId, "active." + patient, DashboardProjector.ACTIVE_COUNT, kind.endsWith("ADD"));
                } else {
                    inTheMapsForm(DashboardProjector.PATIENTS, clinicId, "mcid." + patient, DashboardProjector.MCID_COUNT, kind.endsWith("ADD"));
                }
                ids.add(change.getString("changeId"));
            }
            mongo.updateFirst(Query.query(Criteria.where("_id").is(patient)),
                    new Update().pull("figureChanges", new Document("changeId", new Document("$in", ids))), timelineCollection);
        }
        long days = mongo.updateMulti(Query.query(Criteria.where("active").exists(true)), new Update().unset("active"),
                DashboardProjector.DAYS).getModifiedCount();
        long clinics = mongo.updateMulti(Query.query(Criteria.where("mcid").exists(true)), new Update().unset("mcid"),
                DashboardProjector.PATIENTS).getModifiedCount();
        log.info("Patient figures kept as counters only: changes left queued by {} timelines finished, maps removed from {} days and {} clinics",
                leftovers.size(), days, clinics);
    }

    /** The previous version's update of a patient figure: the patient's key and the counter together, only on a real change. */
    private void inTheMapsForm(String collection, String id, String key, String counter, boolean add) {
        if (!add) {
            mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and(key).exists(true)), new Update().unset(key).inc(counter, -1),
                    collection);
            return;
        }
        try {
            mongo.upsert(Query.query(Criteria.where("_id").is(id).and(key).exists(false)), new Update().set(key, true).inc(counter, 1),
                    collection);
        } catch (DuplicateKeyException appliedBefore) {
            // The document exists with the key: the change was made before the crash.
        }
    }

    /** The day documents' follow-up figures again from the follow-ups, in this version's form. */
    private void recountFollowUps() {
        dashboard.forgetQueuedMarkers();
        var clear = new Update();
        // Only the follow-ups' markers: the patient figures' (inflight.F) still guard changes queued in timelines.
        for (String field : List.of("fu", "pending", "missed", DashboardProjector.COMPLETED, DashboardProjector.SCHEDULED,
                DashboardProjector.SORENESS, DashboardProjector.INFLIGHT + ".P", DashboardProjector.INFLIGHT + ".C")) {
            clear.unset(field);
        }
        mongo.updateMulti(new Query(), clear, DashboardProjector.DAYS);
        mongo.updateMulti(Query.query(Criteria.where(DashboardProjector.DAY_COUNTED).exists(true)),
                new Update().unset(DashboardProjector.DAY_COUNTED).inc("version", 1), FollowUp.COLLECTION);
        long followUps = each(FollowUp.class, dashboard::sync);
        dashboard.removeQueuedMarkers();
        log.info("Clinic day figures rebuilt by close minute from {} follow-ups", followUps);
    }

    private <T> long each(Class<T> type, Consumer<T> update) {
        long n = 0;
        try (var all = mongo.stream(new Query(), type)) {
            for (var it = all.iterator(); it.hasNext(); n++) {
                update.accept(it.next());
            }
        }
        return n;
    }
}
