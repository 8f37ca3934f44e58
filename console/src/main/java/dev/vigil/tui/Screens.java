package dev.vigil.tui;

import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The registry of top-level screens: the key that opens each, who may, and how to build it.
 * The footer and the help screen are generated from it, so adding a screen is one entry:
 * {@code Screens.standard().with(new Entry('w', "wizard", "set up a cluster", Optional.of(Role.ADMIN), WizardPage::new))}.
 * An entry's key opens its page on top of the dashboard; Esc returns.
 */
public final class Screens {
    /** @param needs the role needed to open it; empty for everyone */
    public record Entry(char key, String name, String summary, Optional<Role> needs, Supplier<Page> open) {}

    private final List<Entry> entries;

    private Screens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Screens standard() {
        return new Screens(List.of(
                new Entry('d', "dashboard", "nodes, links, resources and the latest events", Optional.empty(), DashboardPage::new),
                new Entry('e', "events", "every event this session saw, with a filter", Optional.empty(), EventsPage::new),
                new Entry('h', "history", "operations, fences and events the agent keeps", Optional.empty(), HistoryPage::new),
                new Entry('a', "audit", "the audit log: who changed what", Optional.of(Role.ADMIN), AuditPage::new),
                new Entry('?', "help", "every key", Optional.empty(), HelpPage::new)));
    }

    /** This registry plus one more screen; its key must be free. */
    public Screens with(Entry e) {
        if (forKey(e.key()).isPresent() || Actions.ALL.stream().anyMatch(o -> o.key() == e.key())
                || "qC".indexOf(e.key()) >= 0) {
            throw new IllegalArgumentException("key '" + e.key() + "' is already taken");
        }
        var l = new ArrayList<>(entries);
        l.add(e);
        return new Screens(l);
    }

    public List<Entry> all() {
        return entries;
    }

    public List<Entry> visibleTo(Operator op) {
        return entries.stream().filter(e -> e.needs().map(op::may).orElse(true)).toList();
    }

    public Optional<Entry> forKey(char key) {
        return entries.stream().filter(e -> e.key() == key).findFirst();
    }
}
