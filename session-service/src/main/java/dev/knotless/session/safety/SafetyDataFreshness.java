package dev.knotless.session.safety;

import java.time.Duration;

/**
 * Whether the read model the safety gate decides from is known to be current: every intake and
 * outcome event written up to {@code age} ago has been applied. Only {@link Current} lets a session
 * through; the other two are refusals (503 {@code safety-data-stale}).
 */
public sealed interface SafetyDataFreshness {

    /** Confirmed current {@code age} ago, within the limit. */
    record Current(Duration age) implements SafetyDataFreshness {
    }

    /** Last confirmed current {@code age} ago, longer than {@code maxStaleness}. */
    record Stale(Duration age, Duration maxStaleness) implements SafetyDataFreshness {
    }

    /** Not confirmed current since this service started: it may not have caught up, so it must not guess. */
    record NeverConfirmed(Duration maxStaleness) implements SafetyDataFreshness {
    }
}
