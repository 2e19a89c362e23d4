package dev.knotless.outcomes.dashboard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.outcomes.dashboard.*}: {@code active-window} is how recent a patient's last
 * session must be for the patient to count as active; the follow-up figures cover the sessions of
 * the same window. The dashboard reads one document per day of it, so it is at most 366 days.
 */
@ConfigurationProperties("knotless.outcomes.dashboard")
record DashboardProperties(@DefaultValue("30d") Duration activeWindow) {

    DashboardProperties {
        // The dashboard reads one document per day of the window: keep that number bounded.
        if (activeWindow.compareTo(Duration.ofDays(1)) < 0 || activeWindow.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("knotless.outcomes.dashboard.active-window is from 1 to 366 days");
        }
    }
}
