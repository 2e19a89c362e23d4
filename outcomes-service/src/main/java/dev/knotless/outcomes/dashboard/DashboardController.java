package dev.knotless.outcomes.dashboard;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DashboardController {

    private final DashboardService dashboards;

    DashboardController(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GetMapping("/api/clinics/{clinicId}/dashboard")
    DashboardCalculator.Dashboard dashboard(@PathVariable @NotBlank @Size(max = 64) String clinicId) {
        return dashboards.dashboard(clinicId);
    }
}
