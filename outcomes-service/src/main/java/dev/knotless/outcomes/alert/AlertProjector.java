package dev.knotless.outcomes.alert;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.EventPayload.AlertRaised;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Turns AlertRaised into an alert document and keeps the clinic's alert lists ({@link ClinicAlerts})
 * in line with it; AlertAcknowledged only does the latter. Everything is by key. The alert id is
 * deterministic and the document is inserted once: a redelivered or re-raised event finds it there
 * (an acknowledged alert is never reopened). The list update is made on every delivery, from the
 * alert document's status, so one lost to a crash is made by the redelivery.
 */
@Component
public class AlertProjector {

    private static final Logger log = LoggerFactory.getLogger(AlertProjector.class);

    private final AlertRepository alerts;
    private final ClinicAlerts clinicAlerts;
    private final FollowUpRepository followUps;
    private final MeterRegistry meters;

    AlertProjector(AlertRepository alerts, ClinicAlerts clinicAlerts, FollowUpRepository followUps, MeterRegistry meters) {
        this.alerts = alerts;
        this.clinicAlerts = clinicAlerts;
        this.followUps = followUps;
        this.meters = meters;
    }

    public void onAlertRaised(EventEnvelope event, AlertRaised raised) {
        var existing = alerts.findById(raised.alertId().toString());
        if (existing.isPresent()) {
            log.debug("Alert {} already projected (eventId {})", raised.alertId(), event.eventId());
            clinicAlerts.sync(existing.get());
            return;
        }
        String description = null;
        if (raised.rule() == AlertRule.SIGNIFICANT_ADVERSE_EVENT && raised.followUpId() != null) {
            description = followUps.findById(raised.followUpId().toString())
                    .map(FollowUp::answers)
                    .map(answers -> answers.adverseEventDescription())
                    .orElse(null);
        }
        var alert = Alert.raised(raised.alertId(), raised.level(), raised.rule(), event.patientId(), event.clinicId(),
                raised.sessionId(), raised.followUpId(), raised.checkpoint(), event.occurredAt(), description);
        try {
            alert = alerts.insert(alert);
            Counter.builder("knotless.outcomes.alerts.raised").description("alerts raised, by level and rule")
                    .tag("level", raised.level().name()).tag("rule", raised.rule().name()).register(meters).increment();
            log.info("Alert {} {} {} raised for patient {} (eventId {})", raised.alertId(), raised.level(), raised.rule(),
                    event.patientId(), event.eventId());
        } catch (DuplicateKeyException alreadyProjected) {
            log.debug("Alert {} already projected (eventId {})", raised.alertId(), event.eventId());
            alert = alerts.findById(raised.alertId().toString()).orElseThrow();
        }
        clinicAlerts.sync(alert);
    }

    /** The acknowledge endpoint updated the lists already; this makes sure, should that update have been lost. */
    public void onAlertAcknowledged(EventEnvelope event, AlertAcknowledged acknowledged) {
        alerts.findById(acknowledged.alertId().toString()).ifPresentOrElse(clinicAlerts::sync,
                () -> log.warn("AlertAcknowledged {} for unknown alert {}", event.eventId(), acknowledged.alertId()));
    }
}
