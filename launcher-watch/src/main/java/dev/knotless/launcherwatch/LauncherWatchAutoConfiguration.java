package dev.knotless.launcherwatch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
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
    LauncherWatch launcherWatch(Environment environment, ConfigurableApplicationContext context) {
        long pid = environment.getRequiredProperty("knotless.launcher.pid", Long.class);
        String start = environment.getProperty("knotless.launcher.start", "");
        // A thread of its own: exit closes the context, which stops this bean, and must not wait on the caller.
        Runnable exit = () -> Thread.ofPlatform().name("launcher-gone").start(() -> System.exit(SpringApplication.exit(context, () -> 3)));
        return new LauncherWatch(pid, start, exit);
    }
}
