package dev.vigil.importer.keepalived;

import dev.vigil.importer.Draft;
import dev.vigil.importer.Unmapped;
import dev.vigil.importer.keepalived.KeepalivedConf.Item;
import dev.vigil.importer.keepalived.KeepalivedImport.NodeFile;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything at the top of keepalived.conf that is not VRRP: listed as not carried over, each with
 * its line and why, but a virtual_server the lvs resource can hold ({@link VirtualServers}); one it
 * cannot also as the {@code ipvsadm} rules it stood for, so the LVS director's setup is not lost. A section repeated word for word in the other nodes' files is
 * listed once.
 */
final class OtherSections {
    private final Draft draft;
    private final Set<String> seen = new HashSet<>();

    private final boolean mailed;
    private final VirtualServers virtualServers;

    OtherSections(Draft draft, boolean mailed) {
        this.draft = draft;
        this.mailed = mailed;
        this.virtualServers = new VirtualServers(draft);
    }

    void map(List<Item> first, List<NodeFile> others) {
        first.forEach(this::item);
        others.forEach(f -> f.items().forEach(this::item));
    }

    private void item(Item i) {
        String k = i.key().text();
        if (List.of("vrrp_instance", "vrrp_script", "vrrp_sync_group").contains(k)) return;
        if (k.equals("global_defs")) {
            for (var c : i.children()) {
                if (c.key().text().equals("router_id") || (mailed && MailAlert.GLOBAL_KEYS.contains(c.key().text()))
                        || !seen.add("global_defs/" + flatten(c))) {
                    continue;
                }
                draft.unmapped(Unmapped.at(c.key(), "`global_defs " + c.key().text() + "`", Reasons.global(c.key().text())));
            }
            return;
        }
        if (!seen.add(flatten(i))) return;
        if (k.equals("virtual_server") && virtualServers.map(i)) return;
        draft.unmapped(Unmapped.at(i.key(), "`" + i.text() + (i.block().isPresent() ? " {…}" : "") + "`", Reasons.topLevel(k)));
        if (k.equals("virtual_server")) {
            Ipvsadm.rules(i).ifPresent(rules -> draft.note(i.key().source() + ": `" + i.text() + "` as ipvsadm rules:\n"
                    + String.join("\n", rules)));
        }
    }

    private static String flatten(Item i) {
        var b = new StringBuilder(i.text());
        i.children().forEach(c -> b.append('{').append(flatten(c)).append('}'));
        return b.toString();
    }
}
