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
        configurator.configure(context);
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        var appender = (ConsoleAppender<?>) root.getAppender("stderr");
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(appender.isStarted()).isTrue();
        if (System.getenv("VIGIL_LOG_LEVEL") == null) {
            assertThat(context.getLogger("dev.vigil").getLevel()).isEqualTo(Level.INFO);
        }
    }

    @Test
    void isTheConfiguratorLogbackFinds() {
        var services = java.util.ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class);
        assertThat(services.stream().map(p -> p.type().getName()).toList()).contains(LogConfigurator.class.getName());
    }
}
