package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code owner} and {@code group} of {@code file} and {@code directory}: a name or a numeric id
 * each, set with {@code chown} after the content and mode. One command on the host reads the
 * current owner (numbers and names) and resolves the names asked for.
 */
final class Ownership {
    private Ownership() {}

    /** A user or group name as useradd accepts it, or a number. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?|[0-9]{1,10}");

    /** What {@code file}/{@code directory} asks: either may be empty. */
    record Wanted(Optional<String> owner, Optional<String> group) {
        boolean any() {
            return owner.isPresent() || group.isPresent();
        }
    }

    static Wanted of(Map<String, String> p) throws Step.Failure {
        var owner = Optional.ofNullable(p.get("owner"));
        var group = Optional.ofNullable(p.get("group"));
        for (var e : new String[][] {{"owner", owner.orElse(null)}, {"group", group.orElse(null)}}) {
            if (e[1] != null && !NAME.matcher(e[1]).matches()) {
                throw new Step.Failure("`" + e[0] + "` must be a " + (e[0].equals("owner") ? "user" : "group")
                        + " name or a numeric id, got '" + e[1] + "'");
            }
        }
        return new Wanted(owner, group);
    }

    /**
     * Sets the owner of {@code path} when it differs; {@code exists} false in a plan of a path a
     * step before would create. Returns what changed ("owner root → www-data"), empty for nothing.
     */
    static Optional<String> apply(Host host, String path, Wanted w, boolean exists, boolean apply, Step.Context ctx)
            throws Step.Failure, IOException {
        if (!w.any()) return Optional.empty();
        String who = w.owner().orElse("") + (w.group().isPresent() ? ":" + w.group().get() : "");
        if (!exists) return Optional.of("owner " + who);
        // Line 1: uid gid user group of the path; 2 and 3: the ids the names asked for resolve to.
        String q = "stat -L -c '%u %g %U %G' " + Shell.quote(path) + " && "
                + "echo \"u=$(" + resolve("passwd", w.owner()) + ")\" && echo \"g=$(" + resolve("group", w.group()) + ")\"";
        var r = Shell.run(host, q, ctx.timeout(), "reading the owner of " + path);
        String[] lines = r.output().strip().split("\n");
        String[] now = lines[0].split(" ");
        if (now.length < 4 || lines.length < 3) throw new Step.Failure("unexpected answer from stat" + CommandStep.tail(r.output()));
        String uid = lines[1].substring(2);
        String gid = lines[2].substring(2);
        var missing = new StringBuilder();
        if (w.owner().isPresent() && uid.isEmpty()) missing.append("no user ").append(w.owner().get());
        if (w.group().isPresent() && gid.isEmpty()) missing.append(missing.isEmpty() ? "" : ", ").append("no group ").append(w.group().get());
        boolean ownerChanges = w.owner().isPresent() && !uid.equals(now[0]);
        boolean groupChanges = w.group().isPresent() && !gid.equals(now[1]);
        if (!missing.isEmpty()) {
            if (apply) throw new Step.Failure(missing + " on " + host.name());
            return Optional.of("owner " + who + " (" + missing + " yet: a step before must create it)");
        }
        if (!ownerChanges && !groupChanges) return Optional.empty();
        // stat prints UNKNOWN for an id without a name: the number says more.
        String ownerNow = now[2].equals("UNKNOWN") ? now[0] : now[2];
        String groupNow = now[3].equals("UNKNOWN") ? now[1] : now[3];
        String what = (ownerChanges ? "owner " + ownerNow + " → " + w.owner().get() : "")
                + (ownerChanges && groupChanges ? ", " : "")
                + (groupChanges ? "group " + groupNow + " → " + w.group().get() : "");
        if (apply) {
            Shell.run(host, "chown " + (ownerChanges ? uid : "") + (groupChanges ? ":" + gid : "") + " " + Shell.quote(path) + " 2>&1",
                    ctx.timeout(), "chown " + path);
        }
        return Optional.of(what);
    }

    /** Fails when a name asked for is unknown on the host: called before a step writes, so that nothing is half done. */
    static void verify(Host host, Wanted w, Step.Context ctx) throws Step.Failure, IOException {
        if (!w.any()) return;
        var r = Shell.run(host, "echo \"u=$(" + resolve("passwd", w.owner()) + ")\" && echo \"g=$("
                + resolve("group", w.group()) + ")\"", ctx.timeout(), "looking up the owner");
        String[] lines = r.output().strip().split("\n");
        if (w.owner().isPresent() && (lines.length < 1 || lines[0].equals("u="))) {
            throw new Step.Failure("no user " + w.owner().get() + " on " + host.name());
        }
        if (w.group().isPresent() && (lines.length < 2 || lines[1].equals("g="))) {
            throw new Step.Failure("no group " + w.group().get() + " on " + host.name());
        }
    }

    /** A command printing the numeric id of a user or group name (the number itself when numeric; nothing when unknown). */
    private static String resolve(String db, Optional<String> name) {
        if (name.isEmpty()) return "true";
        String n = name.get();
        if (n.matches("[0-9]+")) return "echo " + n;
        return "getent " + db + " " + Shell.quote(n) + " | cut -d: -f3";
    }
}
