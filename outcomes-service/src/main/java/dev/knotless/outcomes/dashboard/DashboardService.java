package dev.knotless.outcomes.dashboard;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.outcomes.alert.AlertRepository;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.timeline.PainMcid;
import dev.knotless.outcomes.timeline.Timeline;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

/** Reads the few fields the figures need with simple queries, then lets the calculator count. */
@Service
class DashboardService {

    private final MongoTemplate mongo;
    private final AlertRepository alerts;
    private final DashboardCalculator calculator;
    private final Clock clock;

    DashboardService(MongoTemplate mongo, AlertRepository alerts, DashboardProperties properties, PainMcid mcid, Clock clock) {
        this.mongo = mongo;
        this.alerts = alerts;
        this.calculator = new DashboardCalculator(properties.activeWindow(), mcid);
        this.clock = clock;
    }

    DashboardCalculator.Dashboard dashboard(String clinicId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);

        var patientsQuery = Query.query(Criteria.where("clinicId").is(clinicId));
        patientsQuery.fields().include("lastSessionEndedAt", "dischargedAt", "baselinePain", "latestPain");
        var patients = mongo.find(patientsQuery, Timeline.class).stream()
                .map(t -> new DashboardCalculator.PatientFigures(t.lastSessionEndedAt(), t.dischargedAt(), t.baselinePain(), t.latestPain()))
                .toList();

        var followUpsQuery = Query.query(Criteria.where("clinicId").is(clinicId).and("sessionEndedAt").gte(calculator.windowStart(now)));
        followUpsQuery.fields().include("checkpoint", "status", "sessionEndedAt", "opensAt", "closesAt", "techniques", "answers");
        var followUps = mongo.find(followUpsQuery, FollowUp.class).stream()
                .map(f -> new DashboardCalculator.FollowUpFigures(f.checkpoint(), f.status(), f.sessionEndedAt(), f.opensAt(), f.closesAt(),
                        f.answers() == null ? null : f.answers().soreness(), f.techniques()))
                .toList();

        Map<AlertLevel, Long> openAlerts = new EnumMap<>(AlertLevel.class);
        for (AlertLevel level : AlertLevel.values()) {
            openAlerts.put(level, alerts.countByClinicIdAndStatusAndLevel(clinicId, AlertStatus.OPEN, level));
        }
        return calculator.calculate(clinicId, now, patients, followUps, openAlerts);
    }
}
