package dev.vigil.config;

import dev.vigil.config.KeyFileSection.KeyFile;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.ResourcesSection.Seen;
import dev.vigil.config.TimingSection.TimingChoice;
import dev.vigil.model.FenceDevice;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One pass over one cluster file (or over the policy half alone, for
 * {@link ConfigLoader#loadResources}): checks the top-level keys and hands each section to its
 * reader, in a fixed order (problems at one position are reported in the order found, so this
 * order is part of the output), then applies the rules that span sections (the two-node rule,
 * {@code on_fail: fence} without fencing). Collects problems instead of throwing so that all are
 * reported; {@link ConfigLoader} turns them into {@link ConfigError}s.
 */
final class ClusterFileReader extends SectionReader {

    /**
     * The policy half of the file; {@link ConfigLoader#loadResources} reads a document of only these.
     * {@code drills} (the drill schedule and blackouts) rides along with the file for the drill runner,
     * which reads and checks it (dev.vigil.drill.schedule.ScheduleReader); the agent does not use it.
     */
    private static final List<String> RESOURCES_TOP_KEYS =
            List.of("resources", "groups", "constraints", "policy", "fencing", "ping", "drills", "alerts", "watchdog");
    private static final List<String> TOP_KEYS = Stream.concat(
            Stream.of("cluster", "version", "auth", "timing", "nodes", "links", "control", "metrics", "arbitrator"), RESOURCES_TOP_KEYS.stream()).toList();
    private static final List<String> CONTROL_KEYS = List.of("enabled", "port", "socket_dir");

    private final Path file;
    private final String yamlText;
    private final KeyFileSection keyFileSection;
    private final TimingSection timingSection;
    private final NodesSection nodesSection;
    private final LinksSection linksSection;
    private final ResourcesSection resourcesSection;
    private final GroupsSection groupsSection;
    private final ConstraintsSection constraintsSection;
    private final PolicySection policySection;
    private final FencingSection fencingSection;
    private final PingSection pingSection;
    private final AlertsSection alertsSection;
    private final WatchdogSection watchdogSection;
    private final MetricsSection metricsSection;
    private final ArbitratorSection arbitratorSection;

    /**
     * @param file     where the text came from: the directory a relative keyfile is resolved against
     * @param yamlText kept in the {@link ClusterConfig}, which carries the file as written
     */
    ClusterFileReader(Path file, ConfigLoader.HostResolver resolver, String yamlText) {
        this(file, resolver, yamlText, true);
    }

    /** @param keyFileHere false to check the key file's path only, not the file (see {@link ConfigLoader#checkAwayFromNodes}) */
    ClusterFileReader(Path file, ConfigLoader.HostResolver resolver, String yamlText, boolean keyFileHere) {
        this.file = file;
        this.yamlText = yamlText;
        this.keyFileSection = new KeyFileSection(this, file, keyFileHere);
        this.timingSection = new TimingSection(this);
        this.nodesSection = new NodesSection(this, resolver);
        this.linksSection = new LinksSection(this);
        this.resourcesSection = new ResourcesSection(this);
        this.groupsSection = new GroupsSection(this, resourcesSection);
        this.constraintsSection = new ConstraintsSection(this);
        this.policySection = new PolicySection(this);
        this.fencingSection = new FencingSection(this);
        this.pingSection = new PingSection(this);
        this.alertsSection = new AlertsSection(this);
        this.watchdogSection = new WatchdogSection(this);
        this.metricsSection = new MetricsSection(this);
        this.arbitratorSection = new ArbitratorSection(this, keyFileSection);
    }

    /** @return null when there are errors (the caller then discards it) */
    ClusterConfig root(Optional<Node> rootNode) {
        if (rootNode.isEmpty()) {
            error(Pos.START, "the cluster file is empty; it needs at least the keys cluster, auth, nodes and links");
            return null;
        }
        Optional<MapNode> rootMap = map(rootNode.get(), "the cluster file",
                "a map with the keys " + String.join(", ", TOP_KEYS));
        if (rootMap.isEmpty()) {
            return null;
        }
        MapNode m = rootMap.get();
        checkKeys(m, "the cluster file", TOP_KEYS);

        String cluster = required(m, "cluster", "the cluster file", "the cluster's name, e.g. cluster: web")
                .flatMap(e -> name(e.value(), "cluster", NAME)).orElse(null);
        long version = m.entry("version").map(e -> version(e.value())).orElse(Optional.of(1L)).orElse(0L);
        Optional<KeyFile> key = required(m, "auth", "the cluster file",
                "auth: {keyfile: /etc/vigil/authkey}").flatMap(keyFileSection::read);
        TimingChoice timing = timingSection.read(m.entry("timing"));
        ControlConfig control = m.entry("control").map(this::control).orElse(ControlConfig.DEFAULT);
        MetricsConfig metrics = m.entry("metrics").map(e -> metricsSection.read(e,
                control.enabled() ? Optional.of(control.port()) : Optional.empty())).orElse(MetricsConfig.OFF);
        Optional<List<NodeConfig>> nodes = required(m, "nodes", "the cluster file",
                "the list of nodes, e.g. - {name: ha1, address: 10.0.0.48}").flatMap(nodesSection::read);
        Optional<List<LinkConfig>> links = required(m, "links", "the cluster file",
                "the list of heartbeat media, e.g. - {type: udp, mode: unicast, port: 694}")
                .flatMap(e -> linksSection.read(e, nodes.map(ns -> ns.stream().map(NodeConfig::name)
                        .collect(Collectors.toCollection(LinkedHashSet::new)))));

        Half half = resourcesHalf(m, nodes.map(ns -> ns.stream().map(NodeConfig::name)
                .collect(Collectors.toCollection(LinkedHashSet::new))));
        Optional<ArbitratorConfig> arbitrator = m.entry("arbitrator").flatMap(e -> arbitratorSection.read(e,
                nodes.map(ns -> ns.stream().map(NodeConfig::name).toList()).orElse(List.of()), timing.timing()));
        m.entry("arbitrator").ifPresent(e -> arbitratorStopsTheLoser(e, half));
        nodes.ifPresent(ns -> twoNodeRule(m.entry("nodes").orElseThrow(), ns, half, m.entry("arbitrator").isPresent()));
        nodes.ifPresent(ns -> watchdogRule(m, ns, half, timing.timing(), m.entry("arbitrator").isPresent()));

        if (!errors.isEmpty()) {
            return null;
        }
        return new ClusterConfig(file, cluster, version, key.get().path(), key.get().key(), key.get().encrypt(),
                timing.preset(), timing.timing(), nodes.get(), links.get(), half.config(), control, metrics, yamlText,
                arbitrator);
    }

    /** The document of {@link ConfigLoader#loadResources}; null when there are errors. */
    ResourcesConfig resourcesRoot(Optional<Node> rootNode, Set<String> nodeNames) {
        if (rootNode.isEmpty()) {
            return ResourcesConfig.EMPTY;
        }
        Optional<MapNode> rootMap = map(rootNode.get(), "the resources section",
                "a map with the keys " + String.join(", ", RESOURCES_TOP_KEYS));
        if (rootMap.isEmpty()) {
            return null;
        }
        checkKeys(rootMap.get(), "the resources section", RESOURCES_TOP_KEYS);
        Half half = resourcesHalf(rootMap.get(), Optional.of(nodeNames));
        return errors.isEmpty() ? half.config() : null;
    }

    // ---- top-level scalars and the control port

    private Optional<Long> version(Node v) {
        Optional<BigInteger> n = integer(v, "version", "a positive integer (1, 2, ...)");
        if (n.isPresent() && (n.get().signum() <= 0 || n.get().bitLength() > 63)) {
            error(v.pos(), "version must be a positive integer (1, 2, ...), got " + n.get());
            return Optional.empty();
        }
        return n.map(BigInteger::longValue);
    }

    private ControlConfig control(Entry controlEntry) {
        Optional<MapNode> cm = map(controlEntry.value(), "control", "a map such as {port: 7695}");
        if (cm.isEmpty()) {
            return ControlConfig.DEFAULT;
        }
        checkKeys(cm.get(), "control", CONTROL_KEYS);
        boolean enabled = cm.get().entry("enabled").flatMap(e -> bool(e.value(), "enabled")).orElse(true);
        int port = cm.get().entry("port")
                .flatMap(e -> intIn(e.value(), "control port", 1, 65535, "a TCP port (1..65535)"))
                .orElse(ControlConfig.DEFAULT_PORT);
        java.nio.file.Path socketDir = null;
        var dirEntry = cm.get().entry("socket_dir");
        if (dirEntry.isPresent()) {
            var text = string(dirEntry.get().value(), "socket_dir", "a directory such as /run/vigil");
            if (text.isPresent()) {
                try {
                    // relative to the cluster file, as keyfile is
                    java.nio.file.Path base = file.toAbsolutePath().getParent();
                    socketDir = (base == null ? java.nio.file.Path.of(text.get()) : base.resolve(text.get())).normalize();
                } catch (java.nio.file.InvalidPathException e) {
                    error(dirEntry.get().value().pos(), "socket_dir `" + text.get() + "` is not a valid path: " + e.getReason());
                }
            }
        }
        return new ControlConfig(enabled, port, socketDir);
    }

    // ---- the policy half: resources, groups, constraints, policy, fencing, ping

    /**
     * What {@link #resourcesHalf} read. {@code config} is null when there were errors; the flags
     * still say what the file wrote, for the two-node rule.
     */
    private record Half(ResourcesConfig config, boolean hasResources, boolean hasFencing, boolean hasPing,
                        boolean twoNodeUnsafe, Policy.NoQuorumPolicy noQuorum) {}

    /**
     * @param knownNodes node names, when the nodes are known (they are not when {@code nodes:}
     *                   itself has errors; then nothing is checked against them)
     */
    private Half resourcesHalf(MapNode m, Optional<? extends Set<String>> knownNodes) {
        int before = errors.size();
        Map<String, Seen> resourceIds = new LinkedHashMap<>();
        Map<String, Pos> onFailFence = new LinkedHashMap<>();
        List<ResourceSpec> resources = m.entry("resources")
                .map(e -> resourcesSection.read(e, resourceIds, onFailFence)).orElse(List.of());
        Map<String, List<String>> groupMembers = new LinkedHashMap<>();
        List<GroupSpec> groups = m.entry("groups")
                .map(e -> groupsSection.read(e, resourceIds, groupMembers, knownNodes)).orElse(List.of());
        constraintsSection.promotable(resources);
        List<Constraint> constraints = m.entry("constraints")
                .map(e -> constraintsSection.read(e, resourceIds.keySet(), groupMembers, knownNodes)).orElse(List.of());
        Policy policy = m.entry("policy").map(e -> policySection.read(e.value())).orElse(Policy.DEFAULTS);
        List<FenceDevice> fencing = m.entry("fencing").map(e -> fencingSection.read(e, knownNodes)).orElse(List.of());
        List<String> ping = m.entry("ping").map(pingSection::read).orElse(List.of());
        List<AlertSpec> alerts = m.entry("alerts").map(alertsSection::read).orElse(List.of());
        Optional<WatchdogSpec> watchdog = m.entry("watchdog").flatMap(e -> watchdogSection.read(e, knownNodes));

        boolean hasFencing = m.entry("fencing").map(e -> e.value() instanceof ListNode l && !l.items().isEmpty())
                .orElse(false);
        if (!hasFencing) {
            onFailFence.forEach((id, at) -> error(at, "resource `" + id + "` has on_fail: fence, but no fencing "
                    + "is configured; add a device under fencing: or choose restart, move, block, stop or ignore"));
        }
        boolean hasResources = m.entry("resources").map(e -> e.value() instanceof ListNode l
                && !l.items().isEmpty()).orElse(false);
        boolean hasPing = m.entry("ping").map(e -> e.value() instanceof ListNode l && !l.items().isEmpty())
                .orElse(false);
        ResourcesConfig config = errors.size() != before ? null
                : new ResourcesConfig(resources, groups, constraints, policy, fencing, ping, alerts, watchdog);
        return new Half(config, hasResources, hasFencing, hasPing, policy.twoNodeUnsafe(), policy.noQuorum());
    }

    /**
     * Without fencing, the arbitrator's guarantee rests on the losing side stopping its resources
     * (docs/arbitrator.md): a no_quorum that freezes or ignores would leave them running.
     */
    private void arbitratorStopsTheLoser(Entry arbitratorEntry, Half half) {
        if (!half.hasFencing() && half.noQuorum() != Policy.NoQuorumPolicy.STOP) {
            error(arbitratorEntry.keyPos(), "with an arbitrator and no fencing, the side that loses the arbitrator's "
                    + "vote must stop its resources, but policy.no_quorum is " + half.noQuorum().configName()
                    + "; write policy: {no_quorum: stop} (the default), or configure fencing");
        }
    }

    /** The two-node rule: see docs/cluster-file.md, "Resources, groups, constraints and policy". */
    private void twoNodeRule(Entry nodesEntry, List<NodeConfig> nodes, Half half, boolean hasArbitrator) {
        int votes = nodes.stream().mapToInt(NodeConfig::votes).sum();
        if (votes == 2 && half.hasResources() && !half.hasFencing() && !half.hasPing() && !half.twoNodeUnsafe()
                && !hasArbitrator) {
            error(nodesEntry.keyPos(), "this cluster has 2 votes, so when one node is lost the other has no "
                    + "quorum and cannot tell a dead peer from a split; configure fencing (fencing: - {id: ..., "
                    + "agent: fence_...}), or a ping tie-breaker (ping: [10.0.0.1]), or a quorum arbitrator on a "
                    + "third machine (arbitrator: {address: HOST:PORT, keyfile: ...}), or write policy: "
                    + "{two_node_unsafe: true} to accept that both halves of a split run the resources");
        }
    }

    /**
     * The watchdog's rules (docs/fencing.md, "Watchdog self-fencing"). A node pets only while
     * quorate, so the others may count on its reset only if no other partition can be quorate at
     * the same time. Two votes and no power fencing: the tie is broken by a ping target (both
     * halves may reach it) or by nothing at all (two_node_unsafe), so both halves would pet and both
     * would start the resources: refused; an arbitrator's vote is the tie-breaker SBD users have.
     * {@code no_quorum: ignore} means running without quorum, which a node that is reset for losing
     * quorum cannot do: refused.
     */
    private void watchdogRule(MapNode m, List<NodeConfig> nodes, Half half, Timing timing, boolean hasArbitrator) {
        Optional<Entry> wd = m.entry("watchdog");
        if (wd.isEmpty()) {
            return;
        }
        Optional<WatchdogSpec> spec = Optional.ofNullable(half.config()).flatMap(ResourcesConfig::watchdog);
        if (spec.isPresent() && spec.get().margin().compareTo(WatchdogSpec.noticeLag(timing)) < 0) {
            error(wd.get().keyPos(), "watchdog timeout " + Durations.format(spec.get().timeout()) + " is too short for "
                    + "this timing: a cut-off node may notice its loss of quorum up to "
                    + Durations.format(WatchdogSpec.noticeLag(timing)) + " after the others lost it, more than the "
                    + Durations.format(spec.get().margin()) + " the rule leaves (the timeout less a pet interval); "
                    + "use a longer timeout (docs/fencing.md, \"Watchdog self-fencing\")");
        }
        if (!half.hasResources()) {
            error(wd.get().keyPos(), "a watchdog guards the resources of a node that loses quorum, and this file has "
                    + "no resources: remove watchdog: or add resources");
        }
        int votes = nodes.stream().mapToInt(NodeConfig::votes).sum();
        if (votes == 2 && !half.hasFencing() && !hasArbitrator) {
            error(wd.get().keyPos(), "a watchdog without power fencing needs quorum that only one half of a split "
                    + "can hold, and 2 votes cannot give that: a ping target is reached by both halves of a cut "
                    + "cable, so both would keep petting their watchdogs and both would run the resources; add a "
                    + "third node, or a quorum arbitrator (docs/arbitrator.md), or power fencing (fencing:)");
        }
        if (half.noQuorum() == Policy.NoQuorumPolicy.IGNORE) {
            error(wd.get().keyPos(), "a watchdog resets a node that loses quorum, so policy no_quorum: ignore "
                    + "(run without quorum) cannot hold with it; use no_quorum: stop or freeze");
        }
    }
}
