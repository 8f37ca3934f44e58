package dev.vigil.playbook.ssh;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * ssh-agent ({@code SSH_AUTH_SOCK}) for MINA's client without native code. MINA's own Unix agent
 * client needs tomcat-native (APR); here MINA's agent protocol ({@link AbstractAgentProxy}: the
 * identities and sign requests) is given the JDK's Unix-domain socket as its transport. This class
 * only moves the length-prefixed messages MINA builds and reads.
 */
final class UnixAgent extends AbstractAgentProxy {
    /** A larger answer is not an agent's: refuse it rather than allocate it. */
    private static final int MAX_MESSAGE = 256 * 1024;

    private final SocketChannel channel;

    UnixAgent(Path socket) throws IOException {
        super(null);
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        // MINA leaves room for the length in front of the message (see prepare()); fill it in.
        int end = buffer.wpos();
        buffer.wpos(0);
        buffer.putUInt(end - 4L);
        buffer.wpos(end);
        var out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        while (out.hasRemaining()) channel.write(out);
        var len = readFully(ByteBuffer.allocate(4));
        int n = len.getInt(0);
        if (n < 0 || n > MAX_MESSAGE) throw new IOException("ssh-agent sent a message of " + n + " bytes");
        return new ByteArrayBuffer(readFully(ByteBuffer.allocate(n)).array());
    }

    private ByteBuffer readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) throw new IOException("ssh-agent closed the connection");
        }
        return b;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            channel.close();
        }
    }

    /** Hands MINA's client a connection to the agent at {@code socket} for each authentication. */
    record Factory(Path socket) implements SshAgentFactory {
        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of(); // no agent forwarding to the hosts
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
            return new UnixAgent(socket);
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            throw new UnsupportedOperationException("playbooks do not forward the agent");
        }
    }
}
