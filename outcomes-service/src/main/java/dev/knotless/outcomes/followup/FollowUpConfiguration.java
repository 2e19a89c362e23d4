package dev.knotless.outcomes.followup;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The sweep runs on Spring's scheduler; kept out of the application class so web slices do not schedule. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class FollowUpConfiguration {
}
