package dev.knotless.session.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.session.*}.
 *
 * @param maxSessionDuration the longest a session may last from startedAt to endedAt
 */
@ConfigurationProperties("knotless.session")
public record SessionProperties(@DefaultValue("4h") Duration maxSessionDuration) {

    public SessionProperties {
        if (maxSessionDuration == null || maxSessionDuration.isNegative() || maxSessionDuration.isZero()) {
            throw new IllegalArgumentException("knotless.session.max-session-duration must be positive");
        }
    }
}
