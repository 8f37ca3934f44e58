package dev.vigil.arbitrator;

import dev.vigil.arbitrator.ArbitrationRule.Verdict;
import dev.vigil.config.ArbitratorConfig;
import dev.vigil.quorum.ArbitratorVote;
import dev.vigil.sealed.SealedChannel;
import dev.vigil.sealed.SealedCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the arbitrator: on a thread of its own, off the heartbeat path, it asks for
 * the vote for this node's current membership every third of a lease and at once when the
 * membership changes, over one sealed connection that it re-opens with a doubling backoff (200 ms
 * up to 5 s) when it fails. {@link #vote()} is what it last heard, read by quorum.
 *
 * <p>A vote counts from when the question was sent, not when the answer came: the node stops
 * believing it before the arbitrator stops counting it.
 */
public final class ArbitratorClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArbitratorClient.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final String cluster;
    private final String self;
    private final List<String> nodeOrder;
    private final ArbitratorConfig config;
    private final Clock monotonic;
    private final Runnable onChange;
    private final SealedCounters counters = new SealedCounters();
    private final Object wake = new Object();
    private volatile Set<String> members;
    private volatile ArbitratorVote vote;
    private volatile boolean running;
    private volatile SealedChannel channel;
    private Thread thread;
    private long seq;

    /** @param onChange told (on the client's thread) whenever the vote changes; must return quickly */
    public ArbitratorClient(String cluster, String self, List<String> nodeOrder, ArbitratorConfig config,
                            Clock monotonic, Runnable onChange) {
        this.cluster = cluster;
        this.self = self;
        this.nodeOrder = List.copyOf(nodeOrder);
        this.config = config;
        this.monotonic = monotonic;
        this.onChange = onChange;
        this.members = Set.of(self);
        this.vote = new ArbitratorVote(true, false, ArbitratorVote.Verdict.NONE, Set.of(), Instant.EPOCH, Instant.EPOCH,
                config.algorithm().word(), "not connected yet");
    }

    public void start() {
        running = true;
        thread = new Thread(this::loop, "vigil-arbitrator-client");
        thread.setDaemon(true);
        thread.start();
    }

    /** This node's membership changed: ask for the vote for the new one now. */
    public void membership(Set<String> newMembers) {
        members = Set.copyOf(newMembers);
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    public ArbitratorVote vote() {
        return vote;
    }

    public SealedCounters counters() {
        return counters;
    }

    public ArbitratorConfig config() {
        return config;
    }

    private void loop() {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            try (var ch = connect()) {
                channel = ch;
                backoff = FIRST_BACKOFF;
                LOG.info("connected to the arbitrator at {}:{}", config.host(), config.port());
                while (running) {
                    ask(ch);
                    sleepUntilDue();
                }
            } catch (IOException | RuntimeException e) {
                if (!running) return;
                set(vote.verdict(), vote.partition(), vote.validUntil(), vote.since(), false,
                        "arbitrator " + config.host() + ":" + config.port() + ": " + e.getMessage());
                LOG.warn("arbitrator {}:{} unreachable ({}); again in {} ms", config.host(), config.port(), e.getMessage(),
                        backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } finally {
                channel = null;
            }
        }
    }

    private SealedChannel connect() throws IOException {
        var socket = new Socket();
        try {
            Duration timeout = third();
            socket.connect(new InetSocketAddress(config.host(), config.port()), (int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return SealedChannel.client(socket, ArbitratorMessages.hello(cluster, self), config.key().bytes(), timeout,
                    ArbitratorMessages.MAX_FRAME, counters);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void ask(SealedChannel ch) throws IOException {
        var asked = members;
        Instant sent = monotonic.instant();
        long mySeq = ++seq;
        ch.write(ArbitratorMessages.encode(new ArbitratorMessages.Question(mySeq, asked, nodeOrder, config.algorithm(),
                config.tieBreaker(), config.lease())));
        var frame = ch.read().orElseThrow(() -> new IOException("the arbitrator closed the connection"));
        var a = ArbitratorMessages.answer(frame);
        if (a.seq() != mySeq) throw new IOException("answer " + a.seq() + " to question " + mySeq);
        var verdict = switch (a.verdict()) {
            case GRANT -> ArbitratorVote.Verdict.GRANTED;
            case WAIT -> ArbitratorVote.Verdict.WAITING;
            case REFUSE -> ArbitratorVote.Verdict.REFUSED;
        };
        var before = vote;
        boolean continues = before.verdict() == ArbitratorVote.Verdict.GRANTED && before.partition().equals(asked)
                && sent.isBefore(before.validUntil());
        Instant since = verdict == ArbitratorVote.Verdict.GRANTED ? (continues ? before.since() : sent) : Instant.EPOCH;
        Instant until = a.verdict() == Verdict.REFUSE ? sent : sent.plus(config.lease());
        set(verdict, asked, until, since, true, a.why() + (a.chosen().isEmpty() ? "" : " (chosen: " + a.chosen() + ")"));
    }

    private void set(ArbitratorVote.Verdict verdict, Set<String> partition, Instant until, Instant since,
                     boolean connected, String detail) {
        var before = vote;
        vote = new ArbitratorVote(true, connected, verdict, partition, until, since, config.algorithm().word(), detail);
        if (before.verdict() != verdict || !before.partition().equals(partition) || before.connected() != connected) {
            LOG.info("arbitrator: {} for {} ({})", verdict, partition, detail);
            onChange.run();
        }
    }

    /** A third of a lease, or sooner when the membership changes. */
    private void sleepUntilDue() {
        var asked = members;
        long deadline = System.nanoTime() + third().toNanos();
        synchronized (wake) {
            while (running && members.equals(asked)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                try {
                    wake.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                    return;
                }
            }
        }
    }

    private Duration third() {
        return config.lease().dividedBy(3);
    }

    private void sleep(Duration d) {
        synchronized (wake) {
            try {
                wake.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        var ch = channel;
        if (ch != null) ch.close();
        synchronized (wake) {
            wake.notifyAll();
        }
        if (thread != null) thread.interrupt();
    }
}
