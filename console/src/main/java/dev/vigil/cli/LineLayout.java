package dev.vigil.cli;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.util.CachingDateFormatter;

/**
 * The log line of {@link LogConfigurator#PATTERN}, formatted directly. Logback's PatternLayout
 * would parse that pattern, but its class initialiser registers every converter logback has
 * (~65 lambdas and the converter classes they name, ~150 classes in all), which every agent then
 * carries for its whole life. LogConfiguratorTest compares this layout's lines with
 * PatternLayout's for the same events, stack traces included.
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {
    static final String DATE_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSS";

    // As %d{DATE_PATTERN} sets it up: no zone or locale option, so the system's.
    private final CachingDateFormatter dates = new CachingDateFormatter(DATE_PATTERN, null, null);
    // PatternLayout appends this converter to a pattern that prints no exception of its own.
    private final ThrowableProxyConverter throwables = new ThrowableProxyConverter();

    @Override
    public void start() {
        throwables.setContext(getContext());
        throwables.start();
        super.start();
    }

    @Override
    public void stop() {
        throwables.stop();
        super.stop();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        var line = new StringBuilder(128);
        line.append(dates.format(event.getTimeStamp())).append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');   // %-5level
        }
        line.append(" [").append(event.getThreadName()).append("] ");
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length());   // %logger{0}
        line.append(": ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        line.append(throwables.convert(event));
        return line.toString();
    }
}
