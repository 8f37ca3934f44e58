package dev.vigil.drill.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A TCP connect within the timeout, then closed: the service's port accepts connections. */
public final class TcpConnect implements Check {
    private final String host;
    private final int port;

    public TcpConnect(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String h = hostPort.substring(0, colon);
        this.host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
        this.port = Integer.parseInt(hostPort.substring(colon + 1));
    }

    @Override
    public String attempt(Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return "connected";
        }
    }
}
