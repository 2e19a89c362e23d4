package dev.knotless.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The single public entry of Knotless: routes {@code /api/**} to the three services (routes in
 * application.yml), gives every exchange a request id, limits request bodies, and answers every
 * failure of its own (unknown path, a service down or too slow) with an RFC 9457 problem detail.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
