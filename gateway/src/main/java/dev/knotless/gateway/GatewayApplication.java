package dev.knotless.gateway;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * The single public entry of Knotless: routes {@code /api/**} to the three services (routes in
 * application.yml), gives every exchange a request id, limits request bodies, and answers every
 * failure of its own (unknown path, a service down or too slow) with an RFC 9457 problem detail.
 * Who may pass: {@code dev.knotless.gateway.security}; limits: {@code dev.knotless.gateway.ratelimit}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }

    /** Sessions' idle time and rate limits read the time from here; tests replace it with a clock they move. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
