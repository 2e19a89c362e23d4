package dev.knotless.outcomes.alert;

import dev.knotless.events.EventEnvelope;
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
 * Turns AlertRaised into an alert document. The alert id is deterministic and the document is
 * inserted once: a redelivered or re-raised event finds it there and changes nothing (an
 * acknowledged alert is never reopened).
 */
@Component
public class AlertProjector {

    private static final Logger log = LoggerFactory.getLogger(AlertProjector.class);

    private final AlertRepository alerts;
    private final FollowUpRepository followUps;
    private final MeterRegistry meters;

    AlertProjector(AlertRepository alerts, FollowUpRepository followUps, MeterRegistry meters) {
        this.alerts = alerts;
        this.followUps = followUps;
        this.meters = meters;
    }

    public void onAlertRaised(EventEnvelope event, AlertRaised raised) {
        if (alerts.existsById(raised.alertId().toString())) {
            log.debug("Alert {} already projected (eventId {})", raised.alertId(), event.eventId());
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
            alerts.insert(alert);
            Counter.builder("knotless.outcomes.alerts.raised").description("alerts raised, by level and rule")
                    .tag("level", raised.level().name()).tag("rule", raised.rule().name()).register(meters).increment();
            log.info("Alert {} {} {} raised for patient {} (eventId {})", raised.alertId(), raised.level(), raised.rule(),
                    event.patientId(), event.eventId());
        } catch (DuplicateKeyException alreadyProjected) {
            log.debug("Alert {} already projected (eventId {})", raised.alertId(), event.eventId());
        }
    }
}
