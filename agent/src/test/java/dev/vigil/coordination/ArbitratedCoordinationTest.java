package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.membership.MembershipEvent.Kind;
import dev.vigil.quorum.ArbitratedQuorum;
import dev.vigil.quorum.ArbitratorVote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-node split decided by the arbitrator, in the coordinators (real resource managers and
 * scheduler, the test as network, membership and arbitrator): the refused side stops its group,
 * unfenced; the granted side holds until the other side has surely stopped, then takes over.
 */
class ArbitratedCoordinationTest {
    private static final String TAIL = """
            arbitrator: {address: "127.0.0.1:7696", keyfile: arb.key}
            resources:
              - {id: vip, agent: "ocf:test:StateFile", params: {statedir: STATEDIR}, monitor: {interval: 200ms}}
              - {id: web, agent: "ocf:test:StateFile", params: {statedir: STATEDIR}, monitor: {interval: 200ms}}
            groups:
              - {id: www, members: [vip, web], prefer: ha1}
            """;

    @TempDir
    Path dir;
    private TestNet net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    private static ArbitratorVote vote(ArbitratorVote.Verdict v, Set<String> partition, Instant since, Instant until) {
        return new ArbitratorVote(true, true, v, partition, until, since, "ffsplit", "test");
    }

    /**
     * Two nodes with the group on ha1 and quorum from both; then the cable is cut: each side loses
     * the other, the arbitrator refuses ha1 and grants ha2.
     */
    private void splitDecidedForHa2(String tail) throws Exception {
        var key = Files.writeString(dir.resolve("arb.key"), "arbitrator-key-0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        net = new TestNet(dir, 2, tail);
        var votes = Map.of("ha1", new AtomicReference<ArbitratorVote>(ArbitratorVote.NOT_CONFIGURED),
                "ha2", new AtomicReference<ArbitratorVote>(ArbitratorVote.NOT_CONFIGURED));
        net.startAll();
        for (var n : List.of("ha1", "ha2")) {
            var ref = votes.get(n);
            net.coordination(n).useArbitrator(ref::get);
        }
        await("www on ha1").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(net.running("vip", "web")).as(net.describe())
                        .isEqualTo(Map.of("vip", Set.of("ha1"), "web", Set.of("ha1"))));
        assertThat(net.coordination("ha2").status().quorum().reason()).isEqualTo("2 of 3 votes");

        // The cable is cut: each side loses the other; the arbitrator refuses ha1 and grants ha2.
        Instant now = net.monotonic.instant();
        votes.get("ha1").set(vote(ArbitratorVote.Verdict.REFUSED, Set.of("ha1"), Instant.EPOCH, now));
        votes.get("ha2").set(vote(ArbitratorVote.Verdict.GRANTED, Set.of("ha2"), now, now.plus(Duration.ofHours(1))));
        net.partition(List.of("ha1"), List.of("ha2"));
        net.view("ha1", Kind.DEAD, "ha2", List.of("ha1"));
        net.view("ha2", Kind.DEAD, "ha1", List.of("ha2"));
    }

    @Test
    void withFencingTooTheGrantedSideFencesAndDoesNotHoldTheRefusedSideFencesNobody() throws Exception {
        splitDecidedForHa2(TAIL + "fencing: [{id: f1, agent: fence_test}]\n");
        await("ha2 fences ha1").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> net.fencer.finished.contains("ha1 fenced"));
        // The fake clock stands still: a hold (62 s of it) would keep www off ha2 for ever here.
        await("www on ha2 once ha1 is fenced, with no hold").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50)).until(() -> net.agent.running("ha2", "vip")
                        && net.agent.running("ha2", "web"));
        assertThat(net.fencer.calls).as("only the quorate side fences").containsExactly("ha1");
        assertThat(net.coordination("ha1").status().quorum().quorate()).isFalse();
    }

    @Test
    void theRefusedSideStopsUnfencedAndTheGrantedSideTakesOverOnlyAfterTheHold() throws Exception {
        splitDecidedForHa2(TAIL);

        await("ha1 stops www").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> !net.agent.running("ha1", "vip") && !net.agent.running("ha1", "web"));
        assertThat(net.coordination("ha1").status().quorum().quorate()).isFalse();
        assertThat(net.coordination("ha2").status().quorum().reason()).isEqualTo("1 of 3 votes + the arbitrator's 1 (ffsplit)");
        assertThat(net.coordination("ha2").status().waitingFor()).startsWith("the other side to stop its resources");
        // The hold is a stated time, not a feeling: nothing starts on ha2 while the clock stands still.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> !net.agent.running("ha2", "vip") && !net.agent.running("ha2", "web"));

        var allowance = ArbitratedQuorum.stopAllowance(net.config.resources());
        assertThat(allowance).isEqualTo(Duration.ofSeconds(20 + 20 + 20 + 2));
        net.monotonic.advance(allowance.plus(net.config.timing().deadtime()));
        net.coordination("ha2").onArbitratorChange();
        await("www on ha2 after the hold").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(net.running("vip", "web")).as(net.describe())
                        .isEqualTo(Map.of("vip", Set.of("ha2"), "web", Set.of("ha2"))));
        assertThat(net.fencer.calls).as("nobody fenced").isEmpty();
    }
}
