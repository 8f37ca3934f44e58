package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
    @Test
    void logsToStderrWithVigilAtInfoAndLibrariesAtWarn() {
        var context = new LoggerContext();
        var configurator = new LogConfigurator();
        configurator.setContext(context);
        configurator.configure(context, name -> null);
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        var appender = (ConsoleAppender<?>) root.getAppender("stderr");
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(appender.isStarted()).isTrue();
        assertThat(context.getLogger("dev.vigil").getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void vigilLogLevelSetsVigilsOwnLevelOnly() {
        for (var level : java.util.List.of(Level.TRACE, Level.DEBUG, Level.WARN, Level.ERROR)) {
            var context = new LoggerContext();
            var configurator = new LogConfigurator();
            configurator.setContext(context);
            configurator.configure(context, name -> name.equals("VIGIL_LOG_LEVEL") ? level.toString() : null);
            assertThat(context.getLogger("dev.vigil").getLevel()).isEqualTo(level);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
        }
    }

    @Test
    void anUnknownVigilLogLevelFallsBackToInfo() {
        var context = new LoggerContext();
        var configurator = new LogConfigurator();
        configurator.setContext(context);
        configurator.configure(context, name -> name.equals("VIGIL_LOG_LEVEL") ? "LOUD" : null);
        assertThat(context.getLogger("dev.vigil").getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void isTheConfiguratorLogbackFinds() {
        var services = java.util.ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class);
        assertThat(services.stream().map(p -> p.type().getName()).toList()).contains(LogConfigurator.class.getName());
    }

    @Test
    void linesAreWhatPatternLayoutMadeOfThePattern() {
        var context = new LoggerContext();
        var pattern = new ch.qos.logback.classic.PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(LogConfigurator.PATTERN);
        pattern.start();
        var ours = new LineLayout();
        ours.setContext(context);
        ours.start();

        var cause = new java.io.IOException("disk on fire");
        var failure = new IllegalStateException("cannot persist", cause);
        failure.addSuppressed(new RuntimeException("while closing"));
        var events = new java.util.ArrayList<ch.qos.logback.classic.spi.LoggingEvent>();
        for (var level : java.util.List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
            events.add(event(context, "dev.vigil.coordination.Coordination", level, "node {} is dead after {} ms",
                    new Object[] {"ha2", 31}, null));
        }
        events.add(event(context, "Root", Level.WARN, "no dots in this logger name", null, null));
        events.add(event(context, "dev.vigil.control.ControlServer", Level.ERROR, "control request failed", null, failure));
        events.add(event(context, "x.y.Z", Level.INFO, "braces {} without args and a\nsecond line", null, null));
        events.get(0).setThreadName("vigil-heartbeat-sender");
        for (var e : events) {
            assertThat(ours.doLayout(e)).isEqualTo(pattern.doLayout(e));
        }
        assertThat(ours.doLayout(events.get(6))).contains("Caused by: java.io.IOException: disk on fire")
                .contains("Suppressed: java.lang.RuntimeException: while closing");
    }

    private static ch.qos.logback.classic.spi.LoggingEvent event(LoggerContext context, String logger, Level level,
                                                                String message, Object[] args, Throwable t) {
        var e = new ch.qos.logback.classic.spi.LoggingEvent("fqcn", context.getLogger(logger), level, message, t, args);
        e.setTimeStamp(1767225600123L + level.toInt());
        return e;
    }
}
