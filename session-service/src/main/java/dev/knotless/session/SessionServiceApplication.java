package dev.knotless.session;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Records dry needling sessions behind a safety gate. Knows about patients only through the
 * events of intake-service and outcomes-service (a local read model), publishes SessionRecorded.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SessionServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(SessionServiceApplication.class, args);
    }
}
