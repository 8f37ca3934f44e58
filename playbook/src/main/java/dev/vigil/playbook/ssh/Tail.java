package dev.vigil.playbook.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The last {@code cap} bytes written to it (what a failing command says last explains it), and
 * how many were written in all. Written to by MINA's I/O threads, read once the channel closed.
 */
final class Tail extends OutputStream {
    private final byte[] buf;
    private long total;

    Tail(int cap) {
        buf = new byte[cap];
    }

    @Override
    public synchronized void write(int b) {
        buf[(int) (total++ % buf.length)] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) buf[(int) (total++ % buf.length)] = b[off + i];
    }

    synchronized boolean truncated() {
        return total > buf.length;
    }

    synchronized byte[] bytes() {
        if (total <= buf.length) return java.util.Arrays.copyOf(buf, (int) total);
        int start = (int) (total % buf.length);
        var out = new ByteArrayOutputStream(buf.length);
        out.write(buf, start, buf.length - start);
        out.write(buf, 0, start);
        return out.toByteArray();
    }

    String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
