package dev.vigil.tui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewModelTest {
    private static final Instant T = Instant.parse("2026-11-21T18:00:00Z");
    private static final Operator VIEWER = new Operator("vic", "SHA256:v", "vic@laptop", Role.VIEWER);
    private static final Operator OPERATOR = new Operator("olga", "SHA256:o", "olga@laptop", Role.OPERATOR);

    private static List<String> texts(List<Line> lines) {
        return lines.stream().map(Line::text).toList();
    }

    @Test
    void dashboardShowsNodesWithStateMarkersAndLinkAgeBars() {
        var s = Fixtures.cluster("dead", "ha1");
        var nodes = texts(StatusViews.nodes(s, 80));
        assertThat(nodes.get(1)).startsWith("ha1 *").contains("ALIVE").contains("(this node)");
        // 40 ms of a 1000 ms deadtime: one cell; 900 ms: five cells and past warntime (600 ms)
        assertThat(nodes.get(2)).contains("ring0 [#....] 40ms").contains("ring1 [#####] 900ms !");
        assertThat(nodes.get(3)).contains("[DEAD]").contains("ring0 [#####] 5.0s DOWN").contains("ring1 [     ] never");
        var header = StatusViews.header(s, null).text();
        assertThat(header).contains("cluster web").contains("quorum yes (2/3)").contains("coordinator * ha1");
    }

    @Test
    void dashboardShowsGroupsAndResourcesWithWhereTheyRunAndFailures() {
        var s = Fixtures.cluster("alive", "ha2", "ha1", List.of(), Map.of("ha1", 2), true);
        var lines = texts(StatusViews.resources(s));
        assertThat(lines.get(0)).contains("[MAINTENANCE");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("group www").contains("Started ha2").contains("! FAILED"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  web").contains("apache").contains("Started ha2")
                .contains("! failures ha1=2"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("db (clone)").contains("Started ha1, ha2"));
        var stopped = texts(StatusViews.resources(Fixtures.cluster("alive", null)));
        assertThat(stopped).anySatisfy(l -> assertThat(l).startsWith("group www").contains("Stopped"));
    }

    @Test
    void eventsAreDerivedFromSuccessiveStatuses() {
        var before = Fixtures.cluster("alive", "ha1");
        var after = Fixtures.cluster("dead", "ha2", "ha2", List.of(), Map.of("ha1", 1), false);
        var events = EventFeed.diff(before, after, T);
        var texts = events.stream().map(ClusterEvent::text).toList();
        assertThat(texts).contains("node ha3 died: no heartbeat on any link", "coordinator ha1 -> ha2",
                "data started on ha2", "data stopped on ha1", "web failed on ha1 (failures 1): start: error (exit 1)");
        assertThat(texts).doesNotContain("web stopped on ha1"); // it failed there: one event, not two
        assertThat(EventFeed.diff(after, Fixtures.cluster("alive", "ha2", "ha2", List.of(), Map.of("ha1", 1), false), T))
                .extracting(ClusterEvent::text).containsExactly("node ha3 joined");
        assertThat(EventFeed.diff(before, before, T)).isEmpty();
    }

    @Test
    void eventFeedKeepsTheLatestAndTheFilterMatchesSubjectKindOrText() {
        var feed = new EventFeed(2);
        assertThat(feed.accept(Fixtures.cluster("alive", "ha1"), T)).isEmpty();
        feed.accept(Fixtures.cluster("dead", "ha1"), T);
        feed.accept(Fixtures.cluster("alive", "ha2"), T);
        assertThat(feed.events()).hasSize(2);
        assertThat(feed.events()).extracting(ClusterEvent::text).containsExactly("web started on ha2", "web stopped on ha1");
        var joined = EventFeed.diff(Fixtures.cluster("dead", "ha1"), Fixtures.cluster("alive", "ha1"), T).get(0);
        assertThat(StatusViews.matches(joined, "HA3")).isTrue();
        assertThat(StatusViews.matches(joined, "node joined")).isTrue();
        assertThat(StatusViews.matches(joined, "vip")).isFalse();
        var shown = texts(EventsPage.lines(feed.events(), "stopped", false));
        assertThat(shown.get(0)).contains("filter: stopped").contains("1 of 2 events");
        assertThat(shown.subList(1, shown.size())).singleElement().satisfies(l -> assertThat(l).endsWith("- web stopped on ha1"));
    }

    @Test
    void moveConfirmationSaysExactlyWhatStopsAndStarts() {
        var s = Fixtures.cluster("alive", "ha1");
        var unit = Actions.unit(s, new Target.Resource("vip", "www"));
        var move = Actions.move(s, unit, "ha2");
        assertThat(move.verb()).isEqualTo("move");
        assertThat(move.args()).containsExactly("www", "ha2");
        assertThat(move.confirmation()).startsWith("Move group www (data, vip, web) from ha1 to ha2: stops web, vip, data on ha1"
                + " and starts them on ha2.");
        var pick = (Reaction.Pick) Actions.forKey('m', new Target.Group("www", List.of("data", "vip", "web")), s);
        assertThat(pick.options()).containsExactly("ha2", "ha3");
        var ban = Actions.ban(s, unit, "ha1");
        assertThat(ban.confirmation()).startsWith("Ban group www (data, vip, web) from ha1: stops web, vip, data on ha1;");
        assertThat(Actions.forKey('m', new Target.Resource("db", null), s)).isInstanceOf(Reaction.Say.class);
        var standby = Actions.standby(s, "ha1");
        assertThat(standby.confirmation()).startsWith("Put node ha1 in standby: stops db, web, vip, data on ha1");
        var restart = ((Reaction.Pick) Actions.forKey('r', new Target.Resource("db", null), s)).then().apply("ha2");
        assertThat(restart.args()).containsExactly("db", "ha2");
        assertThat(((Reaction.Act) Actions.forKey('M', null, s)).action().verb()).isEqualTo("maintenance-on");
    }

    @Test
    void viewersAreOfferedNoActionsOperatorsAreOfferedWhatFitsTheTarget() {
        var s = Fixtures.cluster("alive", "ha1", "ha1", List.of("ha3"), Map.of(), false);
        assertThat(Actions.offered(new Target.Group("www", List.of("data", "vip", "web")), s, VIEWER)).isEmpty();
        assertThat(Actions.offered(new Target.Node("ha1"), s, VIEWER)).isEmpty();
        assertThat(Actions.offered(new Target.Group("www", List.of()), s, OPERATOR)).extracting(Actions.Offer::verb)
                .containsExactly("move", "ban", "clear", "maintenance-on");
        assertThat(Actions.offered(new Target.Resource("db", null), s, OPERATOR)).extracting(Actions.Offer::verb)
                .doesNotContain("move").contains("restart", "cleanup");
        assertThat(Actions.offered(new Target.Node("ha3"), s, OPERATOR)).extracting(Actions.Offer::verb).contains("online");
        assertThat(Actions.offered(new Target.Node("ha2"), s, OPERATOR)).extracting(Actions.Offer::verb).contains("standby");
    }

    @Test
    void detailScreensShowLinksIncarnationFailuresAndLastOperations() {
        var s = Fixtures.cluster("alive", "ha2", "ha1", List.of("ha3"), Map.of("ha1", 2), false);
        var node = texts(DetailViews.node(s, "ha3", List.of()));
        assertThat(node).anySatisfy(l -> assertThat(l).contains("incarnation 33"));
        assertThat(node).anySatisfy(l -> assertThat(l).startsWith("standby: yes"));
        assertThat(node).anySatisfy(l -> assertThat(l).contains("0 ring0").contains("up").contains("[#....] 120ms"));
        var web = texts(DetailViews.resource(s, new Target.Resource("web", "www"), null, List.of()));
        assertThat(web.get(0)).contains("Resource web").contains("ocf:vigil:apache").contains("in group www");
        assertThat(web).anySatisfy(l -> assertThat(l).contains("ha1").contains("! failed").contains("! 2").contains("start: error (exit 1)"));
        assertThat(web).anySatisfy(l -> assertThat(l).contains("parameters: not known"));
    }

    @Test
    void helpListsEveryKeyTheOperatorMayUse() {
        var forViewer = texts(HelpPage.lines(Screens.standard(), VIEWER));
        assertThat(String.join("\n", forViewer)).contains("none: your role (viewer)").doesNotContain("audit:")
                .contains("q  Ctrl-D");
        var forOperator = String.join("\n", texts(HelpPage.lines(Screens.standard(), OPERATOR)));
        assertThat(forOperator).contains("move").contains("ban").contains("standby").contains("maintenance");
    }

    /** Issue 18 item 6: the agent's log goes before what the session saw, once, older only, bounded. */
    @org.junit.jupiter.api.Test
    void theFeedIsSeededOnceFromTheAgentsLog() {
        var feed = new EventFeed(3);
        var t0 = java.time.Instant.parse("2026-11-21T17:00:00Z");
        feed.accept(Fixtures.cluster("alive", "ha1"), t0);
        feed.accept(Fixtures.cluster("dead", "ha1"), t0.plusSeconds(60));
        var recorded = java.util.List.of(
                new dev.vigil.control.HistoryReport.EventRecord(t0.toEpochMilli() - 2000, "membership", "ha2", "old 1"),
                new dev.vigil.control.HistoryReport.EventRecord(t0.toEpochMilli() - 1000, "fencing", "ha2", "node ha2 fenced"),
                new dev.vigil.control.HistoryReport.EventRecord(t0.toEpochMilli() + 60_000, "membership", "ha2", "seen already"));
        feed.seed(recorded);
        feed.seed(recorded); // a second seed (a later refresh) changes nothing
        var texts = feed.events().stream().map(ClusterEvent::text).toList();
        org.assertj.core.api.Assertions.assertThat(texts).doesNotContain("seen already").contains("node ha2 fenced");
        org.assertj.core.api.Assertions.assertThat(texts.size()).isLessThanOrEqualTo(3);
        org.assertj.core.api.Assertions.assertThat(feed.events().stream()
                .filter(e -> e.text().equals("node ha2 fenced")).findFirst().orElseThrow().kind())
                .isEqualTo(ClusterEvent.Kind.RECORDED_BAD);
    }

    /** A gap is filled with the recorded events of its time only, in time order, without duplicates. */
    @org.junit.jupiter.api.Test
    void aGapIsFilledFromTheAgentsLogInTimeOrder() {
        var feed = new EventFeed(10);
        var t0 = java.time.Instant.parse("2026-11-21T17:00:00Z");
        feed.accept(Fixtures.cluster("alive", "ha1"), t0);
        feed.accept(Fixtures.cluster("dead", "ha1"), t0.plusSeconds(60)); // derived at the reconnect
        var recorded = java.util.List.of(
                new dev.vigil.control.HistoryReport.EventRecord(t0.plusSeconds(10).toEpochMilli(), "membership", "ha3", "before the gap"),
                new dev.vigil.control.HistoryReport.EventRecord(t0.plusSeconds(30).toEpochMilli(), "membership", "ha3", "node ha3 is dead"),
                new dev.vigil.control.HistoryReport.EventRecord(t0.plusSeconds(31).toEpochMilli(), "fencing", "ha3", "node ha3 fenced"));
        feed.fill(recorded, t0.plusSeconds(20), t0.plusSeconds(60));
        feed.fill(recorded, t0.plusSeconds(20), t0.plusSeconds(60)); // twice: nothing doubled
        var texts = feed.events().stream().map(ClusterEvent::text).toList();
        org.assertj.core.api.Assertions.assertThat(texts).doesNotContain("before the gap")
                .containsSubsequence("node ha3 is dead", "node ha3 fenced");
        org.assertj.core.api.Assertions.assertThat(texts.stream().filter(t -> t.equals("node ha3 fenced"))).hasSize(1);
        org.assertj.core.api.Assertions.assertThat(feed.events().get(feed.events().size() - 1).at())
                .isEqualTo(t0.plusSeconds(60));
    }

    /** Issue 18 item 4: the dashboard shows what is in flight and warns loudly of a non-clone on two nodes. */
    @org.junit.jupiter.api.Test
    void theDashboardShowsTransitionsAndMultipleActive() {
        var s = Fixtures.cluster("alive", "ha1");
        var r = s.resources();
        var rows = r.resources().stream().map(row -> switch (row.id()) {
            case "web" -> new dev.vigil.control.StatusReport.ResourceRow(row.id(), row.agent(), row.group(), false,
                    row.runningOn(), row.states(), row.failures(), row.lastOperations(), java.util.Map.of(),
                    java.util.Map.of(), java.util.Map.of("ha1", "stopping"), false, false);
            case "vip" -> new dev.vigil.control.StatusReport.ResourceRow(row.id(), row.agent(), row.group(), false,
                    java.util.List.of("ha1", "ha2"), java.util.Map.of("ha1", "started", "ha2", "started"), row.failures(),
                    row.lastOperations(), java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), false, true);
            default -> row;
        }).toList();
        var moving = new dev.vigil.control.StatusReport(s.cluster(), s.node(), s.incarnation(), s.view(), s.members(),
                s.configVersion(), s.timing(), s.votes(), s.nodes(), s.drops(), s.heartbeat(),
                new dev.vigil.control.StatusReport.ResourcesReport(r.coordinator(), r.quorate(), r.quorum(), r.maintenance(),
                        r.standby(), r.constraints(), r.waitingFor(), r.pending(), r.notes(), r.lost(), r.fenced(), rows));
        var text = String.join("\n", texts(StatusViews.resources(moving)));
        org.assertj.core.api.Assertions.assertThat(text)
                .contains("!! vip is ACTIVE ON 2 NODES (ha1, ha2) but is no clone")
                .contains("[MULTIPLE ACTIVE] Started ha1, ha2")
                .contains("~ Stopping ha1")
                .doesNotContain("db is ACTIVE"); // a clone on two nodes is fine
    }
}
