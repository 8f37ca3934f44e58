package dev.vigil.drill.probe;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * Reads one HTTP/1.x answer off a connection, whole (so the connection can carry the next
 * request), into a buffer the connection keeps: no allocation per answer beyond what it returns.
 * Bodies are delimited as RFC 9112 says: {@code Content-Length}, {@code chunked}, or the end of
 * the connection; only the first {@link #SCAN} bytes of a body are looked at (for {@code node=}),
 * the rest is read and dropped, up to {@link #MAX_BODY}.
 *
 * @param code     the status code
 * @param node     the node the {@code X-Vigil-Node} header or the page's {@code node=} names, or null
 * @param reusable the server keeps the connection open for another request (HTTP/1.1, no
 *                 {@code Connection: close}, a body of known length read to its end)
 */
record HttpAnswer(int code, String node, boolean reusable) {
    static final int SCAN = 4096;
    static final int MAX_BODY = 1 << 20;
    /** Headers longer than this (the buffer) are an error: a probe's page has a few hundred bytes of them. */
    static final int BUFFER = 16 * 1024;

    /** Nothing of the answer came before the connection ended: on a reused connection, the server had closed it. */
    static final class NothingCame extends EOFException {
        NothingCame() {
            super("the connection closed before an answer");
        }
    }

    /** One connection's read side: a buffer of {@link #BUFFER} bytes, {@code [pos, lim)} unread. */
    static final class Reader {
        private final Socket socket;
        private final InputStream in;
        final byte[] buf = new byte[BUFFER];
        private int pos;
        private int lim;
        private long deadline;
        /** Bytes received for the current answer; 0 until its first. */
        private long received;

        Reader(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        /** Reads the answer to a request just sent; {@code deadline} on {@link System#nanoTime()}. */
        HttpAnswer read(long deadline) throws IOException {
            this.deadline = deadline;
            this.received = 0;
            int headEnd = headers();
            int line = lineEnd(pos, headEnd);
            // Status line: HTTP/1.x SP 3DIGIT SP reason
            if (line - pos < 12 || !startsWith(pos, "HTTP/1.") || buf[pos + 8] != ' ') {
                throw new IOException("not an HTTP answer: " + ascii(pos, Math.min(line, pos + 60)));
            }
            boolean http11 = buf[pos + 7] == '1';
            int code = digits(pos + 9, pos + 12);
            if (code < 0) throw new IOException("not an HTTP status: " + ascii(pos, line));
            String node = null;
            long length = -1;
            boolean chunked = false;
            boolean close = !http11;
            for (int at = line + 2; at < headEnd; at = line + 2) {
                line = lineEnd(at, headEnd);
                int colon = indexOf(at, line, (byte) ':');
                if (colon < 0) continue;
                int value = colon + 1;
                while (value < line && (buf[value] == ' ' || buf[value] == '\t')) value++;
                if (is(at, colon, "content-length")) {
                    length = digits(value, trimEnd(value, line));
                    if (length < 0) throw new IOException("bad Content-Length: " + ascii(value, line));
                } else if (is(at, colon, "transfer-encoding")) {
                    chunked = contains(value, line, "chunked");
                } else if (is(at, colon, "connection")) {
                    close = contains(value, line, "close") || (close && !contains(value, line, "keep-alive"));
                } else if (is(at, colon, "x-vigil-node")) {
                    node = token(value, line);
                }
            }
            pos = headEnd + 4;
            boolean noBody = code / 100 == 1 || code == 204 || code == 304;
            var body = new Body(node);
            if (noBody) {
                // nothing follows the headers
            } else if (chunked) {
                chunks(body);
            } else if (length >= 0) {
                body.take(length);
            } else {
                body.takeToEnd(); // a body delimited by the end of the connection: it cannot carry another request
                close = true;
            }
            return new HttpAnswer(code, body.node, !close);
        }

        /** Reads until the end of the headers is in the buffer; returns the index of its CRLFCRLF. */
        private int headers() throws IOException {
            if (pos == lim) pos = lim = 0;
            while (true) {
                for (int i = pos; i + 3 < lim; i++) { // a few hundred bytes, scanned again after each read
                    if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') return i;
                }
                compact("the answer's headers");
                fill();
            }
        }

        /** Room after {@code lim}: unread bytes moved to the start; {@code what} did not fit the buffer otherwise. */
        private void compact(String what) throws IOException {
            if (lim < buf.length) return;
            if (pos == 0) throw new IOException(what + " longer than " + BUFFER + " bytes");
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }

        /** Reads more into the buffer after {@code lim}; at least one byte, or throws. */
        private void fill() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new java.net.SocketTimeoutException("timed out");
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(buf, lim, buf.length - lim);
            if (n <= 0) throw received == 0 ? new NothingCame() : new EOFException("the connection closed mid-answer");
            received += n;
            lim += n;
        }

        /** The body's bytes: the first {@link #SCAN} looked at for {@code node=} (unless a header named it). */
        private final class Body {
            String node;
            private long seen;

            Body(String node) {
                this.node = node;
            }

            /** Takes {@code n} bytes of body. */
            void take(long n) throws IOException {
                while (n > 0) {
                    if (pos == lim) {
                        pos = lim = 0;
                        fill();
                    }
                    n -= look(Math.min(n, lim - pos));
                }
            }

            /** Takes the body up to the connection's end (at most {@link #MAX_BODY} bytes). */
            void takeToEnd() throws IOException {
                while (true) {
                    if (pos == lim) {
                        pos = lim = 0;
                        try {
                            fill();
                        } catch (EOFException e) {
                            return;
                        }
                    }
                    look(lim - pos);
                }
            }

            private int look(long n) throws IOException {
                int k = (int) n;
                if (node == null && seen < SCAN) node = findNode(pos, pos + (int) Math.min(k, SCAN - seen));
                seen += k;
                pos += k;
                if (seen > MAX_BODY) throw new IOException("the answer's body is longer than " + MAX_BODY + " bytes");
                return k;
            }
        }

        /** A chunked body: size lines, data, CRLF; the last chunk (size 0), then trailers to an empty line. */
        private void chunks(Body body) throws IOException {
            while (true) {
                int end = line();
                long size = 0;
                int i = pos;
                for (; i < end && hex(buf[i]) >= 0; i++) size = size * 16 + hex(buf[i]);
                if (i == pos || size > MAX_BODY) throw new IOException("bad chunk size: " + ascii(pos, end));
                pos = end + 2;
                if (size == 0) {
                    while (true) { // trailers
                        int t = line();
                        boolean empty = t == pos;
                        pos = t + 2;
                        if (empty) return;
                    }
                }
                body.take(size);
                int crlf = line();
                if (crlf != pos) throw new IOException("a chunk longer than its size");
                pos = crlf + 2;
            }
        }

        /** Reads until a CRLF follows {@code pos}; returns its index. */
        private int line() throws IOException {
            while (true) {
                for (int i = pos; i + 1 < lim; i++) {
                    if (buf[i] == '\r' && buf[i + 1] == '\n') return i;
                }
                if (pos == lim) pos = lim = 0;
                compact("a line of the answer");
                fill();
            }
        }

        private String findNode(int from, int to) {
            for (int i = from; i + 5 < to; i++) {
                if (buf[i] == 'n' && buf[i + 1] == 'o' && buf[i + 2] == 'd' && buf[i + 3] == 'e' && buf[i + 4] == '=') {
                    String t = token(i + 5, to);
                    if (!t.isEmpty()) return t;
                }
            }
            return null;
        }

        private int lineEnd(int from, int max) {
            for (int i = from; i + 1 < max; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') return i;
            }
            return max;
        }

        private int indexOf(int from, int to, byte b) {
            for (int i = from; i < to; i++) {
                if (buf[i] == b) return i;
            }
            return -1;
        }

        private int trimEnd(int from, int to) {
            while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) to--;
            return to;
        }

        /** A header name equal to {@code lower}, ignoring case. */
        private boolean is(int from, int to, String lower) {
            if (to - from != lower.length()) return false;
            for (int i = 0; i < lower.length(); i++) {
                if ((buf[from + i] | 0x20) != lower.charAt(i) && buf[from + i] != lower.charAt(i)) return false;
            }
            return true;
        }

        private boolean contains(int from, int to, String lower) {
            for (int i = from; i + lower.length() <= to; i++) {
                if (is(i, i + lower.length(), lower)) return true;
            }
            return false;
        }

        private boolean startsWith(int from, String s) {
            for (int i = 0; i < s.length(); i++) {
                if (buf[from + i] != s.charAt(i)) return false;
            }
            return true;
        }

        /** Decimal digits in {@code [from, to)} as a number, or -1. */
        private int digits(int from, int to) {
            if (to <= from || to - from > 9) return -1;
            int n = 0;
            for (int i = from; i < to; i++) {
                if (buf[i] < '0' || buf[i] > '9') return -1;
                n = n * 10 + buf[i] - '0';
            }
            return n;
        }

        /** A node name: letters, digits, {@code . _ -}. */
        private String token(int from, int to) {
            int end = from;
            while (end < to && (Character.isLetterOrDigit(buf[end]) || buf[end] == '.' || buf[end] == '_' || buf[end] == '-')) end++;
            return ascii(from, end);
        }

        private String ascii(int from, int to) {
            return new String(buf, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        private static int hex(byte b) {
            if (b >= '0' && b <= '9') return b - '0';
            if (b >= 'a' && b <= 'f') return b - 'a' + 10;
            if (b >= 'A' && b <= 'F') return b - 'A' + 10;
            return -1;
        }
    }
}
