package dev.knotless.launcherwatch;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * On in a service started by the launcher, which sets {@code KNOTLESS_LAUNCHER_PID} (and
 * {@code KNOTLESS_LAUNCHER_START}); off under compose and in tests, where nothing sets it.
 */
@AutoConfiguration
@ConditionalOnProperty("knotless.launcher.pid")
public class LauncherWatchAutoConfiguration {

    @Bean
    LauncherWatch launcherWatch(Environment environment) {
        long pid = environment.getRequiredProperty("knotless.launcher.pid", Long.class);
        String start = environment.getProperty("knotless.launcher.start", "");
        // Halt, not a graceful stop: the broker and the store lived in the launcher, so nothing can be
        // saved any more, and an orderly close waits on them (requests in flight, producers, the audit
        // queue) for a minute while the ports stay taken. Nothing acknowledged is lost: an answer was
        // only ever given after the store committed.
        return new LauncherWatch(pid, start, () -> Runtime.getRuntime().halt(3));
    }
}
