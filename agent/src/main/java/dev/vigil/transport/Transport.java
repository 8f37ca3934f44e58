package dev.vigil.transport;

import java.io.IOException;

/**
 * One heartbeat medium as seen by this node: it carries opaque packets to the peers on the link
 * and hands whatever arrives to a receiver. It knows nothing of packet contents, authentication
 * or liveness — those belong to the heartbeat and detection layers above.
 *
 * <p>Implementations must never block {@link #send} for long (the heartbeat sender thread calls
 * it on every beat) and never throw from it: a failed send is counted and logged, because one
 * broken link must not stop beats on the others.
 */
public interface Transport extends AutoCloseable {

    /** The link's index in the cluster file; stamped on everything it receives. */
    int linkIndex();

    /** The link's display name, e.g. {@code mcast:239.0.0.94:694} or {@code serial:/dev/ttyS0}. */
    String linkName();

    /**
     * Opens the medium and starts delivering received packets to {@code receiver}, on a thread
     * the transport owns. Called once.
     */
    void start(InboundHandler receiver) throws IOException;

    /** Sends one packet to every peer reachable on this link. */
    void send(byte[] packet);

    /**
     * Sends a regular beat: to every peer like {@link #send}, except that a unicast link of a
     * large cluster sends each beat to a few peers in turn ({@link Fanout}).
     */
    default void sendBeat(byte[] packet) {
        send(packet);
    }

    /** Stops receiving and releases the medium. Idempotent. */
    @Override
    void close();

    /** Called by a transport for every packet (datagram or serial frame) it receives. */
    @FunctionalInterface
    interface InboundHandler {
        /**
         * @param linkIndex the receiving link
         * @param packet    the bytes as received; the handler owns the array
         * @param origin    where it came from, for logs ({@code 10.0.0.49:694}, {@code /dev/ttyS0})
         */
        void onPacket(int linkIndex, byte[] packet, String origin);
    }
}
