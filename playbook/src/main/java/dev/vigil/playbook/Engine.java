package dev.vigil.playbook;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a checked playbook on its hosts, one host after the other in this release. On each host the
 * steps run in order; the first failure stops that host (the others go on). Handlers that a step
 * notified, and that changed, run once each at the end of the host's steps, in the order the
 * playbook declares them, and only when the host did not fail (as Ansible does without
 * {@code force_handlers}). A plan ({@code apply} false) changes nothing: steps only look, and a
 * notified handler is reported as a change it would make.
 */
public final class Engine {
    /** Told each result as it comes, for a progress display. */
    public interface Listener {
        void stepDone(String host, Report.StepResult result);

        Listener NONE = (h, r) -> {};
    }

    private Engine() {}

    /** For runs that keep no journal (plans, and applies until the journal exists). */
    public static Step.FileWatcher noJournal() {
        return Step.FileWatcher.NONE;
    }

    /** A new run id: UTC time to the second and 4 random hex digits, sortable and unique enough per host. */
    public static String newRunId() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * @param values  the resolved variables ({@link Vars#resolve})
     * @param hosts   one {@link Host} per name in the playbook's {@code hosts}
     * @param watcher told of every file before it is replaced (the journal); {@code FileWatcher.NONE} for none
     */
    public static Report run(Playbook pb, Map<String, String> values, Map<String, Host> hosts, boolean apply,
                             String runId, Step.FileWatcher watcher, Listener listener) {
        var reports = new LinkedHashMap<String, Report.HostReport>();
        for (String name : pb.hosts()) {
            Host host = hosts.get(name);
            if (host == null) throw new IllegalArgumentException("no Host given for " + name);
            reports.put(name, runHost(pb, values, host, apply, watcher, listener));
        }
        return new Report(runId, apply, reports);
    }

    private static Report.HostReport runHost(Playbook pb, Map<String, String> values, Host host, boolean apply,
                                             Step.FileWatcher watcher, Listener listener) {
        var hostValues = new HashMap<>(values);
        hostValues.put("host", host.name());
        Path dir = pb.file().toAbsolutePath().getParent();
        var ctx = new Step.Context(dir, Map.copyOf(hostValues), watcher);
        var results = new ArrayList<Report.StepResult>();
        var notified = new LinkedHashSet<String>();
        boolean failed = false;
        for (StepSpec s : pb.steps()) {
            var r = runStep(s, host, apply, ctx, s.name());
            results.add(r);
            listener.stepDone(host.name(), r);
            if (isFailure(r)) {
                failed = true;
                break;
            }
            if (isChange(r)) notified.addAll(s.notifies());
        }
        if (!failed) {
            for (var h : pb.handlers().values()) {
                if (!notified.contains(h.name())) continue;
                Report.StepResult r;
                if (apply) {
                    r = runStep(h, host, true, ctx, "handler: " + h.name());
                } else {
                    r = new Report.StepResult("handler: " + h.name(), h.type(), "change",
                            "would run: notified by a step that would change", "");
                }
                results.add(r);
                listener.stepDone(host.name(), r);
                if (isFailure(r)) break;
            }
        }
        return new Report.HostReport(host.name(), List.copyOf(results));
    }

    private static Report.StepResult runStep(StepSpec s, Host host, boolean apply, Step.Context ctx, String name) {
        String label;
        try {
            label = Template.render(name, ctx.values()); // names may use {{var}} too, as in Ansible
        } catch (IllegalArgumentException e) {
            label = name;
        }
        var rendered = new LinkedHashMap<String, String>();
        try {
            for (var e : s.params().entrySet()) rendered.put(e.getKey(), Template.render(e.getValue(), ctx.values()));
            var o = Step.of(s.type()).run(host, rendered, apply, ctx);
            String status = o.changed() ? (apply ? "changed" : "change") : "ok";
            return new Report.StepResult(label, s.type(), status, o.message(), o.diff());
        } catch (Step.Failure | IllegalArgumentException e) {
            return new Report.StepResult(label, s.type(), apply ? "failed" : "fail", e.getMessage(), "");
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Report.StepResult(label, s.type(), apply ? "failed" : "fail", m, "");
        }
    }

    private static boolean isFailure(Report.StepResult r) {
        return r.status().equals("failed") || r.status().equals("fail");
    }

    private static boolean isChange(Report.StepResult r) {
        return r.status().equals("changed") || r.status().equals("change");
    }
}
