package dev.knotless.platform.audit;

import java.time.Period;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.audit.*}.
 *
 * @param retention how long a record is kept (MongoDB's TTL index removes it after that)
 * @param paths         Ant patterns of the requests that are recorded: every access to patient data
 * @param redactedPaths Ant patterns of paths that carry a credential (a survey link's token): a request
 *                      to one is recorded under the pattern, never its own path
 */
@ConfigurationProperties("knotless.audit")
public record AuditProperties(
        @DefaultValue("6y") Period retention,
        @DefaultValue("/api/**") List<String> paths,
        @DefaultValue List<String> redactedPaths) {

    public AuditProperties {
        redactedPaths = redactedPaths == null ? List.of() : List.copyOf(redactedPaths);
    }
}
