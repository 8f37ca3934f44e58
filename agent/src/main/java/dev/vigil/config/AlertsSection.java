package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code alerts:} (docs/alerts.md) and the {@code notify:} of a floating-IP resource: where the
 * cluster tells people what happened. Part of the policy half, so it is distributed with it.
 */
final class AlertsSection extends SectionReader {

    private static final List<String> ALERT_KEYS = List.of("name", "kind", "path", "smtp", "url", "events",
            "recipients", "timeout", "rate_limit", "timestamp_format");
    private static final List<String> SMTP_KEYS = List.of("host", "port", "starttls", "user", "password_file", "from",
            "ca_file");
    private static final List<String> RATE_KEYS = List.of("count", "per");
    private static final List<String> NOTIFY_KEYS = List.of("master", "backup", "fault");
    private static final List<String> EVENT_NAMES = Arrays.stream(AlertTopic.values()).map(AlertTopic::configName).toList();

    AlertsSection(SectionReader shared) {
        super(shared);
    }

    /** The {@code alerts:} section: each valid alert kept. */
    List<AlertSpec> read(Entry entry) {
        Optional<ListNode> list = list(entry.value(), "alerts",
                "a list of alerts such as - {name: log, kind: agent, path: /usr/local/bin/alert_file.sh}");
        if (list.isEmpty()) {
            return List.of();
        }
        Map<String, Pos> names = new HashMap<>();
        var alerts = new ArrayList<AlertSpec>();
        for (Node item : list.get().items()) {
            map(item, "an alert", "a map such as {name: ops-mail, kind: smtp, smtp: {host: mail.example.com}, "
                    + "recipients: [ops@example.com]}").flatMap(m -> alert(m, names)).ifPresent(alerts::add);
        }
        return alerts;
    }

    private Optional<AlertSpec> alert(MapNode am, Map<String, Pos> names) {
        checkKeys(am, "an alert", ALERT_KEYS);
        int before = errors.size();
        Optional<String> name = required(am, "name", "an alert", "a unique name, e.g. name: ops-mail")
                .flatMap(e -> name(e.value(), "alert name", NAME).flatMap(n -> {
                    Pos first = names.putIfAbsent(n, e.value().pos());
                    if (first != null) {
                        error(e.value().pos(), "duplicate alert name `" + n + "` (already used at line "
                                + first.line() + "); alert names must be unique");
                        return Optional.empty();
                    }
                    return Optional.of(n);
                }));
        Optional<AlertSpec.Kind> kind = required(am, "kind", "an alert", "kind: agent, smtp or webhook")
                .flatMap(e -> enumValue(e.value(), "alert kind", AlertSpec.Kind.values(), AlertSpec.Kind::configName));
        Optional<Path> path = Optional.empty();
        Optional<AlertSpec.Smtp> smtp = Optional.empty();
        Optional<URI> url = Optional.empty();
        if (kind.isPresent()) {
            onlyFor(am, kind.get());
            switch (kind.get()) {
                case AGENT -> path = required(am, "path", "an alert of kind agent",
                        "the alert agent's absolute path, e.g. path: /usr/local/bin/alert_file.sh")
                        .flatMap(e -> absolutePath(e.value(), "path"));
                case SMTP -> smtp = required(am, "smtp", "an alert of kind smtp",
                        "the mail server, e.g. smtp: {host: mail.example.com, port: 587, starttls: true}")
                        .flatMap(e -> smtp(e.value()));
                case WEBHOOK -> url = required(am, "url", "an alert of kind webhook",
                        "where to POST, e.g. url: https://hooks.example.com/vigil").flatMap(e -> url(e.value()));
            }
        }
        Set<AlertTopic> events = am.entry("events").map(e -> events(e.value()))
                .orElse(Optional.of(EnumSet.allOf(AlertTopic.class))).orElse(Set.of());
        List<String> recipients = am.entry("recipients").map(e -> recipients(e.value())).orElse(List.of());
        if (kind.orElse(null) == AlertSpec.Kind.SMTP && recipients.isEmpty() && am.entry("recipients").isEmpty()) {
            error(am.pos(), "missing required key `recipients` in an alert of kind smtp: who gets the mail, "
                    + "e.g. recipients: [ops@example.com]");
        }
        Duration timeout = am.entry("timeout").map(e -> positiveDuration(e.value(), "timeout"))
                .orElse(Optional.of(AlertSpec.DEFAULT_TIMEOUT)).orElse(Duration.ZERO);
        Optional<AlertSpec.RateLimit> rate = am.entry("rate_limit").flatMap(e -> rateLimit(e.value()));
        String format = am.entry("timestamp_format")
                .flatMap(e -> string(e.value(), "timestamp_format", "a strftime format such as %H:%M:%S.%06N"))
                .orElse(AlertSpec.DEFAULT_TIMESTAMP_FORMAT);
        if (errors.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new AlertSpec(name.get(), kind.get(), path, smtp, url, events, recipients, timeout,
                rate, format));
    }

    /** A key of another kind is a mistake (a webhook with a path), not something to ignore. */
    private void onlyFor(MapNode am, AlertSpec.Kind kind) {
        Map<String, AlertSpec.Kind> owner = Map.of("path", AlertSpec.Kind.AGENT, "smtp", AlertSpec.Kind.SMTP,
                "url", AlertSpec.Kind.WEBHOOK);
        owner.forEach((key, k) -> am.entry(key).filter(e -> k != kind).ifPresent(e -> error(e.keyPos(),
                "`" + key + "` belongs to alerts of kind " + k.configName() + ", not " + kind.configName())));
    }

    private Optional<Path> absolutePath(Node v, String what) {
        Optional<String> s = string(v, what, "an absolute path such as /usr/local/bin/alert_file.sh");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path p = Path.of(s.get());
            if (!p.isAbsolute()) {
                error(v.pos(), what + " `" + s.get() + "` must be absolute, e.g. /usr/local/bin/alert_file.sh");
                return Optional.empty();
            }
            return Optional.of(p);
        } catch (InvalidPathException e) {
            error(v.pos(), what + " `" + s.get() + "` is not a valid path: " + e.getReason());
            return Optional.empty();
        }
    }

    private Optional<AlertSpec.Smtp> smtp(Node v) {
        Optional<MapNode> sm = map(v, "smtp", "a map such as {host: mail.example.com, port: 587, starttls: true}");
        if (sm.isEmpty()) {
            return Optional.empty();
        }
        checkKeys(sm.get(), "smtp", SMTP_KEYS);
        int before = errors.size();
        Optional<String> host = required(sm.get(), "host", "smtp", "the mail server, e.g. host: mail.example.com")
                .flatMap(e -> host(e.value()));
        boolean starttls = sm.get().entry("starttls").flatMap(e -> bool(e.value(), "starttls")).orElse(false);
        int port = sm.get().entry("port").flatMap(e -> intIn(e.value(), "smtp port", 1, 65535, "a TCP port (1..65535)"))
                .orElse(starttls ? 587 : 25);
        Optional<String> user = sm.get().entry("user").flatMap(e -> string(e.value(), "user", "a user name"));
        Optional<Path> password = sm.get().entry("password_file").flatMap(e -> absolutePath(e.value(), "password_file"));
        if (user.isPresent() != password.isPresent()) {
            error(sm.get().pos(), "smtp needs both user and password_file for authentication, or neither");
        }
        String from = sm.get().entry("from").flatMap(e -> address(e.value(), "from")).orElse("vigil@localhost");
        Optional<Path> ca = sm.get().entry("ca_file").flatMap(e -> absolutePath(e.value(), "ca_file"));
        if (errors.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new AlertSpec.Smtp(host.get(), port, starttls, user, password, from, ca));
    }

    private Optional<String> host(Node v) {
        Optional<String> s = string(v, "host", "a host name or IP address such as mail.example.com");
        if (s.isPresent() && ipLiteral(s.get()).isEmpty() && !isHostName(s.get())) {
            error(v.pos(), "host `" + s.get() + "` is not a host name or IP address");
            return Optional.empty();
        }
        return s;
    }

    private Optional<String> address(Node v, String what) {
        Optional<String> s = string(v, what, "a mail address such as ops@example.com");
        if (s.isPresent() && !s.get().matches("[^@\\s<>]+@[^@\\s<>]+")) {
            error(v.pos(), what + " `" + s.get() + "` is not a mail address such as ops@example.com");
            return Optional.empty();
        }
        return s;
    }

    private Optional<URI> url(Node v) {
        Optional<String> s = string(v, "url", "an http or https URL such as https://hooks.example.com/vigil");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI u = new URI(s.get());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                error(v.pos(), "url `" + s.get() + "` must be http:// or https:// with a host");
                return Optional.empty();
            }
            return Optional.of(u);
        } catch (URISyntaxException e) {
            error(v.pos(), "url `" + s.get() + "` is not a URL: " + e.getReason());
            return Optional.empty();
        }
    }

    private Optional<Set<AlertTopic>> events(Node v) {
        Optional<ListNode> l = list(v, "events", "a list of events such as [node-dead, resource-moved]");
        if (l.isEmpty()) {
            return Optional.empty();
        }
        int before = errors.size();
        var set = EnumSet.noneOf(AlertTopic.class);
        for (Node item : l.get().items()) {
            string(item, "an event", "an event name such as node-dead").ifPresent(s -> {
                var topic = Arrays.stream(AlertTopic.values()).filter(t -> t.configName().equals(s)).findFirst();
                if (topic.isEmpty()) {
                    String guess = EVENT_NAMES.stream().filter(n -> editDistance(n, s) <= 2).findFirst()
                            .map(n -> " (did you mean `" + n + "`?)").orElse("");
                    error(item.pos(), "unknown event `" + s + "`" + guess + "; events: " + String.join(", ", EVENT_NAMES));
                } else {
                    set.add(topic.get());
                }
            });
        }
        if (errors.size() == before && set.isEmpty()) {
            error(v.pos(), "events is empty: the alert would never fire; leave events out for all of them");
        }
        return errors.size() == before ? Optional.of(set) : Optional.empty();
    }

    private List<String> recipients(Node v) {
        Optional<ListNode> l = list(v, "recipients", "a list such as [ops@example.com] or [/var/log/vigil-alerts.log]");
        var out = new ArrayList<String>();
        l.ifPresent(list -> list.items().forEach(item -> string(item, "a recipient", "a mail address, file or name")
                .ifPresent(s -> {
                    if (s.isEmpty() || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0) {
                        error(item.pos(), "a recipient must be a non-empty single line");
                    } else {
                        out.add(s);
                    }
                })));
        return out;
    }

    private Optional<AlertSpec.RateLimit> rateLimit(Node v) {
        Optional<MapNode> rm = map(v, "rate_limit", "a map such as {count: 10, per: 1m}");
        if (rm.isEmpty()) {
            return Optional.empty();
        }
        checkKeys(rm.get(), "rate_limit", RATE_KEYS);
        Optional<Integer> count = required(rm.get(), "count", "rate_limit", "how many sends, e.g. count: 10")
                .flatMap(e -> intIn(e.value(), "count", 1, 1_000_000, "an integer from 1 to 1000000"));
        Optional<Duration> per = required(rm.get(), "per", "rate_limit", "in what window, e.g. per: 1m")
                .flatMap(e -> positiveDuration(e.value(), "per"));
        return count.isPresent() && per.isPresent() ? Optional.of(new AlertSpec.RateLimit(count.get(), per.get()))
                : Optional.empty();
    }

    /**
     * A resource's {@code notify:}: a map of master/backup/fault commands, or one command that
     * gets keepalived's arguments. Only on a floating IP ({@code IPaddr}, {@code IPaddr2}).
     */
    Optional<NotifySpec> notify(Entry e, String agentType) {
        if (!agentType.startsWith("IPaddr")) {
            error(e.keyPos(), "notify is for floating-IP resources (IPaddr, IPaddr2), not " + agentType);
            return Optional.empty();
        }
        Node v = e.value();
        if (v instanceof MapNode nm) {
            checkKeys(nm, "notify", NOTIFY_KEYS);
            int before = errors.size();
            var master = nm.entry("master").flatMap(x -> command(x.value(), "master"));
            var backup = nm.entry("backup").flatMap(x -> command(x.value(), "backup"));
            var fault = nm.entry("fault").flatMap(x -> command(x.value(), "fault"));
            return errors.size() == before ? Optional.of(new NotifySpec(master, backup, fault, Optional.empty()))
                    : Optional.empty();
        }
        return command(v, "notify").map(c -> new NotifySpec(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(c)));
    }

    private Optional<String> command(Node v, String what) {
        Optional<String> s = string(v, what, "a command such as /etc/vigil/notify.sh (or {master: CMD, backup: CMD, fault: CMD})");
        if (s.isPresent() && !s.get().trim().startsWith("/")) {
            error(v.pos(), what + " `" + s.get() + "` must start with an absolute path, e.g. /etc/vigil/notify.sh");
            return Optional.empty();
        }
        if (s.isPresent() && (s.get().indexOf('\n') >= 0 || s.get().indexOf('\0') >= 0)) {
            error(v.pos(), what + " must be a single line");
            return Optional.empty();
        }
        return s.map(String::trim);
    }
}
