package dev.vigil.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.DetectorEvent;
import dev.vigil.detection.PeerState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private final Membership membership = new Membership("ha1", 100, Map.of("ha1", 1, "ha2", 1, "ha3", 2));
    private final List<String> heard = new ArrayList<>();

    {
        membership.addListener((e, v) -> heard.add(e.kind() + " " + e.node() + " view " + v.number() + " " + v.members().keySet()));
    }

    private static DetectorEvent.PeerChanged changed(String peer, PeerState from, PeerState to, long inc) {
        return new DetectorEvent.PeerChanged(peer, from, to, inc, T);
    }

    @Test
    void startsWithItselfInViewOne() {
        assertThat(membership.view()).isEqualTo(new MembershipView(1, new java.util.TreeMap<>(Map.of("ha1", 100L))));
        assertThat(membership.quorumInputs()).isEqualTo(new QuorumInputs(1, 1, 4));
    }

    @Test
    void listenersHearEveryChangeInOrderWithTheViewAfterIt() {
        membership.apply(List.of(
                changed("ha2", PeerState.UNKNOWN, PeerState.ALIVE, 5),
                changed("ha3", PeerState.UNKNOWN, PeerState.ALIVE, 6),
                changed("ha2", PeerState.ALIVE, PeerState.LATE, 5),
                changed("ha2", PeerState.LATE, PeerState.ALIVE, 5),
                new DetectorEvent.PeerRestarted("ha3", 6, 7, T),
                changed("ha2", PeerState.ALIVE, PeerState.DEAD, 5),
                changed("ha3", PeerState.ALIVE, PeerState.LEFT, 7)));
        assertThat(heard).containsExactly(
                "JOINED ha2 view 2 [ha1, ha2]",
                "JOINED ha3 view 3 [ha1, ha2, ha3]",
                "LATE ha2 view 3 [ha1, ha2, ha3]",
                "RECOVERED ha2 view 3 [ha1, ha2, ha3]",
                "RESTARTED ha3 view 4 [ha1, ha2, ha3]",
                "DEAD ha2 view 5 [ha1, ha3]",
                "LEFT ha3 view 6 [ha1]");
    }

    @Test
    void deathOfANeverSeenPeerDoesNotChangeTheView() {
        membership.apply(List.of(changed("ha2", PeerState.UNKNOWN, PeerState.DEAD, 0)));
        assertThat(heard).containsExactly("DEAD ha2 view 1 [ha1]");
    }

    @Test
    void quorumInputsCountVotesOfMembers() {
        membership.apply(List.of(changed("ha3", PeerState.UNKNOWN, PeerState.ALIVE, 6)));
        assertThat(membership.quorumInputs()).isEqualTo(new QuorumInputs(2, 3, 4));
    }

    @Test
    void linkEventsDoNotReachMembership() {
        membership.apply(List.of(new DetectorEvent.LinkChanged("ha2", 0, "ucast:694", dev.vigil.detection.LinkState.UP, T)));
        assertThat(heard).isEmpty();
    }
}
