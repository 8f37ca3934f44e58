package dev.vigil.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of {@code alerts:}: where to send which events (docs/alerts.md).
 *
 * @param name            unique among alerts; names the alert in logs and counters
 * @param kind            how it is sent
 * @param path            {@code kind: agent}: the executable (a Pacemaker alert agent), absolute
 * @param smtp            {@code kind: smtp}: the mail server
 * @param url             {@code kind: webhook}: where the JSON is POSTed (http or https)
 * @param events          the events it wants; all when the file does not say
 * @param recipients      an agent runs once per recipient (CRM_alert_recipient), and once without
 *                        one when there is none; mail goes to all of them; a webhook ignores them
 * @param timeout         each run (an agent's process with its children, a mail, a webhook with
 *                        its retries) is given up, killed, after this
 * @param rateLimit       at most this many sends in a sliding window; the rest are dropped and counted
 * @param timestampFormat CRM_alert_timestamp's format, Pacemaker's {@code timestamp-format}
 */
public record AlertSpec(String name, Kind kind, Optional<Path> path, Optional<Smtp> smtp, Optional<URI> url,
                        Set<AlertTopic> events, List<String> recipients, Duration timeout,
                        Optional<RateLimit> rateLimit, String timestampFormat) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Pacemaker's default {@code timestamp-format}. */
    public static final String DEFAULT_TIMESTAMP_FORMAT = "%H:%M:%S.%06N";

    public AlertSpec {
        events = Set.copyOf(events);
        recipients = List.copyOf(recipients);
    }

    public boolean wants(AlertTopic topic) {
        return events.contains(topic);
    }

    public enum Kind {
        AGENT, SMTP, WEBHOOK;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param passwordFile read when a mail is sent, so the secret is not in the distributed file
     * @param from         the sender address
     * @param caFile       PEM certificates to trust for the server's TLS certificate instead of the
     *                     system's (a mail relay with an internal CA)
     */
    public record Smtp(String host, int port, boolean starttls, Optional<String> user, Optional<Path> passwordFile,
                       String from, Optional<Path> caFile) {}

    /** At most {@code count} sends per {@code per}. */
    public record RateLimit(int count, Duration per) {}
}
