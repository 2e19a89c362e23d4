package dev.knotless.outcomes.dashboard;

import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.alert.ClinicAlerts;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.security.StaffRequests;
import dev.knotless.platform.web.ProblemException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

/**
 * Reads a bounded, constant number of documents by key: the clinic's day aggregates of the active
 * window (31 for 30 days, by {@code _id $in}), its patient counter and its alert counters, each with
 * a projection so that only aggregates travel; then lets the calculator add them up. A day document
 * has a bounded size whatever its number of follow-ups (counters by close minute, see
 * {@link DashboardProjector}), which matters because the embedded store decodes a whole document
 * before it projects. Only for the caller's own clinic: another is the unknown clinic's 404.
 */
@Service
class DashboardService {

    private final MongoTemplate mongo;
    private final ClinicAlerts alerts;
    private final DashboardCalculator calculator;
    private final Clock clock;
    private final AuditTrail audit;

    DashboardService(MongoTemplate mongo, ClinicAlerts alerts, DashboardProperties properties, Clock clock, AuditTrail audit) {
        this.mongo = mongo;
        this.alerts = alerts;
        this.calculator = new DashboardCalculator(properties.activeWindow());
        this.clock = clock;
        this.audit = audit;
    }

    DashboardCalculator.Dashboard dashboard(String clinicId) {
        StaffMember staff = StaffRequests.current();
        if (!audit.permits(AuditAction.READ, "dashboard", clinicId, null, staff != null && staff.sees(clinicId) ? clinicId : null)) {
            throw ProblemException.notFound("clinic", clinicId);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);

        var ids = calculator.windowDays(now).stream().map(day -> DashboardProjector.dayId(clinicId, day)).toList();
        var daysQuery = Query.query(Criteria.where("_id").in(ids));
        daysQuery.fields().include("activeCount", DashboardProjector.SCHEDULED, DashboardProjector.COMPLETED, DashboardProjector.SORENESS);
        var days = mongo.find(daysQuery, Document.class, DashboardProjector.DAYS).stream().map(DashboardService::dayFigures).toList();

        var patientsQuery = Query.query(Criteria.where("_id").is(clinicId));
        patientsQuery.fields().include("mcidCount");
        Document patients = mongo.findOne(patientsQuery, Document.class, DashboardProjector.PATIENTS);

        return calculator.calculate(clinicId, now, days, number(patients, "mcidCount"), alerts.openCounts(clinicId));
    }

    private static DashboardCalculator.DayFigures dayFigures(Document doc) {
        String id = doc.getString("_id");
        LocalDate day = LocalDate.parse(id.substring(id.lastIndexOf('|') + 1));
        Map<Checkpoint, Map<Technique, DashboardCalculator.Sum>> soreness = new EnumMap<>(Checkpoint.class);
        Document byCheckpoint = doc.get("soreness", Document.class);
        if (byCheckpoint != null) {
            byCheckpoint.forEach((checkpoint, byTechnique) -> ((Document) byTechnique).forEach((technique, sum) -> soreness
                    .computeIfAbsent(Checkpoint.valueOf(checkpoint), c -> new EnumMap<>(Technique.class))
                    .put(Technique.valueOf(technique), new DashboardCalculator.Sum(number((Document) sum, "sum"), number((Document) sum, "n")))));
        }
        return new DashboardCalculator.DayFigures(day, number(doc, "activeCount"), byMinute(doc, DashboardProjector.SCHEDULED, day),
                byMinute(doc, DashboardProjector.COMPLETED, day), soreness);
    }

    /** {@code {"2880": 3}} as epoch minute -> count. */
    private static Map<Long, Long> byMinute(Document doc, String field, LocalDate day) {
        Map<Long, Long> counts = new HashMap<>();
        if (doc.get(field) instanceof Document byKey) {
            byKey.forEach((key, n) -> counts.put(CloseMinute.minute(day, key), ((Number) n).longValue()));
        }
        return counts;
    }

    private static long number(Document doc, String field) {
        Object value = doc == null ? null : doc.get(field);
        return value == null ? 0 : ((Number) value).longValue();
    }
}
