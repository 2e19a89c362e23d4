package dev.knotless.platform.audit;

import java.time.Period;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.audit.*}.
 *
 * @param retention how long a record is kept (MongoDB's TTL index removes it after that)
 * @param paths     Ant patterns of the requests that are recorded: every access to patient data
 */
@ConfigurationProperties("knotless.audit")
public record AuditProperties(
        @DefaultValue("6y") Period retention,
        @DefaultValue("/api/**") List<String> paths) {
}
