package dev.vigil.heartbeat;

import static dev.vigil.heartbeat.Packets.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PacketVerifierTest {
    private final PacketVerifier verifier = new PacketVerifier("ha1", Set.of("ha2", "ha3"));

    @Test
    void freshPacketsPass() {
        assertThat(verifier.verify(heartbeat("ha2", 5, 1, 0), 0)).isNull();
        assertThat(verifier.verify(heartbeat("ha2", 5, 2, 0), 0)).isNull();
    }

    @Test
    void sameBeatOnTwoLinksIsNotAReplay() {
        assertThat(verifier.verify(heartbeat("ha2", 5, 1, 0), 0)).isNull();
        assertThat(verifier.verify(heartbeat("ha2", 5, 1, 1), 1)).isNull();
    }

    @Test
    void repeatIsReplayed() {
        verifier.verify(heartbeat("ha2", 5, 1, 0), 0);
        assertThat(verifier.verify(heartbeat("ha2", 5, 1, 0), 0).reason()).isEqualTo(DropReason.REPLAYED);
    }

    @Test
    void olderIncarnationIsStale() {
        verifier.verify(heartbeat("ha2", 6, 1, 0), 0);
        assertThat(verifier.verify(heartbeat("ha2", 5, 99, 0), 0).reason()).isEqualTo(DropReason.STALE_INCARNATION);
    }

    @Test
    void newIncarnationStartsAFreshWindow() {
        verifier.verify(heartbeat("ha2", 5, 500, 0), 0);
        assertThat(verifier.verify(heartbeat("ha2", 6, 1, 0), 0)).isNull();
    }

    @Test
    void strangerIsUnknownSender() {
        assertThat(verifier.verify(heartbeat("ha9", 5, 1, 0), 0).reason()).isEqualTo(DropReason.UNKNOWN_SENDER);
    }

    @Test
    void packetClaimingToBeUsIsSelf() {
        assertThat(verifier.verify(heartbeat("ha1", 5, 1, 0), 0).reason()).isEqualTo(DropReason.SELF);
    }

    @Test
    void packetOnAnotherLinkIsWrongLink() {
        assertThat(verifier.verify(heartbeat("ha2", 5, 1, 1), 0).reason()).isEqualTo(DropReason.WRONG_LINK);
    }
}
