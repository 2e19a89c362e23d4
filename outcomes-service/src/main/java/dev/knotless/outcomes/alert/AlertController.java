package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.platform.security.StaffMember;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
class AlertController {

    private final AlertService alerts;

    AlertController(AlertService alerts) {
        this.alerts = alerts;
    }

    /**
     * The clinic's alerts in one status (OPEN unless asked), most urgent first, {@code limit} per
     * page (default 100), page {@code page} (from 0). The body stays a plain array; when a later
     * page has more, a {@code Link: <...>; rel="next"} header says where. ACKNOWLEDGED lists only
     * the {@value ClinicAlerts#ACKNOWLEDGED_KEPT} most recently acknowledged alerts. Only the
     * caller's own clinic: another is a 404, as if it did not exist.
     */
    @GetMapping("/api/clinics/{clinicId}/alerts")
    ResponseEntity<List<AlertView>> list(@PathVariable @NotBlank @Size(max = 64) String clinicId,
                                         @RequestParam(defaultValue = "OPEN") AlertStatus status,
                                         @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit,
                                         @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page) {
        var result = alerts.list(clinicId, status, limit, page);
        var response = ResponseEntity.ok();
        if (result.more()) {
            String next = UriComponentsBuilder.fromPath("/api/clinics/{clinicId}/alerts")
                    .queryParam("status", status).queryParam("limit", limit).queryParam("page", page + 1)
                    .buildAndExpand(clinicId).encode().toUriString();
            response.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
        }
        return response.body(result.alerts());
    }

    /**
     * Acknowledged by the token's subject; 404 for an unknown alert or another clinic's, 409 when
     * already acknowledged. The body may be left out or be {@code {}}.
     */
    @PostMapping("/api/alerts/{alertId}/acknowledge")
    AlertView acknowledge(@AuthenticationPrincipal StaffMember staff, @PathVariable UUID alertId,
                          @RequestBody(required = false) AcknowledgeAlert body) {
        return alerts.acknowledge(alertId, staff);
    }

    /**
     * No fields: the acknowledging therapist is the token's subject. A body still sending
     * {@code acknowledgedBy} is a 400 naming it, as any unknown field (strict JSON).
     */
    record AcknowledgeAlert() {
    }
}
