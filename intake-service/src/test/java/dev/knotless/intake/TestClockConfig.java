package dev.knotless.intake;

import dev.knotless.testsupport.MutableClock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The ITs' "now": fixed, so that occurredAt, registeredAt and timestamps in the future are exact. */
@TestConfiguration(proxyBeanMethods = false)
public class TestClockConfig {

    public static final String NOW = "2026-11-20T15:00:00Z";

    @Bean
    @Primary
    MutableClock clock() {
        return MutableClock.startingAt(NOW);
    }
}
