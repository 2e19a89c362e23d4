package dev.knotless.outcomes.timeline;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code knotless.outcomes.pain-mcid}: the MCID in pain points (default 2). */
@ConfigurationProperties("knotless.outcomes")
record TimelineProperties(@DefaultValue("2") int painMcid) {
}
