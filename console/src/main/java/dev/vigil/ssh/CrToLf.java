package dev.vigil.ssh;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * ICRNL for a channel without a server-side pty: a raw-mode client sends Enter as a bare CR,
 * which Lanterna holds as the start of an unfinished sequence (and then loses the next key too).
 */
final class CrToLf extends FilterInputStream {
    CrToLf(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        return b == '\r' ? '\n' : b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        for (int i = off; i < off + n; i++) {
            if (buf[i] == '\r') buf[i] = '\n';
        }
        return n;
    }
}
