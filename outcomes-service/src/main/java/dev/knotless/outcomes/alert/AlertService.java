package dev.knotless.outcomes.alert;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.security.StaffRequests;
import dev.knotless.platform.outbox.OutboxMessage;
import dev.knotless.platform.web.ProblemException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The clinic's alert lists and the acknowledgement, each for the caller's own clinic only (another
 * clinic's list or alert is the unknown one's 404) and recorded in the audit trail before it is read
 * out or written.
 */
@Service
class AlertService {

    private static final Logger log = LoggerFactory.getLogger(AlertService.class);

    private final AlertRepository alerts;
    private final ClinicAlerts clinicAlerts;
    private final EventCodec codec;
    private final Clock clock;
    private final AuditTrail audit;

    AlertService(AlertRepository alerts, ClinicAlerts clinicAlerts, EventCodec codec, Clock clock, AuditTrail audit) {
        this.alerts = alerts;
        this.clinicAlerts = clinicAlerts;
        this.codec = codec;
        this.clock = clock;
        this.audit = audit;
    }

    /** A page of a list and whether there is a next page. */
    record AlertPage(List<AlertView> alerts, boolean more) {
    }

    /**
     * HIGH before MEDIUM before LOW, newest first within a level: the clinic's read model gives the
     * page's ids, then the page's alerts are loaded by id. An alert whose status changed since the
     * read model was last updated is left out of the page rather than shown in the wrong list.
     */
    AlertPage list(String clinicId, AlertStatus status, int limit, int page) {
        // A clinic the caller does not belong to is nobody's as far as they can tell: the unknown clinic's 404.
        StaffMember staff = StaffRequests.current();
        if (!audit.permits(AuditAction.READ, "alert", null, null, staff != null && staff.sees(clinicId) ? clinicId : null)) {
            throw ProblemException.notFound("clinic", clinicId);
        }
        var ids = AlertListing.page(clinicAlerts.entries(clinicId, status), limit, page);
        if (ids.alertIds().isEmpty()) {
            return new AlertPage(List.of(), ids.more());
        }
        Map<String, Alert> byId = alerts.findAllById(ids.alertIds()).stream()
                .collect(Collectors.toMap(alert -> alert.id().toString(), Function.identity()));
        var views = ids.alertIds().stream().map(byId::get)
                .filter(alert -> alert != null && alert.status() == status)
                .map(AlertView::of)
                .toList();
        return new AlertPage(views, ids.more());
    }

    /** Acknowledged by {@code staff}, the token's subject, which AlertAcknowledged carries as {@code acknowledgedBy}. */
    AlertView acknowledge(UUID alertId, StaffMember staff) {
        var alert = alerts.findById(alertId.toString()).orElse(null);
        if (!audit.permits(AuditAction.UPDATE, "alert", alertId, alert == null ? null : alert.patientId(),
                alert == null ? null : alert.clinicId())) {
            throw ProblemException.notFound("alert", alertId);
        }
        String acknowledgedBy = staff.subject();
        if (alert.status() == AlertStatus.ACKNOWLEDGED) {
            throw alreadyAcknowledged(alertId);
        }
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        alert.acknowledge(acknowledgedBy, now);
        alert.stage(OutboxMessage.of(EventEnvelope.of(now, alert.patientId(), alert.clinicId(),
                new AlertAcknowledged(alertId, acknowledgedBy)), codec));
        try {
            alerts.save(alert);
        } catch (OptimisticLockingFailureException raced) {
            if (alerts.findById(alertId.toString()).map(Alert::status).orElse(null) == AlertStatus.ACKNOWLEDGED) {
                throw alreadyAcknowledged(alertId);
            }
            throw raced;
        }
        log.info("Alert {} acknowledged", alertId);
        // The lists show it at once; should this update be lost, AlertAcknowledged makes it again.
        try {
            clinicAlerts.sync(alert);
        } catch (RuntimeException e) {
            log.warn("Alert lists of the clinic not updated yet for alert {}; AlertAcknowledged will: {}", alertId, e.getMessage());
        }
        return AlertView.of(alert);
    }

    private static ProblemException alreadyAcknowledged(UUID alertId) {
        return new ProblemException(HttpStatus.CONFLICT, "alert-already-acknowledged", "Alert already acknowledged",
                "Alert " + alertId + " has already been acknowledged");
    }
}
