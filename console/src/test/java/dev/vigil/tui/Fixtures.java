package dev.vigil.tui;

import dev.vigil.control.StatusReport;
import dev.vigil.control.StatusReport.LinkReport;
import dev.vigil.control.StatusReport.NodeReport;
import dev.vigil.control.StatusReport.ResourceRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A three-node cluster "web": group www (data, vip, web) on ha1, clone db on ha1 and ha2, ha3 configurable. */
final class Fixtures {
    private Fixtures() {}

    static StatusReport cluster(String ha3State, String wwwOn) {
        return cluster(ha3State, wwwOn, "ha1", List.of(), Map.of(), false);
    }

    static StatusReport cluster(String ha3State, String wwwOn, String coordinator, List<String> standby,
                                Map<String, Integer> webFailures, boolean maintenance) {
        var nodes = List.of(
                new NodeReport("ha1", "alive", true, 11, null, List.of()),
                new NodeReport("ha2", "alive", false, 22, 40L,
                        List.of(new LinkReport("ring0", 0, "up", 40L), new LinkReport("ring1", 1, "up", 900L))),
                new NodeReport("ha3", ha3State, false, 33, ha3State.equals("dead") ? 5000L : 120L,
                        List.of(new LinkReport("ring0", 0, ha3State.equals("dead") ? "down" : "up",
                                ha3State.equals("dead") ? 5000L : 120L), new LinkReport("ring1", 1, "up", null))));
        var rows = new ArrayList<ResourceRow>();
        for (String id : List.of("data", "vip", "web")) {
            var states = new LinkedHashMap<String, String>();
            for (String n : List.of("ha1", "ha2", "ha3")) states.put(n, n.equals(wwwOn) ? "started" : "stopped");
            Map<String, Integer> failures = id.equals("web") ? webFailures : Map.of();
            if (id.equals("web") && !webFailures.isEmpty()) webFailures.keySet().forEach(n -> states.put(n, "failed"));
            var last = new LinkedHashMap<String, String>();
            if (id.equals("web")) webFailures.keySet().forEach(n -> last.put(n, "start: error (exit 1)"));
            rows.add(new ResourceRow(id, "ocf:vigil:" + Map.of("data", "Filesystem", "vip", "IPaddr", "web", "apache").get(id), "www", false,
                    wwwOn == null ? List.of() : List.of(wwwOn), states, failures, last));
        }
        rows.add(new ResourceRow("db", "lsb:postgresql", null, true, List.of("ha1", "ha2"),
                Map.of("ha1", "started", "ha2", "started", "ha3", "stopped"), Map.of(), Map.of()));
        var res = new StatusReport.ResourcesReport(coordinator, true, "2 of 3 votes", maintenance, standby, List.of(), "",
                List.of(), List.of(), List.of(), List.of(), rows);
        return new StatusReport("web", "ha1", 11, 7, List.of("ha1", "ha2"), 3,
                new StatusReport.TimingReport("lan", 200, 600, 1000, 2000),
                new StatusReport.VotesReport(ha3State.equals("dead") ? 2 : 3, 3), nodes, Map.of(),
                new StatusReport.SenderReport(100, 0, 0, 0), res);
    }
}
