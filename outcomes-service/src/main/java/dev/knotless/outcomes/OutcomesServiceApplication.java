package dev.knotless.outcomes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Follow-up surveys and their schedule, recovery timelines, alerts and clinic dashboards. Consumes
 * the intake, session and its own outcome topic; publishes {@code knotless.outcome.v1} through the
 * outbox of the follow-up and alert documents.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OutcomesServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(OutcomesServiceApplication.class, args);
    }
}
