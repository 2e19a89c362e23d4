package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AlertStatus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AlertController {

    private final AlertService alerts;

    AlertController(AlertService alerts) {
        this.alerts = alerts;
    }

    /** The clinic's alerts in one status (OPEN unless asked), most urgent first; at most {@code limit} (default 100). */
    @GetMapping("/api/clinics/{clinicId}/alerts")
    List<AlertView> list(@PathVariable @NotBlank @Size(max = 64) String clinicId,
                         @RequestParam(defaultValue = "OPEN") AlertStatus status,
                         @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit) {
        return alerts.list(clinicId, status, limit);
    }

    @PostMapping("/api/alerts/{alertId}/acknowledge")
    AlertView acknowledge(@PathVariable UUID alertId, @Valid @RequestBody AcknowledgeAlert body) {
        return alerts.acknowledge(alertId, body.acknowledgedBy());
    }

    record AcknowledgeAlert(@NotBlank @Size(max = 64) String acknowledgedBy) {
    }
}
