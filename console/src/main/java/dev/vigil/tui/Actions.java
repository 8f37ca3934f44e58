package dev.vigil.tui;

import dev.vigil.access.Operator;
import dev.vigil.access.Permissions;
import dev.vigil.control.StatusReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator actions of the UI: which keys act on which target, and the confirmation sentence
 * of each, worked out from the status on screen. Pure: the session does the role check, the
 * dialog and the request.
 *
 * <p>Keys: m move, b ban, x clear rules, r restart, c cleanup (resources and groups); s standby,
 * o online (nodes); M maintenance on/off (anywhere). Move, ban and clear act on a resource's
 * group when it has one, as the coordinator requires.
 */
public final class Actions {
    private Actions() {}

    /** A key the footer shows for the selected target. */
    public record Offer(char key, String verb, String label) {}

    private static final Offer MOVE = new Offer('m', "move", "move");
    private static final Offer BAN = new Offer('b', "ban", "ban");
    private static final Offer CLEAR = new Offer('x', "clear", "clear");
    private static final Offer RESTART = new Offer('r', "restart", "restart");
    private static final Offer CLEANUP = new Offer('c', "cleanup", "cleanup");
    private static final Offer STANDBY = new Offer('s', "standby", "standby");
    private static final Offer ONLINE = new Offer('o', "online", "online");

    /** Every action key, for the help screen. */
    public static final List<Offer> ALL = List.of(MOVE, BAN, CLEAR, RESTART, CLEANUP, STANDBY, ONLINE,
            new Offer('M', "maintenance-on", "maintenance on/off"));

    /** The verb a key means, whatever is selected: used to refuse a viewer's key by name. */
    public static Optional<String> verbOf(char key, StatusReport status) {
        if (key == 'M') {
            boolean on = status != null && status.resources() != null && status.resources().maintenance();
            return Optional.of(on ? "maintenance-off" : "maintenance-on");
        }
        return ALL.stream().filter(o -> o.key() == key).map(Offer::verb).findFirst();
    }

    /** The keys to show for a target: none for an operator whose role does not allow them. */
    public static List<Offer> offered(Target target, StatusReport status, Operator operator) {
        var out = new ArrayList<Offer>();
        if (status == null || status.resources() == null) return out;
        var res = status.resources();
        if (target instanceof Target.Node n) {
            out.add(res.standby().contains(n.id()) ? ONLINE : STANDBY);
        } else if (target instanceof Target.Group) {
            out.addAll(List.of(MOVE, BAN, CLEAR));
        } else if (target instanceof Target.Resource r) {
            var row = row(status, r.id());
            if (row.isPresent() && !row.get().cloned()) out.add(MOVE);
            out.addAll(List.of(BAN, CLEAR, RESTART, CLEANUP));
        }
        out.add(new Offer('M', res.maintenance() ? "maintenance-off" : "maintenance-on",
                res.maintenance() ? "maint off" : "maint on"));
        out.removeIf(o -> Permissions.refusal(operator, o.verb()).isPresent());
        return out;
    }

    /** What a key does on a target; {@link Reaction#IGNORED} when it is not an action key. */
    public static Reaction forKey(char key, Target target, StatusReport status) {
        if (verbOf(key, status).isEmpty()) return Reaction.IGNORED;
        if (status == null || status.resources() == null) {
            return new Reaction.Say("no resources are configured, or the agent has not answered yet", Tone.WARN);
        }
        if (key == 'M') return new Reaction.Act(maintenance(status));
        if (target == null) return new Reaction.Say("select a node, group or resource first", Tone.WARN);
        return switch (key) {
            case 'm' -> move(status, target);
            case 'b' -> ban(status, target);
            case 'x' -> nodeless(target, "clear") ? notForNode("clear") : new Reaction.Act(clear(status, unit(status, target)));
            case 'r' -> resourceOnly(status, target, "restart");
            case 'c' -> resourceOnly(status, target, "cleanup");
            case 's', 'o' -> target instanceof Target.Node n ? standbyOnline(status, n.id(), key == 's')
                    : new Reaction.Say((key == 's' ? "standby" : "online") + " acts on a node; select one", Tone.WARN);
            default -> Reaction.IGNORED;
        };
    }

    // ---- move -------------------------------------------------------------------------------

    private static Reaction move(StatusReport s, Target target) {
        if (target instanceof Target.Node) return notForNode("move");
        var unit = unit(s, target);
        if (unit.cloned) return new Reaction.Say(unit.id + " is a clone and runs everywhere it may; ban it from a node instead", Tone.WARN);
        var candidates = new ArrayList<String>();
        for (var n : s.nodes()) {
            if (!unit.runningOn.contains(n.name()) && !s.resources().standby().contains(n.name())) candidates.add(n.name());
        }
        if (candidates.isEmpty()) return new Reaction.Say("no other node to move " + unit.id + " to (others are in standby or absent)", Tone.WARN);
        if (candidates.size() == 1) return new Reaction.Act(move(s, unit, candidates.get(0)));
        return new Reaction.Pick("Move " + unit.kind + " " + unit.id + " to which node?", candidates, node -> move(s, unit, node));
    }

    static Action move(StatusReport s, Unit u, String to) {
        String text;
        if (u.runningOn.isEmpty()) {
            text = "Move " + u.title() + " to " + to + ": it is stopped now; starts " + starts(u) + " on " + to + ".";
        } else {
            String from = String.join(", ", u.runningOn);
            text = "Move " + u.title() + " from " + from + " to " + to + ": stops " + String.join(", ", u.stopOrder())
                    + " on " + from + " and starts " + (u.members.size() > 1 ? "them" : "it") + " on " + to + ".";
        }
        text += "\nA rule keeps " + u.id + " on " + to + " until you clear it (x).";
        return new Action("move", List.of(u.id, to), text);
    }

    // ---- ban --------------------------------------------------------------------------------

    private static Reaction ban(StatusReport s, Target target) {
        if (target instanceof Target.Node) return notForNode("ban");
        var unit = unit(s, target);
        if (unit.runningOn.size() == 1) return new Reaction.Act(ban(s, unit, unit.runningOn.get(0)));
        var options = unit.runningOn.isEmpty() ? s.nodes().stream().map(StatusReport.NodeReport::name).toList() : unit.runningOn;
        return new Reaction.Pick("Ban " + unit.kind + " " + unit.id + " from which node?", options, node -> ban(s, unit, node));
    }

    static Action ban(StatusReport s, Unit u, String from) {
        String text;
        if (u.runningOn.contains(from)) {
            String they = u.members.size() > 1 ? "them" : "it";
            text = "Ban " + u.title() + " from " + from + ": stops " + String.join(", ", u.stopOrder()) + " on " + from
                    + (u.cloned ? "; the other instances keep running."
                    : "; the cluster starts " + they + " on another node if one may run " + they + ".");
        } else {
            text = "Ban " + u.title() + " from " + from + ": it does not run there now, so nothing stops; it will not start on "
                    + from + ".";
        }
        text += "\nA rule keeps " + u.id + " off " + from + " until you clear it (x).";
        return new Action("ban", List.of(u.id, from), text);
    }

    // ---- clear ------------------------------------------------------------------------------

    static Action clear(StatusReport s, Unit u) {
        var rules = rulesOf(s, u.id);
        String text = rules.isEmpty()
                ? "Clear the move and ban rules of " + u.title() + ": it has none now, so nothing changes."
                : "Clear the move and ban rules of " + u.title() + " (" + String.join("; ", rules)
                        + "): the cluster may leave it where it is or move it back.";
        return new Action("clear", List.of(u.id), text);
    }

    static List<String> rulesOf(StatusReport s, String id) {
        var word = Pattern.compile("(^|[^\\w.-])" + Pattern.quote(id) + "($|[^\\w.-])");
        return s.resources().constraints().stream().filter(c -> word.matcher(c).find()).toList();
    }

    // ---- restart, cleanup -------------------------------------------------------------------

    private static Reaction resourceOnly(StatusReport s, Target target, String verb) {
        if (!(target instanceof Target.Resource r)) {
            return new Reaction.Say(verb + " acts on one resource; select one of its members", Tone.WARN);
        }
        var row = row(s, r.id()).orElse(null);
        if (row == null) return new Reaction.Say("no resource " + r.id() + " in the status", Tone.WARN);
        if (verb.equals("restart")) {
            if (row.runningOn().size() > 1) {
                return new Reaction.Pick("Restart " + r.id() + " on which node?", row.runningOn(), n -> restart(s, row, n));
            }
            return new Reaction.Act(restart(s, row, row.runningOn().isEmpty() ? null : row.runningOn().get(0)));
        }
        var failed = new ArrayList<>(row.failures().keySet());
        Collections.sort(failed);
        if (failed.size() > 1) {
            return new Reaction.Pick("Clean up " + r.id() + " on which node?", failed, n -> cleanup(s, row, n));
        }
        String node = !failed.isEmpty() ? failed.get(0) : row.runningOn().isEmpty() ? null : row.runningOn().get(0);
        return new Reaction.Act(cleanup(s, row, node));
    }

    static Action restart(StatusReport s, StatusReport.ResourceRow row, String node) {
        if (node == null) {
            return new Action("restart", List.of(row.id()), "Restart resource " + row.id()
                    + ": it is not running anywhere, so nothing stops; the cluster starts it where it belongs, if it can.");
        }
        String text = "Restart resource " + row.id() + " on " + node + ": stops " + row.id() + " on " + node
                + ", then the cluster starts it again where it belongs.";
        var after = laterMembers(s, row);
        if (!after.isEmpty()) {
            text += "\n" + String.join(", ", after) + " (after it in group " + row.group() + ") depend on it and may restart too.";
        }
        return new Action("restart", List.of(row.id(), node), text);
    }

    static Action cleanup(StatusReport s, StatusReport.ResourceRow row, String node) {
        if (node == null) {
            return new Action("cleanup", List.of(row.id()), "Clean up resource " + row.id()
                    + ": it has no failures and runs nowhere; the cluster probes it again.");
        }
        int n = row.failures().getOrDefault(node, 0);
        String text = "Clean up resource " + row.id() + " on " + node + ": "
                + (n > 0 ? "forgets its " + n + " failure" + (n == 1 ? "" : "s") + " there" : "it has no failures there; nothing to forget")
                + " and probes it again, so the cluster may start it there again.";
        return new Action("cleanup", List.of(row.id(), node), text);
    }

    // ---- standby, online, maintenance -------------------------------------------------------

    private static Reaction standbyOnline(StatusReport s, String node, boolean standby) {
        boolean in = s.resources().standby().contains(node);
        if (standby && in) return new Reaction.Say(node + " is already in standby; o brings it online", Tone.WARN);
        if (!standby && !in) return new Reaction.Say(node + " is not in standby", Tone.WARN);
        return new Reaction.Act(standby ? standby(s, node) : online(s, node));
    }

    static Action standby(StatusReport s, String node) {
        var running = new ArrayList<String>();
        for (var row : s.resources().resources()) {
            if (row.runningOn().contains(node)) running.add(row.id());
        }
        Collections.reverse(running); // stopped in the reverse of start order
        String text = running.isEmpty()
                ? "Put node " + node + " in standby: it runs no resource now, and will run none until you bring it online (o)."
                : "Put node " + node + " in standby: stops " + String.join(", ", running) + " on " + node
                        + " and the cluster starts them elsewhere if it can; " + node + " runs nothing until you bring it online (o).";
        return new Action("standby", List.of(node), text);
    }

    static Action online(StatusReport s, String node) {
        return new Action("online", List.of(node), "Bring node " + node + " online: it may run resources again,"
                + " and resources that prefer it may move back to it.");
    }

    static Action maintenance(StatusReport s) {
        return s.resources().maintenance()
                ? new Action("maintenance-off", List.of(), "Turn maintenance mode off in cluster " + s.cluster()
                        + ": the cluster manages every resource again, and may start or stop some to match the rules.")
                : new Action("maintenance-on", List.of(), "Turn maintenance mode on in cluster " + s.cluster()
                        + ": the cluster stops starting, stopping and monitoring every resource (they keep running as they are)"
                        + " until you turn it off (M).");
    }

    // ---- what a target stands for -----------------------------------------------------------

    /** A resource, or a group of them: what move, ban and clear act on. */
    record Unit(String kind, String id, List<String> members, List<String> runningOn, boolean cloned) {
        String title() {
            return members.size() > 1 || kind.equals("group")
                    ? "group " + id + " (" + String.join(", ", members) + ")"
                    : "resource " + id + (cloned ? " (clone)" : "");
        }

        List<String> stopOrder() {
            var l = new ArrayList<>(members);
            Collections.reverse(l);
            return l;
        }
    }

    private static String starts(Unit u) {
        return String.join(", ", u.members);
    }

    static Unit unit(StatusReport s, Target target) {
        String group = target instanceof Target.Group g ? g.id()
                : target instanceof Target.Resource r ? r.group() : null;
        if (group != null) {
            var members = new ArrayList<String>();
            var on = new LinkedHashSet<String>();
            for (var row : s.resources().resources()) {
                if (group.equals(row.group())) {
                    members.add(row.id());
                    on.addAll(row.runningOn());
                }
            }
            return new Unit("group", group, members, List.copyOf(on), false);
        }
        var row = row(s, target.id());
        return new Unit("resource", target.id(), List.of(target.id()),
                row.map(StatusReport.ResourceRow::runningOn).orElse(List.of()), row.map(StatusReport.ResourceRow::cloned).orElse(false));
    }

    private static List<String> laterMembers(StatusReport s, StatusReport.ResourceRow row) {
        if (row.group() == null) return List.of();
        var after = new ArrayList<String>();
        boolean seen = false;
        for (var r : s.resources().resources()) {
            if (!row.group().equals(r.group())) continue;
            if (seen && !r.runningOn().isEmpty()) after.add(r.id());
            if (r.id().equals(row.id())) seen = true;
        }
        return after;
    }

    static Optional<StatusReport.ResourceRow> row(StatusReport s, String id) {
        if (s.resources() == null) return Optional.empty();
        return s.resources().resources().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Groups and their members in start order, as the status lists them. */
    static Map<String, List<String>> groups(StatusReport s) {
        var out = new LinkedHashMap<String, List<String>>();
        if (s.resources() == null) return out;
        for (var r : s.resources().resources()) {
            if (r.group() != null) out.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r.id());
        }
        return out;
    }

    private static boolean nodeless(Target t, String verb) {
        return t instanceof Target.Node;
    }

    private static Reaction notForNode(String verb) {
        return new Reaction.Say(verb + " acts on a resource or group; select one", Tone.WARN);
    }
}
