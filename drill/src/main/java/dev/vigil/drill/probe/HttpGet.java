package dev.vigil.drill.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * An HTTP(S) GET on a fresh connection each time, as a new client would make it: a pooled
 * keep-alive connection (java.net.http's) would hide the moment the floating IP moves, so this
 * writes the request on its own socket with {@code Connection: close}. Success is a 2xx or 3xx
 * status line within the timeout. The answer is kept short: the status and, where the page or its
 * {@code X-Vigil-Node} header names the serving node (the test bed's page does), that node.
 */
public final class HttpGet implements Check {
    private static final int MAX_READ = 64 * 1024;
    private static final Pattern NODE = Pattern.compile("(?i)(?:x-vigil-node:\\s*|node=)([A-Za-z0-9._-]+)");
    private final URI uri;

    public HttpGet(URI uri) {
        this.uri = uri;
    }

    @Override
    public String attempt(Duration timeout) throws IOException {
        boolean tls = "https".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(uri.getHost(), port), millisLeft(deadline));
            Socket s = tls ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, uri.getHost(), port, true) : plain;
            try {
                s.setSoTimeout(millisLeft(deadline));
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
                String request = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + (uri.getPort() > 0 ? ":" + port : "")
                        + "\r\nUser-Agent: vigil-drill\r\nConnection: close\r\n\r\n";
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String answer = readUpTo(s.getInputStream(), deadline);
                int eol = answer.indexOf("\r\n");
                String statusLine = eol < 0 ? answer : answer.substring(0, eol);
                String[] f = statusLine.split(" ", 3);
                if (f.length < 2 || !f[0].startsWith("HTTP/")) throw new IOException("not an HTTP answer: " + abbreviate(statusLine));
                int code = Integer.parseInt(f[1]);
                var node = NODE.matcher(answer);
                String what = code + (node.find() ? " node=" + node.group(1) : "");
                if (code < 200 || code >= 400) throw new IOException("HTTP " + what);
                return what;
            } finally {
                if (s != plain) s.close();
            }
        }
    }

    private static String readUpTo(InputStream in, long deadline) throws IOException {
        var buf = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while (buf.size() < MAX_READ && (n = in.read(chunk)) > 0) {
            buf.write(chunk, 0, n);
            if (System.nanoTime() > deadline) break;
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    static int millisLeft(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw new java.net.SocketTimeoutException("timed out");
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
