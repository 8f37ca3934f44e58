package dev.vigil.cli;

import dev.vigil.drill.report.ClusterReports;
import dev.vigil.drill.report.ReportStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code vigil drill history}: the reports of this machine's state directory and those the agents keep,
 * one line per report (merged by id; a report is the same wherever it is kept), oldest first, each with
 * where it is kept ({@code local} for the state directory).
 */
final class DrillHistory {
    private DrillHistory() {}

    static final String LOCAL = "local";

    static List<ClusterReports.Entry> merge(ReportStore store, List<ClusterReports.Entry> cluster) throws IOException {
        var byId = new TreeMap<String, ClusterReports.Entry>();
        cluster.forEach(e -> byId.put(e.id(), e));
        for (var id : store.ids()) {
            var known = byId.get(id);
            if (known != null) {
                var held = new ArrayList<>(known.heldBy());
                held.add(LOCAL);
                byId.put(id, new ClusterReports.Entry(id, known.drill(), known.verdict(), known.gapMs(), known.reason(), List.copyOf(held)));
                continue;
            }
            var r = store.load(id);
            if (r.isEmpty()) continue;
            var rep = r.get();
            byId.put(id, new ClusterReports.Entry(id, rep.drill(), rep.verdict(), rep.gapMs() == null ? -1 : rep.gapMs(),
                    rep.reason(), List.of(LOCAL)));
        }
        return List.copyOf(byId.values());
    }
}
