package dev.vigil.detection;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import dev.vigil.testing.FakeClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {
    private static final Timing TIMING = new Timing(ofMillis(200), ofMillis(600), ofMillis(1000), ofMillis(10_000));
    private final FakeClock clock = new FakeClock();
    private final FailureDetector detector = new FailureDetector(TIMING,
            Map.of("ha2", List.of(new FailureDetector.LinkRef(0, "ucast:694"), new FailureDetector.LinkRef(1, "serial:/dev/ttyS0"))),
            clock.instant());

    private List<DetectorEvent> beat(int link, long incarnation) {
        return detector.onHeartbeat("ha2", link, incarnation, clock.instant());
    }

    private List<DetectorEvent> after(long millis) {
        clock.advance(ofMillis(millis));
        return detector.tick(clock.instant());
    }

    /** The fast preset (deadtime 250 ms, shorter than the joining deadtime), one link to ha2. */
    private FailureDetector fastDetectorOnOneLink() {
        return new FailureDetector(TimingPreset.FAST.timing(),
                Map.of("ha2", List.of(new FailureDetector.LinkRef(0, "ucast:694"))), clock.instant());
    }

    @Test
    void unheardPeerIsUnknownUntilInitdeadThenDead() {
        assertThat(after(9_999)).isEmpty();
        assertThat(detector.state("ha2")).isEqualTo(PeerState.UNKNOWN);
        var events = after(1);
        assertThat(events).singleElement().isInstanceOfSatisfying(DetectorEvent.PeerChanged.class, c -> {
            assertThat(c.from()).isEqualTo(PeerState.UNKNOWN);
            assertThat(c.to()).isEqualTo(PeerState.DEAD);
        });
    }

    @Test
    void aJustStartedPeerGetsTheJoiningDeadtimeThenTheNormalOne() {
        var d = fastDetectorOnOneLink();
        d.onHeartbeat("ha2", 0, 7, clock.instant());
        // Its first life: a 400 ms stall of a warming-up JVM is survived (1 s applies, not 250 ms).
        clock.advance(ofMillis(400));
        d.tick(clock.instant());
        assertThat(d.state("ha2")).isEqualTo(PeerState.LATE);
        assertThat(d.nextDeadline()).isPresent();
        d.onHeartbeat("ha2", 0, 7, clock.instant());
        // Past the joining period (3 s) the preset's own deadtime applies again.
        for (int i = 0; i < 60; i++) {
            clock.advance(ofMillis(50));
            d.onHeartbeat("ha2", 0, 7, clock.instant());
        }
        clock.advance(ofMillis(251));
        d.tick(clock.instant());
        assertThat(d.state("ha2")).isEqualTo(PeerState.DEAD);
    }

    @Test
    void aJoiningPeerSilentLongerThanTheJoiningDeadtimeIsDead() {
        var d = fastDetectorOnOneLink();
        d.onHeartbeat("ha2", 0, 7, clock.instant());
        var deadline = d.nextDeadline().orElseThrow();
        clock.advance(Timing.JOINING_DEADTIME.plusMillis(1));
        assertThat(deadline).isBeforeOrEqualTo(clock.instant());
        d.tick(clock.instant());
        assertThat(d.state("ha2")).isEqualTo(PeerState.DEAD);
    }

    @Test
    void firstBeatMakesItAliveAndItsLinkUp() {
        var events = beat(0, 7);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOf(DetectorEvent.LinkChanged.class);
        assertThat(events.get(1)).isEqualTo(new DetectorEvent.PeerChanged("ha2", PeerState.UNKNOWN, PeerState.ALIVE, 7, clock.instant()));
    }

    @Test
    void silencePastWarntimeIsLateThenPastDeadtimeDead() {
        beat(0, 7);
        assertThat(after(600)).isEmpty(); // exactly warntime: not yet
        assertThat(after(1)).singleElement().extracting(e -> ((DetectorEvent.PeerChanged) e).to()).isEqualTo(PeerState.LATE);
        assertThat(after(399)).isEmpty(); // exactly deadtime
        var events = after(1);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOfSatisfying(DetectorEvent.LinkChanged.class,
                l -> assertThat(l.to()).isEqualTo(LinkState.DOWN));
        assertThat(events.get(1)).isInstanceOfSatisfying(DetectorEvent.PeerChanged.class, c -> {
            assertThat(c.from()).isEqualTo(PeerState.LATE);
            assertThat(c.to()).isEqualTo(PeerState.DEAD);
        });
    }

    @Test
    void lateThenHeardIsAliveAgain() {
        beat(0, 7);
        after(700);
        assertThat(detector.state("ha2")).isEqualTo(PeerState.LATE);
        var events = beat(0, 7);
        assertThat(events).singleElement().isEqualTo(
                new DetectorEvent.PeerChanged("ha2", PeerState.LATE, PeerState.ALIVE, 7, clock.instant()));
    }

    @Test
    void peerStaysAliveOnOneLinkWhileTheOtherIsDown() {
        beat(0, 7);
        beat(1, 7);
        for (int i = 0; i < 20; i++) {
            clock.advance(ofMillis(200));
            beat(0, 7);
            var events = detector.tick(clock.instant());
            if (i == 5) { // 1200ms of silence on link 1: past deadtime
                assertThat(events).singleElement().isInstanceOfSatisfying(DetectorEvent.LinkChanged.class, l -> {
                    assertThat(l.link()).isEqualTo(1);
                    assertThat(l.to()).isEqualTo(LinkState.DOWN);
                });
            } else {
                assertThat(events).as("tick %d", i).isEmpty();
            }
        }
        assertThat(detector.state("ha2")).isEqualTo(PeerState.ALIVE);
        var status = detector.statuses(clock.instant()).get(0);
        assertThat(status.links()).extracting(PeerStatus.LinkStatus::state).containsExactly(LinkState.UP, LinkState.DOWN);
        assertThat(status.links().get(1).sinceLastHeard()).contains(ofMillis(4_000));
    }

    @Test
    void higherIncarnationWhileAliveIsARestart() {
        beat(0, 7);
        var events = beat(0, 8);
        assertThat(events).singleElement().isEqualTo(new DetectorEvent.PeerRestarted("ha2", 7, 8, clock.instant()));
    }

    @Test
    void restartAfterDeathIsAJoin() {
        beat(0, 7);
        after(1_001);
        var events = beat(0, 8);
        assertThat(events).last().isEqualTo(new DetectorEvent.PeerChanged("ha2", PeerState.DEAD, PeerState.ALIVE, 8, clock.instant()));
        assertThat(events).noneMatch(e -> e instanceof DetectorEvent.PeerRestarted);
    }

    @Test
    void olderIncarnationIsIgnored() {
        beat(0, 8);
        assertThat(beat(0, 7)).isEmpty();
    }

    @Test
    void leaveIsImmediateAndStaleBeatsDoNotRevive() {
        beat(0, 7);
        var events = detector.onLeave("ha2", 7, clock.instant());
        assertThat(events).last().isEqualTo(new DetectorEvent.PeerChanged("ha2", PeerState.ALIVE, PeerState.LEFT, 7, clock.instant()));
        assertThat(beat(1, 7)).as("a beat of the same life, in flight on another link").isEmpty();
        assertThat(after(20_000)).isEmpty();
        assertThat(beat(0, 9)).last().isEqualTo(new DetectorEvent.PeerChanged("ha2", PeerState.LEFT, PeerState.ALIVE, 9, clock.instant()));
    }

    @Test
    void steadyBeatsAtKeepaliveNeverWarn() {
        beat(0, 7);
        for (int i = 0; i < 1000; i++) {
            clock.advance(ofMillis(200));
            beat(0, 7);
            assertThat(detector.tick(clock.instant())).isEmpty();
        }
    }

    @Test
    void nextDeadlineIsInitdeadBeforeAnythingIsHeard() {
        assertThat(detector.nextDeadline()).contains(clock.instant().plus(TIMING.initdead()));
    }

    @Test
    void nextDeadlineFollowsTheStalestPeerAndLink() {
        var heard = clock.instant();
        beat(0, 7);
        beat(1, 7);
        assertThat(detector.nextDeadline()).contains(heard.plus(TIMING.warntime()).plusNanos(1));
        clock.advance(ofMillis(100));
        beat(0, 7); // link 1 stays silent
        var next = detector.nextDeadline().orElseThrow();
        assertThat(next).isEqualTo(clock.instant().plus(TIMING.warntime()).plusNanos(1));
        // Exactly at the deadline the change happens, not one nanosecond before.
        assertThat(detector.tick(next.minusNanos(1))).isEmpty();
        assertThat(detector.tick(next)).hasSize(1);
    }

    @Test
    void deadlinesAreWhereTicksChangeSomething() {
        beat(0, 7);
        beat(1, 7);
        int changes = 0;
        // Walk from deadline to deadline: every one must produce an event, until nothing is pending.
        for (int i = 0; i < 10; i++) {
            var next = detector.nextDeadline();
            if (next.isEmpty()) break;
            var events = detector.tick(next.get());
            assertThat(events).as("deadline %s", next.get()).isNotEmpty();
            changes += events.size();
        }
        assertThat(detector.state("ha2")).isEqualTo(PeerState.DEAD);
        assertThat(detector.nextDeadline()).isEmpty();
        assertThat(changes).as("late, both links down, dead").isEqualTo(4);
    }

    /**
     * A peer that dies within its joining period: once the period is over, its end is no longer a
     * deadline. It stayed one, in the past for ever, and the agent's real-time detector thread
     * spun on it at 100 % of a core until the peer came back (a cable cut a second after the
     * cluster formed, in FailoverBedIT), starving the other agents' heartbeats into false deaths.
     */
    @Test
    void aPeerDeadWithinItsJoiningPeriodLeavesNoDeadlineInThePast() {
        var d = fastDetectorOnOneLink();
        d.onHeartbeat("ha2", 0, 7, clock.instant());
        clock.advance(ofMillis(500));
        d.onHeartbeat("ha2", 0, 7, clock.instant()); // last heard 0.5 s into its joining period
        int ticks = 0;
        for (var next = d.nextDeadline(); next.isPresent() && ticks < 10; next = d.nextDeadline(), ticks++) {
            assertThat(next.get()).isAfter(clock.instant());
            clock.advance(java.time.Duration.between(clock.instant(), next.get()));
            assertThat(d.tick(clock.instant())).as("deadline %s", next.get()).isNotEmpty();
        }
        assertThat(d.state("ha2")).isEqualTo(PeerState.DEAD);
        assertThat(d.nextDeadline()).as("nothing pending for a dead peer with its link down").isEmpty();
        clock.advance(Timing.JOINING_PERIOD);
        d.tick(clock.instant());
        assertThat(d.nextDeadline()).isEmpty();
    }

    @Test
    void initdeadAndSilenceCountFromWhenTheAgentBeginsWatchingNotFromItsConstruction() {
        var twoPeers = new FailureDetector(TIMING, Map.of(
                "ha2", List.of(new FailureDetector.LinkRef(0, "ucast:694")),
                "ha3", List.of(new FailureDetector.LinkRef(0, "ucast:694"))), clock.instant());
        // ha3 heard while the agent was still opening its links and resources (no tick yet).
        clock.advance(ofMillis(500));
        twoPeers.onHeartbeat("ha3", 0, 1, clock.instant());
        // The start took 13.7 s, longer than initdead (10 s here): nothing was watching meanwhile.
        clock.advance(ofMillis(13_200));
        twoPeers.beginWatching(clock.instant());
        assertThat(twoPeers.tick(clock.instant())).isEmpty();
        assertThat(twoPeers.state("ha2")).isEqualTo(PeerState.UNKNOWN);
        assertThat(twoPeers.state("ha3")).isEqualTo(PeerState.ALIVE);
        // ha3's silence counts from the start of watching: dead only past its (joining) deadtime.
        clock.advance(TIMING.deadtimeFor(ofMillis(0)));
        twoPeers.tick(clock.instant());
        assertThat(twoPeers.state("ha3")).isNotEqualTo(PeerState.DEAD);
        clock.advance(ofMillis(1));
        twoPeers.tick(clock.instant());
        assertThat(twoPeers.state("ha3")).isEqualTo(PeerState.DEAD);
        // ha2, never heard, gets the whole initdead from the start of watching.
        clock.advance(TIMING.initdead().minus(TIMING.deadtimeFor(ofMillis(0))).minusMillis(2));
        twoPeers.tick(clock.instant());
        assertThat(twoPeers.state("ha2")).isEqualTo(PeerState.UNKNOWN);
        clock.advance(ofMillis(1));
        twoPeers.tick(clock.instant());
        assertThat(twoPeers.state("ha2")).isEqualTo(PeerState.DEAD);
    }

    private boolean relayed(long agoMillis, List<DetectorEvent> events) {
        return detector.onRelayed("ha2", 0, clock.instant().minusMillis(agoMillis), clock.instant(), events);
    }

    @Test
    void relayedEvidenceKeepsAMemberAliveAndItsLinkUpAndItDiesDeadtimeAfterTheLastOfIt() {
        beat(0, 1);
        var events = new java.util.ArrayList<DetectorEvent>();
        // Its own beats stop reaching us; others relay, 100 ms old, every 400 ms: for 4 s.
        for (int i = 0; i < 10; i++) {
            assertThat(after(400)).isEmpty();
            assertThat(relayed(100, events)).isTrue();
        }
        assertThat(events).isEmpty();
        assertThat(detector.state("ha2")).isEqualTo(PeerState.ALIVE);
        assertThat(detector.statuses(clock.instant()).get(0).links().get(0).state()).isEqualTo(LinkState.UP);
        // The relays stop: dead deadtime (1 s) after the evidence, i.e. 900 ms from here, not later.
        assertThat(after(899)).noneMatch(e -> e instanceof DetectorEvent.PeerChanged c && c.to() == PeerState.DEAD);
        assertThat(after(2)).anyMatch(e -> e instanceof DetectorEvent.PeerChanged c && c.to() == PeerState.DEAD);
    }

    @Test
    void relayedEvidenceNeverMakesAPeerJoinOrComeBack() {
        var events = new java.util.ArrayList<DetectorEvent>();
        assertThat(relayed(10, events)).isFalse();
        assertThat(detector.state("ha2")).isEqualTo(PeerState.UNKNOWN);
        beat(0, 1);
        after(1001);
        assertThat(detector.state("ha2")).isEqualTo(PeerState.DEAD);
        assertThat(relayed(0, events)).isFalse();
        assertThat(detector.state("ha2")).isEqualTo(PeerState.DEAD);
        assertThat(events).isEmpty();
    }

    @Test
    void olderRelayedEvidenceChangesNothingAndFreshEvidenceEndsALateSpell() {
        beat(0, 1);
        clock.advance(ofMillis(50));
        var events = new java.util.ArrayList<DetectorEvent>();
        assertThat(relayed(100, events)).isFalse(); // heard directly since
        after(650);
        assertThat(detector.state("ha2")).isEqualTo(PeerState.LATE);
        assertThat(relayed(50, events)).isTrue();
        assertThat(events).singleElement().isInstanceOfSatisfying(DetectorEvent.PeerChanged.class,
                c -> assertThat(c.to()).isEqualTo(PeerState.ALIVE));
    }
}
