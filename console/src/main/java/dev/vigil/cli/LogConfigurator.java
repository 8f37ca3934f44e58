package dev.vigil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback set up in code rather than from logback.xml: the XML route loads an XML parser and
 * Joran, a few hundred classes and ~1.5 MB of resident memory in every agent, for a fixed
 * configuration. Logs go to stderr (the journal under systemd; stdout stays for command output).
 * {@code VIGIL_LOG_LEVEL} (TRACE, DEBUG, INFO, WARN, ERROR) sets Vigil's own level, INFO by default.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, System::getenv);
    }

    /** As {@link #configure(LoggerContext)}, with the environment given (tests set VIGIL_LOG_LEVEL this way). */
    ExecutionStatus configure(LoggerContext context, java.util.function.UnaryOperator<String> environment) {
        // PATTERN, formatted by LineLayout: PatternLayout itself costs every agent ~150 classes.
        var layout = new LineLayout();
        layout.setContext(context);
        layout.start();
        var encoder = new LayoutWrappingEncoder<ILoggingEvent>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();

        var stderr = new ConsoleAppender<ILoggingEvent>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        var level = environment.apply("VIGIL_LOG_LEVEL");
        context.getLogger("dev.vigil").setLevel(Level.toLevel(level, Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
