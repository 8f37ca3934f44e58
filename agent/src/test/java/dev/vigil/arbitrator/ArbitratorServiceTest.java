package dev.vigil.arbitrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ArbitratorConfig;
import dev.vigil.config.ArbitratorServiceConfig;
import dev.vigil.config.ClusterKey;
import dev.vigil.quorum.ArbitratorVote.Verdict;
import dev.vigil.sealed.SealedCounters;
import dev.vigil.time.MonotonicClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The arbitrator and two agents' clients over real sealed TCP on loopback. */
class ArbitratorServiceTest {
    private static final ClusterKey KEY = new ClusterKey("arbitrator-key-of-web-0123456789".getBytes(StandardCharsets.US_ASCII));
    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final List<String> NODES = List.of("ha1", "ha2");
    private final MonotonicClock clock = MonotonicClock.create();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ArbitratorServer server;

    @AfterEach
    void closeAll() throws Exception {
        for (var c : toClose) c.close();
    }

    private void startServer() throws Exception {
        server = new ArbitratorServer(new ArbitratorServiceConfig(Path.of("arbitrator.yaml"),
                InetSocketAddress.createUnresolved("127.0.0.1", 0), Map.of("web", KEY)), clock);
        toClose.add(server);
        var t = new Thread(server::run, "test-arbitrator");
        t.setDaemon(true);
        t.start();
    }

    private ArbitratorClient client(String cluster, String node, ClusterKey key) {
        var c = new ArbitratorClient(cluster, node, NODES, new ArbitratorConfig("127.0.0.1", server.port(),
                Path.of("arb.key"), key, ArbitratorConfig.Algorithm.FFSPLIT, "lowest", LEASE), clock, () -> { });
        toClose.add(c);
        c.start();
        return c;
    }

    /** Polls every 10 ms for at most {@code limit}. */
    private static boolean within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @Test
    void aSplitGoesToExactlyOneSideAndNeverToBothAtOnce() throws Exception {
        startServer();
        var ha1 = client("web", "ha1", KEY);
        var ha2 = client("web", "ha2", KEY);
        ha1.membership(Set.of("ha1", "ha2"));
        ha2.membership(Set.of("ha1", "ha2"));
        assertThat(within(Duration.ofSeconds(10), () -> ha1.vote().grants(Set.of("ha1", "ha2"), clock.instant())
                && ha2.vote().grants(Set.of("ha1", "ha2"), clock.instant()))).isTrue();

        ha1.membership(Set.of("ha1"));
        ha2.membership(Set.of("ha2"));
        // The grant waits for the old permissions (one lease + a tenth) to run out; sample meanwhile.
        long end = System.nanoTime() + LEASE.multipliedBy(4).toNanos();
        boolean ha1Won = false;
        while (System.nanoTime() < end) {
            var now = clock.instant();
            // Holding still (WAIT) on both sides is allowed; a grant while the other side may still hold is not.
            boolean oneHolds = ha1.vote().waits(Set.of("ha1"), now);
            boolean twoHolds = ha2.vote().waits(Set.of("ha2"), now);
            boolean oneGranted = ha1.vote().grants(Set.of("ha1"), now);
            boolean twoGranted = ha2.vote().grants(Set.of("ha2"), now);
            assertThat(oneGranted && (twoHolds || twoGranted)).as("ha1 granted while ha2 may still run").isFalse();
            assertThat(twoGranted && (oneHolds || oneGranted)).as("ha2 granted while ha1 may still run").isFalse();
            ha1Won |= ha1.vote().grants(Set.of("ha1"), now);
            Thread.sleep(10);
        }
        assertThat(ha1Won).isTrue();
        assertThat(ha2.vote().verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(ha2.vote().detail()).contains("chosen: [ha1]");
    }

    @Test
    void aNodeWithTheWrongKeyOrAnUnknownClusterIsRefusedAndCounted() throws Exception {
        startServer();
        var wrong = client("web", "ha1", new ClusterKey("another-key-entirely-0123456789ab".getBytes(StandardCharsets.US_ASCII)));
        var stranger = client("db", "ha1", KEY);
        assertThat(within(Duration.ofSeconds(10), () -> server.counters().get(SealedCounters.Reason.FORGED) >= 1
                && server.counters().get(SealedCounters.Reason.HANDSHAKE) >= 1)).isTrue();
        assertThat(wrong.vote().connected()).isFalse();
        assertThat(stranger.vote().connected()).isFalse();
        assertThat(wrong.vote().verdict()).isEqualTo(Verdict.NONE);
    }

    @Test
    void theClientReconnectsWhenTheArbitratorComesBack() throws Exception {
        startServer();
        int port = server.port();
        var ha1 = client("web", "ha1", KEY);
        ha1.membership(Set.of("ha1"));
        assertThat(within(Duration.ofSeconds(10), () -> ha1.vote().grants(Set.of("ha1"), clock.instant()))).isTrue();
        server.close();
        assertThat(within(Duration.ofSeconds(10), () -> !ha1.vote().connected())).isTrue();
        server = new ArbitratorServer(new ArbitratorServiceConfig(Path.of("arbitrator.yaml"),
                InetSocketAddress.createUnresolved("127.0.0.1", port), Map.of("web", KEY)), clock);
        toClose.add(server);
        var t = new Thread(server::run, "test-arbitrator-2");
        t.setDaemon(true);
        t.start();
        assertThat(within(Duration.ofSeconds(15), () -> ha1.vote().connected()
                && ha1.vote().grants(Set.of("ha1"), clock.instant()))).isTrue();
    }
}
