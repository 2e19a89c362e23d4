package dev.knotless.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For {@code knotless up}: the broker's and the store's full log goes to
 * {@code <dataDir>/logs/launcher.log}, and the terminal keeps the launcher's own lines and errors.
 * (As a library, for the system tests, logback.xml alone applies: launcher lines and warnings.)
 */
final class LauncherLogging {

    private LauncherLogging() {
    }

    static void toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(context);
        fileAppender.setName("FILE");
        fileAppender.setFile(file.toString());
        fileAppender.setAppend(true);
        fileAppender.setEncoder(encoder);
        fileAppender.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> console = root.getAppender("OTHERS");
        if (console != null) {
            ThresholdFilter errorsOnly = new ThresholdFilter();
            errorsOnly.setLevel(Level.ERROR.toString());
            errorsOnly.start();
            console.addFilter(errorsOnly);
        }
        root.addAppender(fileAppender);
        root.setLevel(Level.INFO);
        context.getLogger("dev.knotless.launcher").addAppender(fileAppender);
    }
}
