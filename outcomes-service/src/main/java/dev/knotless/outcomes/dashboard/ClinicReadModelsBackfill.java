package dev.knotless.outcomes.dashboard;

import dev.knotless.outcomes.alert.Alert;
import dev.knotless.outcomes.alert.ClinicAlerts;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.timeline.Timeline;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.platform.migration.OneTimeMigration;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Lazy;
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
 * {@code open}, a patient's key in {@code active} or {@code mcid}, a follow-up's
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
            log.info("Clinic read models built from {} alerts, {} follow-ups and {} timelines", alerts, followUps, patients);
        });
    }

    /** The day documents' follow-up figures again from the follow-ups, in this version's form. */
    private void recountFollowUps() {
        dashboard.forgetQueuedMarkers();
        var clear = new Update();
        for (String field : List.of("fu", "pending", "missed", DashboardProjector.COMPLETED, DashboardProjector.SCHEDULED,
                DashboardProjector.SORENESS, DashboardProjector.INFLIGHT)) {
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
