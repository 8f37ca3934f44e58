package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.json.StreamingJson;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON a webhook receives (schema in docs/alerts.md, "The webhook's JSON"). A promise like the
 * control API's: fields may be added, none renamed or removed; {@code version} changes if one ever is.
 */
final class WebhookBody {
    static final int VERSION = 1;

    private WebhookBody() {}

    static byte[] of(Delivery d) {
        try {
            return StreamingJson.write(d, WebhookBody::write);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing to memory", e);
        }
    }

    private static void write(JsonGenerator g, Delivery d) throws IOException {
        AlertEvent e = d.event();
        g.writeStartObject();
        g.writeNumberField("version", VERSION);
        g.writeStringField("cluster", d.cluster());
        g.writeStringField("sender", d.sender());
        g.writeNumberField("sequence", d.sequence());
        g.writeStringField("event", e.topic().configName());
        g.writeStringField("kind", CrmAlertEnvironment.kind(e.topic()));
        g.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(e.at()));
        g.writeNumberField("epoch_ms", e.at().toEpochMilli());
        nullable(g, "node", e.node());
        nullable(g, "resource", e.resource());
        nullable(g, "task", e.task());
        g.writeNumberField("rc", e.rc());
        g.writeStringField("message", e.message());
        g.writeObjectFieldStart("details");
        for (Map.Entry<String, String> x : new TreeMap<>(e.details()).entrySet()) {
            g.writeStringField(x.getKey(), x.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void nullable(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }
}
