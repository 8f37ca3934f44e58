package dev.vigil.ssh;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** ONLCR for plain-text output to a client whose tty is raw (ssh -t): without it lines stair-step. */
final class LfToCrLf extends FilterOutputStream {
    private int last = -1;

    LfToCrLf(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && last != '\r') {
            out.write('\r');
        }
        out.write(b);
        last = b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }
}
