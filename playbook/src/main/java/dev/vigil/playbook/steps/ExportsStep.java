package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code exports}: one NFS export as static configuration.
 * <ul>
 * <li>{@code format: kernel} (default): the line {@code PATH CLIENT(OPTIONS) ...} in /etc/exports
 *     (or {@code file}), one line per path: a line for the same path is replaced, the rest of the
 *     file kept byte for byte; then {@code exportfs -ra} when the file changed.</li>
 * <li>{@code format: ganesha}: an {@code EXPORT} block in ganesha.conf (or {@code file}) between two
 *     marker comments that name the path, so that it can be found, replaced and removed. The
 *     options are exportfs's, translated as Vigil's exportfs agent does. ganesha is not told:
 *     notify a handler that restarts or reloads it.</li>
 * </ul>
 * Exports that move with the cluster are not this step's: the {@code exportfs} resource adds and
 * removes those at runtime, on the node that serves them.
 */
final class ExportsStep implements Step {
    /** A path or client as written into either format: no blanks, quotes or syntax of the files. */
    private static final Pattern SAFE = Pattern.compile("[^\\s\"'#(){};,\\\\]+");
    private static final Pattern OPTIONS = Pattern.compile("[A-Za-z0-9_=:.,/-]*");
    static final String KERNEL_FILE = "/etc/exports";
    static final String GANESHA_FILE = "/etc/ganesha/ganesha.conf";

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        String path = Step.path(p, "path");
        while (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (!SAFE.matcher(path).matches()) throw new Failure("`path` must not contain blanks, quotes, #, ( ) { } ; , or \\");
        boolean present = !"absent".equals(p.getOrDefault("state", "present"));
        String format = p.getOrDefault("format", "kernel");
        if (!format.equals("kernel") && !format.equals("ganesha")) {
            throw new Failure("`format` must be kernel or ganesha, got '" + format + "'");
        }
        boolean kernel = format.equals("kernel");
        String file = p.containsKey("file") ? Step.path(p, "file") : kernel ? KERNEL_FILE : GANESHA_FILE;
        String options = p.getOrDefault("options", "ro,sync,no_subtree_check");
        if (!OPTIONS.matcher(options).matches()) throw new Failure("`options` must be exportfs options such as rw,sync, got '" + options + "'");
        List<String> clients = List.of();
        if (present) {
            clients = clients(p.get("clients"));
        }
        Host.Kind kind = host.kind(file);
        if (kind != Host.Kind.FILE && kind != Host.Kind.MISSING) throw new Failure(file + " is not a regular file");
        String text = "";
        if (kind == Host.Kind.FILE) {
            text = FileStep.text(host.read(file, FileStep.LIMIT));
            if (text == null) throw new Failure(file + " is not UTF-8 text");
        }
        if (kind == Host.Kind.MISSING && !present) return Outcome.ok(file + " does not exist, so neither does the export");
        String updated;
        if (kernel) {
            updated = KernelExports.with(text, path, present ? Optional.of(KernelExports.line(path, clients, options)) : Optional.empty());
        } else {
            Optional<String> block = Optional.empty();
            if (present) {
                int id = exportId(p.get("export_id"));
                block = Optional.of(GaneshaExports.block(path, id, clients, GaneshaExports.translate(options)));
                GaneshaExports.checkIdFree(text, path, id);
            }
            updated = GaneshaExports.with(text, path, block);
        }
        if (updated.equals(text)) return Outcome.ok(present ? "exported in " + file : "not in " + file);
        boolean exportfs = !kernel || host.shell("command -v exportfs >/dev/null 2>&1", ctx.timeout()).ok();
        if (!apply) {
            var o = FileStep.write(host, file, updated.getBytes(StandardCharsets.UTF_8), Optional.empty(), false, ctx);
            String note = kernel ? (exportfs ? "; then exportfs -ra"
                    : "; exportfs is not installed here: apply fails unless a step before installs it (nfs-kernel-server)") : "";
            return new Outcome(true, "would " + (present ? "export " : "unexport ") + path + " in " + file + note, o.diff());
        }
        if (!exportfs) {
            throw new Failure("exportfs is not installed on " + host.name() + " (apt-get install nfs-kernel-server); "
                    + file + " left as it was");
        }
        var o = FileStep.write(host, file, updated.getBytes(StandardCharsets.UTF_8), Optional.empty(), true, ctx);
        if (kernel) Shell.run(host, "exportfs -ra 2>&1", ctx.timeout(), "exportfs -ra");
        return new Outcome(true, (present ? "exported " : "unexported ") + path + " in " + file
                + (kernel ? "; exportfs -ra" : ""), o.diff());
    }

    static List<String> clients(String text) throws Failure {
        var out = new ArrayList<String>();
        for (String c : (text == null ? "" : text).split("[\\s,]+")) {
            if (c.isEmpty()) continue;
            if (!SAFE.matcher(c).matches()) throw new Failure("`clients`: '" + c + "' is not a host, address, network or wildcard");
            out.add(c);
        }
        if (out.isEmpty()) throw new Failure("`exports` needs `clients` (e.g. 10.0.0.0/24, or * for everyone)");
        return out;
    }

    static int exportId(String v) throws Failure {
        if (v == null) throw new Failure("format ganesha needs `export_id` (1..65535, unique on the server)");
        try {
            int id = Integer.parseInt(v);
            if (id >= 1 && id <= 65535) return id;
        } catch (NumberFormatException e) {
            // below
        }
        throw new Failure("`export_id` must be 1..65535 (0 is ganesha's pseudo root), got '" + v + "'");
    }
}
