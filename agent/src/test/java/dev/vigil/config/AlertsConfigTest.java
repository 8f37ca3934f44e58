package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code alerts:} and a floating IP's {@code notify:}: what is read, and every mistake at line:column. */
class AlertsConfigTest {
    private static final Path FILE = Path.of("alerts.yaml");
    private static final List<String> NODES = List.of("ha1", "ha2");

    @Test
    void readsEachKindWithItsDefaults() throws Exception {
        var config = ConfigLoader.loadResources("""
                alerts:
                  - {name: log, kind: agent, path: /usr/local/bin/alert_file.sh, recipients: [/var/log/a.log, /tmp/b.log],
                     events: [node-dead, resource-moved], timeout: 5s, timestamp_format: "%Y-%m-%d %H:%M:%S"}
                  - name: mail
                    kind: smtp
                    smtp: {host: 127.0.0.1, port: 2525, starttls: true, user: vigil, password_file: /etc/vigil/smtp.pw,
                           from: vigil@example.com}
                    recipients: [ops@example.com]
                    rate_limit: {count: 10, per: 1m}
                  - {name: hook, kind: webhook, url: "http://10.0.0.1:8080/vigil"}
                """, FILE, NODES);
        var alerts = config.alerts();
        assertThat(alerts).hasSize(3);
        var log = alerts.get(0);
        assertThat(log.kind()).isEqualTo(AlertSpec.Kind.AGENT);
        assertThat(log.path()).contains(Path.of("/usr/local/bin/alert_file.sh"));
        assertThat(log.events()).isEqualTo(Set.of(AlertTopic.NODE_DEAD, AlertTopic.RESOURCE_MOVED));
        assertThat(log.recipients()).containsExactly("/var/log/a.log", "/tmp/b.log");
        assertThat(log.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(log.timestampFormat()).isEqualTo("%Y-%m-%d %H:%M:%S");
        var mail = alerts.get(1);
        assertThat(mail.smtp()).contains(new AlertSpec.Smtp("127.0.0.1", 2525, true, Optional.of("vigil"),
                Optional.of(Path.of("/etc/vigil/smtp.pw")), "vigil@example.com", Optional.empty()));
        assertThat(mail.rateLimit()).contains(new AlertSpec.RateLimit(10, Duration.ofMinutes(1)));
        assertThat(mail.events()).isEqualTo(EnumSet.allOf(AlertTopic.class));
        assertThat(mail.timeout()).isEqualTo(AlertSpec.DEFAULT_TIMEOUT);
        var hook = alerts.get(2);
        assertThat(hook.url()).contains(URI.create("http://10.0.0.1:8080/vigil"));
        assertThat(hook.timestampFormat()).isEqualTo(AlertSpec.DEFAULT_TIMESTAMP_FORMAT);
    }

    @Test
    void smtpPortDefaultsFollowStarttls() throws Exception {
        var config = ConfigLoader.loadResources("""
                alerts:
                  - {name: a, kind: smtp, smtp: {host: mail.example.com}, recipients: [ops@example.com]}
                  - {name: b, kind: smtp, smtp: {host: mail.example.com, starttls: true}, recipients: [ops@example.com]}
                """, FILE, NODES);
        assertThat(config.alerts().get(0).smtp().orElseThrow().port()).isEqualTo(25);
        assertThat(config.alerts().get(1).smtp().orElseThrow().port()).isEqualTo(587);
    }

    @Test
    void everyMistakeAtItsLineAndColumn() {
        var errors = errors("""
                alerts:
                  - {name: a, kind: agent, path: alert.sh, evnets: [node-dead]}
                  - {name: a, kind: pager}
                  - {name: c, kind: webhook, url: "ftp://x/y", path: /bin/true}
                  - {name: d, kind: agent, path: /bin/true, events: [node-died, resource-moved], timeout: 0s}
                  - {name: e, kind: smtp, smtp: {host: "bad host", port: 70000, user: me}, recipients: [ops@example.com]}
                  - {name: f, kind: smtp, smtp: {host: mail.example.com}}
                  - {name: g, kind: webhook, url: "http://h/", rate_limit: {count: 0, per: 1m}}
                  - {name: h, kind: agent, path: /bin/true, events: []}
                """);
        assertThat(errors).extracting(e -> e.line() + ":" + e.column() + " " + e.message()).satisfiesExactly(
                e -> assertThat(e).startsWith("2:34 path `alert.sh` must be absolute"),
                e -> assertThat(e).startsWith("2:44 unknown key `evnets` in an alert (did you mean `events`?)"),
                e -> assertThat(e).startsWith("3:12 duplicate alert name `a` (already used at line 2)"),
                e -> assertThat(e).startsWith("3:21 unknown alert kind `pager`; valid values: agent | smtp | webhook"),
                e -> assertThat(e).startsWith("4:35 url `ftp://x/y` must be http:// or https://"),
                e -> assertThat(e).startsWith("4:48 `path` belongs to alerts of kind agent, not webhook"),
                e -> assertThat(e).startsWith("5:54 unknown event `node-died` (did you mean `node-dead`?); events: node-joined"),
                e -> assertThat(e).startsWith("5:91 timeout must be longer than 0"),
                e -> assertThat(e).startsWith("6:33 smtp needs both user and password_file"),
                e -> assertThat(e).startsWith("6:40 host `bad host` is not a host name or IP address"),
                e -> assertThat(e).startsWith("6:58 smtp port must be a TCP port (1..65535), got 70000"),
                e -> assertThat(e).startsWith("7:5 missing required key `recipients` in an alert of kind smtp"),
                e -> assertThat(e).startsWith("8:68 count must be an integer from 1 to 1000000, got 0"),
                e -> assertThat(e).startsWith("9:53 events is empty"));
    }

    @Test
    void notifyOnAFloatingIpOnly() throws Exception {
        var config = ConfigLoader.loadResources("""
                resources:
                  - {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}, notify: {master: /etc/vigil/up.sh, fault: /etc/vigil/fault.sh x}}
                  - {id: vip2, agent: ocf:heartbeat:IPaddr2, params: {ip: 10.0.0.47}, notify: /etc/keepalived/notify.sh}
                """, FILE, NODES);
        assertThat(config.resource("vip").orElseThrow().notifyCommands()).contains(new NotifySpec(
                Optional.of("/etc/vigil/up.sh"), Optional.empty(), Optional.of("/etc/vigil/fault.sh x"), Optional.empty()));
        assertThat(config.resource("vip2").orElseThrow().notifyCommands()).contains(new NotifySpec(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("/etc/keepalived/notify.sh")));

        var errors = errors("""
                resources:
                  - {id: web, agent: lsb:apache2, notify: /bin/true}
                  - {id: vip, agent: ocf:vigil:IPaddr, notify: {mastr: /bin/true, backup: notify.sh}}
                """);
        assertThat(errors).extracting(e -> e.line() + ":" + e.column() + " " + e.message()).satisfiesExactly(
                e -> assertThat(e).startsWith("2:35 notify is for floating-IP resources (IPaddr, IPaddr2), not apache2"),
                e -> assertThat(e).startsWith("3:49 unknown key `mastr` in notify (did you mean `master`?)"),
                e -> assertThat(e).startsWith("3:75 backup `notify.sh` must start with an absolute path"));
    }

    @Test
    void theWholeFileCheckCoversAlerts() throws Exception {
        // `vigil config check` is ConfigLoader.check on the whole file.
        var dir = java.nio.file.Files.createTempDirectory("alerts-check");
        ConfigFixtures.writeKey(dir.resolve("authkey"));
        var errors = ConfigLoader.check("""
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.1}, {name: ha2, address: 10.0.0.2}]
                links: [{type: udp, mode: unicast, port: 694}]
                alerts: [{name: x, kind: webhook, url: "http://h/", events: [quorum-lots]}]
                """, dir.resolve("cluster.yaml"), ConfigFixtures.NO_DNS);
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.message()).contains("unknown event `quorum-lots` (did you mean `quorum-lost`?)");
        });
    }

    private static List<ConfigError> errors(String yaml) {
        try {
            ConfigLoader.loadResources(yaml, FILE, NODES);
            return List.of();
        } catch (ConfigException e) {
            return e.errors();
        }
    }
}
