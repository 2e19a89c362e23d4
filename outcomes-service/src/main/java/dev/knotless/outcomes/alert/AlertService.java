package dev.knotless.outcomes.alert;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.outbox.OutboxMessage;
import dev.knotless.platform.web.ProblemException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

@Service
class AlertService {

    private static final Logger log = LoggerFactory.getLogger(AlertService.class);
    private static final Sort MOST_URGENT_FIRST = Sort.by(Sort.Order.asc("levelRank"), Sort.Order.desc("raisedAt"), Sort.Order.asc("_id"));

    private final AlertRepository alerts;
    private final EventCodec codec;
    private final Clock clock;

    AlertService(AlertRepository alerts, EventCodec codec, Clock clock) {
        this.alerts = alerts;
        this.codec = codec;
        this.clock = clock;
    }

    /** HIGH before MEDIUM before LOW, newest first within a level. */
    List<AlertView> list(String clinicId, AlertStatus status, int limit) {
        return alerts.findByClinicIdAndStatus(clinicId, status, PageRequest.of(0, limit, MOST_URGENT_FIRST)).stream()
                .map(AlertView::of)
                .toList();
    }

    AlertView acknowledge(UUID alertId, String acknowledgedBy) {
        var alert = alerts.findById(alertId.toString()).orElseThrow(() -> ProblemException.notFound("alert", alertId));
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
        return AlertView.of(alert);
    }

    private static ProblemException alreadyAcknowledged(UUID alertId) {
        return new ProblemException(HttpStatus.CONFLICT, "alert-already-acknowledged", "Alert already acknowledged",
                "Alert " + alertId + " has already been acknowledged");
    }
}
