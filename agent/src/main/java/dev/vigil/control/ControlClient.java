package dev.vigil.control;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The client side of the control API, used by the {@code vigil} command line and (later) the
 * console. One instance per request; cheap.
 */
public final class ControlClient {
    private final Path socketPath;
    private final ObjectMapper json = ControlProtocol.mapper();

    public ControlClient(Path socketPath) {
        this.socketPath = socketPath;
    }

    public StatusReport status() throws IOException {
        return call(new ControlProtocol.Request("status"), StatusReport.class);
    }

    /** An operator verb; returns once the coordinator reports the outcome. */
    public ControlProtocol.AdminOutcome admin(String verb, java.util.List<String> args) throws IOException {
        return call(new ControlProtocol.Request("admin", verb, args, null), ControlProtocol.AdminOutcome.class);
    }

    /** {@code vigil config apply}: returns once the cluster runs the file (or says why not). */
    public ControlProtocol.AdminOutcome applyConfig(String text) throws IOException {
        return call(new ControlProtocol.Request("config-apply", null, java.util.List.of(), text),
                ControlProtocol.AdminOutcome.class);
    }

    private <T> T call(ControlProtocol.Request request, Class<T> resultType) throws IOException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socketPath));
        } catch (IOException e) {
            throw new IOException("no agent answers on " + socketPath + " (" + e.getMessage()
                    + "); is it running? Start it with: vigil agent --config FILE", e);
        }
        try (ch) {
            var out = Channels.newOutputStream(ch);
            out.write(json.writeValueAsBytes(request));
            out.write('\n');
            out.flush();
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the agent closed the connection without answering");
            }
            JavaType type = json.getTypeFactory().constructParametricType(ControlProtocol.Response.class, resultType);
            ControlProtocol.Response<T> response = json.readValue(line, type);
            if (!response.ok()) {
                throw new IOException("the agent refused: " + response.error());
            }
            return response.result();
        }
    }
}
