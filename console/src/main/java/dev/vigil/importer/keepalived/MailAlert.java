package dev.vigil.importer.keepalived;

import dev.vigil.importer.Draft;
import dev.vigil.importer.Ip;
import dev.vigil.importer.Token;
import dev.vigil.importer.keepalived.KeepalivedConf.Item;
import dev.vigil.importer.keepalived.KeepalivedImport.NodeFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * keepalived's mail on a state change ({@code smtp_alert} with {@code global_defs}'
 * {@code notification_email}, {@code notification_email_from}, {@code smtp_server},
 * {@code smtp_connect_timeout}) as an {@code alerts:} entry of kind smtp. Only when something
 * asks for mail and the server and recipients are there; otherwise those lines are listed as
 * not carried over, like any other.
 */
final class MailAlert {
    /** The global_defs keys this mapping carries over when it maps. */
    static final Set<String> GLOBAL_KEYS = Set.of("notification_email", "notification_email_from", "smtp_server",
            "smtp_connect_timeout");

    private MailAlert() {}

    /** Adds the alert when it can; says whether it did (then smtp_alert and those keys are mapped). */
    static boolean map(Draft draft, List<NodeFile> files) {
        var asked = files.stream().flatMap(f -> f.items().stream()).flatMap(i -> asks(i).stream()).findFirst();
        var globals = files.get(0).all("global_defs");
        var server = globals.stream().flatMap(g -> g.child("smtp_server").stream()).findFirst();
        var emails = globals.stream().flatMap(g -> g.child("notification_email").stream()).findFirst();
        if (asked.isEmpty() || server.isEmpty() || server.get().args().isEmpty() || emails.isEmpty()
                || emails.get().children().isEmpty() || !Ip.addressOrHost(server.get().args().get(0).text())) {
            return false;
        }
        var s = server.get().args();
        Integer port = s.size() > 1 && s.get(1).text().matches("\\d{1,5}") && Integer.parseInt(s.get(1).text()) > 0
                && Integer.parseInt(s.get(1).text()) <= 65535 ? Integer.valueOf(s.get(1).text()) : null;
        String from = globals.stream().flatMap(g -> g.arg("notification_email_from").stream())
                .filter(f -> f.matches("[^@\\s<>]+@[^@\\s<>]+")).findFirst().orElse(null);
        String timeout = globals.stream().flatMap(g -> g.arg("smtp_connect_timeout").stream())
                .filter(t -> t.matches("\\d{1,4}") && Integer.parseInt(t) > 0).findFirst().map(t -> t + "s").orElse(null);
        var recipients = new ArrayList<String>();
        emails.get().children().forEach(c -> recipients.add(c.key().text()));
        draft.alert(Draft.ordered("name", "keepalived-mail", "kind", "smtp",
                "smtp", Draft.ordered("host", s.get(0).text(), "port", port, "from", from),
                "recipients", recipients, "events", List.of("node-dead", "resource-moved", "resource-failed"),
                "timeout", timeout), "from " + server.get().key().source() + " and " + asked.get().source()
                + " (smtp_alert: keepalived mailed on each VRRP state change)");
        return true;
    }

    private static java.util.Optional<Token> asks(Item i) {
        if (i.key().text().equals("smtp_alert")) return java.util.Optional.of(i.key());
        return i.children().stream().flatMap(c -> asks(c).stream()).findFirst();
    }
}
