package dev.vigil.heartbeat;

import dev.vigil.config.ClusterKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The binary heartbeat format, version 1. All integers are big-endian.
 *
 * <pre>
 *  offset size  field
 *  0      2     magic 'V' 'G'
 *  2      1     format version (1)
 *  3      1     message type ({@link MessageType} code)
 *  4      1     link index
 *  5      1+n   cluster name (length, UTF-8 bytes; 1..64)
 *         1+n   sender name  (length, UTF-8 bytes; 1..64)
 *         8     incarnation
 *         8     sequence
 *         8     config version
 *         8     view number
 *         1     view member count (0..64), then per member 1+n name
 *         2     extension count, then per extension: 2 type, 2 length, value
 *         32    HMAC-SHA256 over every byte above, keyed with the cluster key
 * </pre>
 *
 * <p><b>Mixed versions</b> (a rolling upgrade runs agents of versions N and N+1 together): a new
 * kind of information is a new extension type ({@link ExtensionTypes}; a receiver ignores types it
 * does not know), which needs no new format version. A new format version may only <em>append</em>
 * fields, after the extensions and before the tag. A receiver accepts its own version and the one
 * either side of it ({@link #readable}): from a newer sender it reads the fields it knows and skips
 * the appended bytes (the HMAC still covers them); from an older one the appended fields are
 * absent. Anything further away is {@link DropReason#WRONG_VERSION}: upgrade one version at a time.
 * A layout that cannot be an append needs a new magic, not a new version.
 *
 * <p><b>Encrypted</b> ({@code auth: {encrypt: true}}): the whole packet above, sealed with
 * AES-256-GCM ({@link PacketSeal}, magic 'V' 'E'); {@link #decode} opens sealed packets whatever
 * this codec writes, then reads the plain packet inside as usual.
 *
 * <p>Decoding checks cheap, unauthenticated things first (size, magic, version, structure,
 * cluster) so that garbage and other clusters are classified precisely, then the HMAC, which
 * is compared in constant time. Everything is bounds-checked: no input makes it throw.
 *
 * <p>Not thread-safe (it reuses one {@link Mac}); give each receiving thread its own codec.
 */
public final class PacketCodec {
    public static final int FORMAT_VERSION = 1;
    /** Fits an Ethernet MTU with IP and UDP headers, and one serial frame. */
    public static final int MAX_PACKET_BYTES = 1400;
    public static final int MAX_NAME_BYTES = 64;
    /** A view of the largest cluster the configuration allows. */
    public static final int MAX_VIEW_MEMBERS = dev.vigil.config.NodeConfig.MAX_NODES;
    static final int TAG_BYTES = 32;
    static final byte MAGIC_0 = 'V';
    static final byte MAGIC_1 = 'G';
    /** magic, version, type, link, two 1-byte names, four longs, view count, extension count, tag. */
    static final int MIN_PACKET_BYTES = 2 + 1 + 1 + 1 + 2 + 2 + 32 + 1 + 2 + TAG_BYTES;

    /**
     * What a forged packet most often is in practice: a node that missed a key rotation. Said in
     * every such drop (logged rate-limited), on both sides: the stale node and the others.
     */
    static final String OTHER_KEY = "; if it is a node of this cluster, it signs with another key: a node that was down"
            + " during `vigil key rotate` keeps the old one. Copy the key file from a node that runs the current key"
            + " (mode 0600, same path) to the node that missed it, and restart its agent";
    private final int formatVersion;
    private final Mac mac;
    /** Opens sealed packets always (a peer may encrypt before this node does); seals only when {@link #encrypt}. */
    private final PacketSeal seal;
    private final boolean encrypt;
    /** The largest plain packet: sealing must still fit {@link #MAX_PACKET_BYTES}. */
    private final int plainLimit;
    private final byte[] clusterName;
    private final byte[] tagScratch = new byte[TAG_BYTES];

    public PacketCodec(ClusterKey key, String cluster) {
        this(key, cluster, false);
    }

    /**
     * @param encrypt whether {@link #encode} seals its packets ({@link PacketSeal}); either way
     *                {@link #decode} reads sealed and plain ones, so the cluster can switch without a gap
     */
    public PacketCodec(ClusterKey key, String cluster, boolean encrypt) {
        this(key, cluster, FORMAT_VERSION, encrypt);
    }

    /** A codec that writes {@code formatVersion}: the tests' stand-in for an agent one version older or newer. */
    PacketCodec(ClusterKey key, String cluster, int formatVersion) {
        this(key, cluster, formatVersion, false);
    }

    private PacketCodec(ClusterKey key, String cluster, int formatVersion, boolean encrypt) {
        this.formatVersion = formatVersion;
        this.seal = new PacketSeal(key);
        this.encrypt = encrypt;
        this.plainLimit = encrypt ? MAX_PACKET_BYTES - PacketSeal.OVERHEAD : MAX_PACKET_BYTES;
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
        this.clusterName = cluster.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] encode(HeartbeatPacket p) {
        var buf = ByteBuffer.allocate(plainLimit);
        buf.put(MAGIC_0).put(MAGIC_1).put((byte) formatVersion).put((byte) p.type().code());
        putUnsignedByte(buf, p.linkIndex(), "link index");
        putName(buf, p.cluster());
        putName(buf, p.sender());
        buf.putLong(p.incarnation()).putLong(p.sequence()).putLong(p.configVersion()).putLong(p.viewNumber());
        if (p.view().size() > MAX_VIEW_MEMBERS) {
            throw new IllegalArgumentException("view has more than " + MAX_VIEW_MEMBERS + " members");
        }
        buf.put((byte) p.view().size());
        for (var member : p.view()) {
            putName(buf, member);
        }
        buf.putShort((short) p.extensions().size());
        for (var ext : p.extensions()) {
            byte[] value = ext.value();
            if (buf.remaining() < 4 + value.length + TAG_BYTES) {
                throw new IllegalArgumentException("packet exceeds " + MAX_PACKET_BYTES + " bytes");
            }
            buf.putShort((short) ext.type()).putShort((short) value.length).put(value);
        }
        if (buf.remaining() < TAG_BYTES) {
            throw new IllegalArgumentException("packet exceeds " + MAX_PACKET_BYTES + " bytes");
        }
        int bodyLength = buf.position();
        mac.update(buf.array(), 0, bodyLength);
        try {
            mac.doFinal(buf.array(), bodyLength);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        byte[] out = new byte[bodyLength + TAG_BYTES];
        System.arraycopy(buf.array(), 0, out, 0, out.length);
        return encrypt ? seal.seal(out) : out;
    }

    public DecodeResult decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    public DecodeResult decode(byte[] data, int offset, int length) {
        if (length > MAX_PACKET_BYTES) {
            return dropped(DropReason.OVERSIZED, length + " bytes");
        }
        if (PacketSeal.isSealed(data, offset, length)) {
            if (length < PacketSeal.OVERHEAD) {
                return dropped(DropReason.TRUNCATED, length + " bytes of a sealed packet");
            }
            if ((data[offset + 2] & 0xFF) != PacketSeal.VERSION) {
                return dropped(DropReason.WRONG_VERSION, "sealed packet version " + (data[offset + 2] & 0xFF)
                        + ", this agent reads " + PacketSeal.VERSION);
            }
            var plain = seal.open(data, offset, length);
            if (plain.isEmpty()) {
                return dropped(DropReason.FORGED, "a sealed packet that does not decrypt (another cluster, or"
                        + " changed in transit)" + OTHER_KEY);
            }
            return decodePlain(plain.get(), 0, plain.get().length);
        }
        return decodePlain(data, offset, length);
    }

    private DecodeResult decodePlain(byte[] data, int offset, int length) {
        if (length < 2 || data[offset] != MAGIC_0 || data[offset + 1] != MAGIC_1) {
            return length < 2
                    ? dropped(DropReason.TRUNCATED, length + " bytes")
                    : dropped(DropReason.MALFORMED, "not a Vigil packet (bad magic)");
        }
        if (length < 3) {
            return dropped(DropReason.TRUNCATED, length + " bytes");
        }
        int version = data[offset + 2] & 0xFF;
        if (!readable(version, formatVersion)) {
            return dropped(DropReason.WRONG_VERSION, "format version " + version + ", this agent reads "
                    + Math.max(1, formatVersion - 1) + " to " + (formatVersion + 1) + ": upgrade one version at a time");
        }
        if (length < MIN_PACKET_BYTES) {
            return dropped(DropReason.TRUNCATED, length + " bytes, the minimum is " + MIN_PACKET_BYTES);
        }
        var r = new Reader(data, offset, length - TAG_BYTES);
        int typeCode = r.u8();
        int linkIndex = r.u8();
        int clusterStart = r.pos + 1;
        String cluster = r.name();
        int clusterEnd = r.pos;
        String sender = r.name();
        long incarnation = r.i64();
        long sequence = r.i64();
        long configVersion = r.i64();
        long viewNumber = r.i64();
        int viewCount = r.u8();
        if (viewCount > MAX_VIEW_MEMBERS) {
            r.fail(DropReason.MALFORMED, "view of " + viewCount + " members");
        }
        var view = new ArrayList<String>(Math.min(viewCount, MAX_VIEW_MEMBERS));
        for (int i = 0; i < viewCount && r.ok(); i++) {
            view.add(r.name());
        }
        int extCount = r.u16();
        List<Extension> extensions = extCount == 0 ? List.of() : new ArrayList<>();
        for (int i = 0; i < extCount && r.ok(); i++) {
            int type = r.u16();
            int len = r.u16();
            byte[] value = r.bytes(len);
            if (r.ok()) {
                extensions.add(new Extension(type, value));
            }
        }
        if (!r.ok()) {
            return dropped(r.failure, r.failureDetail);
        }
        // A newer sender's appended fields are skipped; from our own version they are garbage.
        if (r.pos != r.end && version <= formatVersion) {
            return dropped(DropReason.MALFORMED, (r.end - r.pos) + " unexpected bytes before the tag");
        }
        if (!sameBytes(data, clusterStart, clusterEnd, clusterName)) {
            return dropped(DropReason.WRONG_CLUSTER, "cluster '" + cluster + "' from " + sender);
        }
        var type = MessageType.byCode(typeCode);
        // Verify before trusting the type: an unknown type from a forger is a forgery, not news.
        int bodyLength = length - TAG_BYTES;
        mac.update(data, offset, bodyLength);
        try {
            mac.doFinal(tagScratch, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        if (!constantTimeEquals(tagScratch, data, offset + bodyLength)) {
            return dropped(DropReason.FORGED, "bad HMAC on a packet claiming to be from " + sender + OTHER_KEY);
        }
        if (type.isEmpty()) {
            return dropped(DropReason.MALFORMED, "unknown message type " + typeCode + " from " + sender);
        }
        return new DecodeResult.Accepted(new HeartbeatPacket(type.get(), cluster, sender, incarnation, sequence,
                linkIndex, configVersion, viewNumber, view, extensions));
    }

    /** Whether a receiver of format {@code own} reads a packet of format {@code version}: its own and one either side. */
    static boolean readable(int version, int own) {
        return version >= Math.max(1, own - 1) && version <= own + 1;
    }

    private static DecodeResult dropped(DropReason reason, String detail) {
        return new DecodeResult.Dropped(reason, detail);
    }

    private static boolean constantTimeEquals(byte[] expected, byte[] data, int offset) {
        int diff = 0;
        for (int i = 0; i < TAG_BYTES; i++) {
            diff |= expected[i] ^ data[offset + i];
        }
        return diff == 0;
    }

    private static boolean sameBytes(byte[] data, int from, int to, byte[] expected) {
        if (to - from != expected.length) {
            return false;
        }
        // The cluster name is not a secret, so a plain comparison is fine here.
        return java.util.Arrays.equals(data, from, to, expected, 0, expected.length);
    }

    private static void putName(ByteBuffer buf, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("name must be 1.." + MAX_NAME_BYTES + " bytes: '" + name + "'");
        }
        if (buf.remaining() < 1 + bytes.length + TAG_BYTES) {
            throw new IllegalArgumentException("packet exceeds " + MAX_PACKET_BYTES + " bytes");
        }
        buf.put((byte) bytes.length).put(bytes);
    }

    private static void putUnsignedByte(ByteBuffer buf, int value, String what) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(what + " out of range: " + value);
        }
        buf.put((byte) value);
    }

    /** A bounds-checked cursor that records the first failure instead of throwing. */
    private static final class Reader {
        private final byte[] data;
        private final int end;
        private int pos;
        private DropReason failure;
        private String failureDetail;

        Reader(byte[] data, int offset, int end) {
            this.data = data;
            this.pos = offset + 3;
            this.end = offset + end;
        }

        boolean ok() {
            return failure == null;
        }

        void fail(DropReason reason, String detail) {
            if (failure == null) {
                failure = reason;
                failureDetail = detail;
            }
        }

        private boolean need(int n) {
            if (!ok()) {
                return false;
            }
            if (end - pos < n) {
                fail(DropReason.TRUNCATED, "field runs past the end of the packet");
                return false;
            }
            return true;
        }

        int u8() {
            if (!need(1)) return 0;
            return data[pos++] & 0xFF;
        }

        int u16() {
            if (!need(2)) return 0;
            int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        long i64() {
            if (!need(8)) return 0;
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (data[pos + i] & 0xFF);
            }
            pos += 8;
            return v;
        }

        byte[] bytes(int n) {
            if (!need(n)) return new byte[0];
            byte[] out = java.util.Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return out;
        }

        private boolean isAscii(int from, int len) {
            for (int i = from; i < from + len; i++) {
                if (data[i] < 0) return false;
            }
            return true;
        }

        String name() {
            int len = u8();
            if (!ok()) return "";
            if (len == 0 || len > MAX_NAME_BYTES) {
                fail(DropReason.MALFORMED, "name of " + len + " bytes");
                return "";
            }
            if (!need(len)) return "";
            if (isAscii(pos, len)) {
                // Node names are ASCII in practice; skip the decoder's allocation on the hot path.
                String s = new String(data, pos, len, StandardCharsets.US_ASCII);
                pos += len;
                return s;
            }
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(data, pos, len))
                        .toString();
                pos += len;
                return s;
            } catch (CharacterCodingException e) {
                fail(DropReason.MALFORMED, "name is not UTF-8");
                return "";
            }
        }
    }
}
