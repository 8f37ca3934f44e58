package dev.vigil.alerts;

import dev.vigil.config.AlertSpec;
import dev.vigil.config.AlertTopic;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alerts and events for the tests of this package. */
final class AlertFixtures {
    static final Instant AT = Instant.parse("2026-12-06T03:20:01.123456789Z");

    private AlertFixtures() {}

    static AlertSpec agent(String name, Path path, List<String> recipients, Duration timeout) {
        return new AlertSpec(name, AlertSpec.Kind.AGENT, Optional.of(path), Optional.empty(), Optional.empty(),
                EnumSet.allOf(AlertTopic.class), recipients, timeout, Optional.empty(), AlertSpec.DEFAULT_TIMESTAMP_FORMAT);
    }

    static AlertSpec webhook(String name, URI url, Duration timeout) {
        return new AlertSpec(name, AlertSpec.Kind.WEBHOOK, Optional.empty(), Optional.empty(), Optional.of(url),
                EnumSet.allOf(AlertTopic.class), List.of(), timeout, Optional.empty(), AlertSpec.DEFAULT_TIMESTAMP_FORMAT);
    }

    static AlertEvent nodeDead(String node) {
        return AlertEvent.about(AlertTopic.NODE_DEAD, AT, node, "node " + node + " is dead");
    }

    static AlertEvent moved(String resource, String from, String to) {
        return new AlertEvent(AlertTopic.RESOURCE_MOVED, AT, to, resource, "move", 0,
                resource + " moved from " + from + " to " + to, Map.of("from", from, "to", to));
    }

    static Delivery delivery(AlertEvent e, long seq, String recipient) {
        return new Delivery(e, seq, Optional.ofNullable(recipient), "web", "ha2");
    }
}
