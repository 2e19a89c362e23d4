package dev.knotless.outcomes.dashboard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.outcomes.dashboard.*}: {@code active-window} is how recent a patient's last
 * session must be for the patient to count as active; the follow-up figures cover the sessions of
 * the same window.
 */
@ConfigurationProperties("knotless.outcomes.dashboard")
record DashboardProperties(@DefaultValue("30d") Duration activeWindow) {
}
