package dev.vigil.detection;

import dev.vigil.config.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * heartbeat's timeout-based failure detector, per peer and per link:
 * {@code unknown → alive → late (warntime) → dead (deadtime)}, with {@code initdead} for peers
 * never heard since start, and {@code left} for peers that said goodbye.
 *
 * <p>Pure logic: it never reads a clock or a socket. Callers pass {@code now} from an injected
 * clock and feed it heartbeats; tests advance a fake clock instead of sleeping. Not
 * thread-safe: the agent calls it from under one lock.
 */
public final class FailureDetector {

    /** A link that connects this node to a peer. */
    public record LinkRef(int index, String name) {}

    private final Timing timing;
    private Instant startedAt;
    private final Map<String, Peer> peers = new LinkedHashMap<>();

    /**
     * @param linksByPeer for each peer, the links that connect us (a serial cable joins only two nodes)
     * @param startedAt   when this agent started; initdead counts from here
     */
    public FailureDetector(Timing timing, Map<String, List<LinkRef>> linksByPeer, Instant startedAt) {
        this.timing = timing;
        this.startedAt = startedAt;
        linksByPeer.forEach((name, links) -> peers.put(name, new Peer(name, links)));
    }

    /**
     * The agent now watches: initdead, the joining grace and every silence count from {@code now}.
     * Between building the detector and its first tick the agent opens its links, its control
     * port and its resources, which took 13.7 s on a loaded machine (load 28): counted from the
     * build, initdead had run out and a restarted node declared two live peers dead at its first
     * tick and fenced one. A peer is not silent while nobody was listening.
     */
    public void beginWatching(Instant now) {
        startedAt = now;
        for (var peer : peers.values()) {
            peer.lastHeard = later(peer.lastHeard, now);
            peer.joinedAt = later(peer.joinedAt, now);
            peer.links.values().forEach(l -> l.lastHeard = later(l.lastHeard, now));
        }
    }

    private static Instant later(Instant heard, Instant now) {
        return heard == null ? null : (heard.isBefore(now) ? now : heard);
    }

    public List<DetectorEvent> onHeartbeat(String peerName, int link, long incarnation, Instant now) {
        var peer = peers.get(peerName);
        var events = new ArrayList<DetectorEvent>();
        if (peer == null || incarnation < peer.incarnation) {
            return events;
        }
        if (peer.state == PeerState.LEFT && incarnation == peer.incarnation) {
            // A beat that was in flight on another link when the LEAVE arrived.
            return events;
        }
        if (incarnation > peer.incarnation && peer.incarnation != 0 && peer.state.isMember()) {
            events.add(new DetectorEvent.PeerRestarted(peerName, peer.incarnation, incarnation, now));
        }
        if (incarnation != peer.incarnation || !peer.state.isMember()) {
            peer.joinedAt = now;
        }
        peer.incarnation = incarnation;
        peer.lastHeard = now;
        var l = peer.links.get(link);
        if (l != null) {
            l.lastHeard = now;
            if (l.state == LinkState.DOWN) {
                l.state = LinkState.UP;
                events.add(new DetectorEvent.LinkChanged(peerName, link, l.ref.name(), LinkState.UP, now));
            }
        }
        if (peer.state != PeerState.ALIVE) {
            events.add(peer.moveTo(PeerState.ALIVE, now));
        }
        return events;
    }

    /**
     * Evidence relayed by another node that {@code peerName} was heard at {@code heardAt} (a large
     * cluster's gossip, {@code dev.vigil.heartbeat.Freshness}), arriving on {@code link}. It keeps
     * a member alive as its own beat would — its silence counts from {@code heardAt}, and on that
     * link too, since beats there reach each peer only now and then — but it never makes a peer
     * join or come back: that takes the peer's own beat, which carries its incarnation.
     *
     * @return whether the evidence was news (the peer is a member and was not heard since)
     */
    public boolean onRelayed(String peerName, int link, Instant heardAt, Instant now, List<DetectorEvent> events) {
        var peer = peers.get(peerName);
        if (heardAt.isAfter(now)) heardAt = now;
        if (peer == null || !peer.state.isMember() || !heardAt.isAfter(peer.lastHeard)) {
            return false;
        }
        peer.lastHeard = heardAt;
        var l = peer.links.get(link);
        if (l != null && l.state == LinkState.UP && heardAt.isAfter(l.lastHeard)) {
            l.lastHeard = heardAt;
        }
        if (peer.state == PeerState.LATE && silentFor(heardAt, now).compareTo(timing.warntime()) <= 0) {
            events.add(peer.moveTo(PeerState.ALIVE, now));
        }
        return true;
    }

    public List<DetectorEvent> onLeave(String peerName, long incarnation, Instant now) {
        var peer = peers.get(peerName);
        var events = new ArrayList<DetectorEvent>();
        if (peer == null || incarnation < peer.incarnation || peer.state == PeerState.LEFT) {
            return events;
        }
        peer.incarnation = incarnation;
        for (var l : peer.links.values()) {
            if (l.state == LinkState.UP) {
                l.state = LinkState.DOWN;
                events.add(new DetectorEvent.LinkChanged(peerName, l.ref.index(), l.ref.name(), LinkState.DOWN, now));
            }
        }
        events.add(peer.moveTo(PeerState.LEFT, now));
        return events;
    }

    /** Applies the timeouts as of {@code now}. Call at least every keepalive/2. */
    public List<DetectorEvent> tick(Instant now) {
        var events = new ArrayList<DetectorEvent>();
        for (var peer : peers.values()) {
            var deadtime = deadtimeOf(peer, now);
            for (var l : peer.links.values()) {
                if (l.state == LinkState.UP && silentFor(l.lastHeard, now).compareTo(deadtime) > 0) {
                    l.state = LinkState.DOWN;
                    events.add(new DetectorEvent.LinkChanged(peer.name, l.ref.index(), l.ref.name(), LinkState.DOWN, now));
                }
            }
            switch (peer.state) {
                case UNKNOWN -> {
                    if (Duration.between(startedAt, now).compareTo(timing.initdead()) >= 0) {
                        events.add(peer.moveTo(PeerState.DEAD, now));
                    }
                }
                case ALIVE, LATE -> {
                    var silence = silentFor(peer.lastHeard, now);
                    if (silence.compareTo(deadtime) > 0) {
                        events.add(peer.moveTo(PeerState.DEAD, now));
                    } else if (peer.state == PeerState.ALIVE && silence.compareTo(timing.warntime()) > 0) {
                        events.add(peer.moveTo(PeerState.LATE, now));
                    }
                }
                case DEAD, LEFT -> { }
            }
        }
        return events;
    }

    /**
     * The earliest instant at which {@link #tick} would change something, if no heartbeat
     * arrives before it. Lets the caller sleep exactly until then instead of polling: detection
     * is as precise as the timer, and an idle cluster costs a few wake-ups a second. Heartbeats
     * only ever move deadlines later, except when they change a state — the caller must then
     * ask again.
     *
     * @return empty when nothing is pending (every peer dead or left, every link down)
     */
    public Optional<Instant> nextDeadline() {
        Instant earliest = null;
        for (var peer : peers.values()) {
            for (var l : peer.links.values()) {
                if (l.state == LinkState.UP) {
                    earliest = min(earliest, deadAfter(peer, l.lastHeard));
                }
            }
            switch (peer.state) {
                case UNKNOWN -> earliest = min(earliest, startedAt.plus(timing.initdead()));
                case ALIVE -> earliest = min(earliest, justAfter(peer.lastHeard.plus(timing.warntime())));
                case LATE -> earliest = min(earliest, deadAfter(peer, peer.lastHeard));
                case DEAD, LEFT -> { }
            }
        }
        return Optional.ofNullable(earliest);
    }

    /**
     * The first instant at which a silence since {@code heard} is longer than the deadtime in force
     * then — {@link #tick}'s rule, where a just-joined peer has the longer joining deadtime until
     * its joining period ends and the normal one from then on. Only a silence still counting has
     * a deadline: a dead peer's joining period ending is no deadline (it once was, in the past for
     * ever, and the real-time detector thread spun on it at 100 % of a core until the peer came
     * back, starving the other agents' heartbeat threads on the host into false deaths).
     */
    private Instant deadAfter(Peer peer, Instant heard) {
        var whileJoining = justAfter(heard.plus(deadtimeOf(peer, heard)));
        if (peer.joinedAt == null) {
            return whileJoining;
        }
        var joiningEnds = peer.joinedAt.plus(Timing.JOINING_PERIOD); // deadtimeFor: the normal one from then on
        if (!whileJoining.isAfter(joiningEnds)) {
            return whileJoining;
        }
        // The joining period ends first: from then on the normal deadtime applies.
        var normal = justAfter(heard.plus(timing.deadtime()));
        return normal.isAfter(joiningEnds) ? normal : joiningEnds;
    }

    /** The timeouts are strict ("silent for more than"), so the change happens one tick later. */
    private static Instant justAfter(Instant t) {
        return t.plusNanos(1);
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    public PeerState state(String peer) {
        return peers.get(peer).state;
    }

    public List<PeerStatus> statuses(Instant now) {
        var out = new ArrayList<PeerStatus>();
        for (var peer : peers.values()) {
            var links = new ArrayList<PeerStatus.LinkStatus>();
            for (var l : peer.links.values()) {
                links.add(new PeerStatus.LinkStatus(l.ref.index(), l.ref.name(), l.state, age(l.lastHeard, now)));
            }
            out.add(new PeerStatus(peer.name, peer.state, peer.incarnation, age(peer.lastHeard, now), links));
        }
        return out;
    }

    private static Optional<Duration> age(Instant heard, Instant now) {
        return heard == null ? Optional.empty() : Optional.of(Duration.between(heard, now));
    }

    private static Duration silentFor(Instant heard, Instant now) {
        return heard == null ? Duration.ofDays(365_000) : Duration.between(heard, now);
    }

    /** The deadtime that applies to {@code peer} at {@code at}: longer while it is just joining. */
    private Duration deadtimeOf(Peer peer, Instant at) {
        return peer.joinedAt == null ? timing.deadtime() : timing.deadtimeFor(Duration.between(peer.joinedAt, at));
    }

    private static final class Peer {
        final String name;
        final Map<Integer, Link> links = new LinkedHashMap<>();
        PeerState state = PeerState.UNKNOWN;
        long incarnation;
        Instant lastHeard;
        /** When its current incarnation was first heard (or heard again after it was dead). */
        Instant joinedAt;

        Peer(String name, List<LinkRef> refs) {
            this.name = name;
            refs.forEach(r -> links.put(r.index(), new Link(r)));
        }

        DetectorEvent moveTo(PeerState to, Instant now) {
            var from = state;
            state = to;
            return new DetectorEvent.PeerChanged(name, from, to, incarnation, now);
        }
    }

    private static final class Link {
        final LinkRef ref;
        LinkState state = LinkState.DOWN;
        Instant lastHeard;

        Link(LinkRef ref) {
            this.ref = ref;
        }
    }
}
