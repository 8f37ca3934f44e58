package dev.vigil.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SealedFramesTest {
    private static final byte[] KEY = new byte[32];
    private static final int MAX = 1024;
    private final SealedCounters counters = new SealedCounters();

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    /** Two frames as they would go over the wire, kept apart so tests can rearrange them. */
    private static byte[][] twoFrames(byte[] key) throws IOException {
        var out = new ByteArrayOutputStream();
        var w = new SealedFrames.Writer(out, key, MAX);
        w.write("first".getBytes(StandardCharsets.UTF_8));
        int cut = out.size();
        w.write("second".getBytes(StandardCharsets.UTF_8));
        byte[] all = out.toByteArray();
        return new byte[][] {Arrays.copyOf(all, cut), Arrays.copyOfRange(all, cut, all.length)};
    }

    private SealedFrames.Reader reader(byte[] wire, byte[] key) {
        return new SealedFrames.Reader(new ByteArrayInputStream(wire), key, MAX, counters);
    }

    @Test
    void framesOpenInOrderAndACleanEndIsNoFrame() throws IOException {
        var f = twoFrames(KEY);
        var r = reader(SealedKeys.concat(f[0], f[1]), KEY);
        assertThat(new String(r.read().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("first");
        assertThat(new String(r.read().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(r.read()).isEmpty();
        assertThat(counters.snapshot().values()).allMatch(v -> v == 0);
    }

    @Test
    void aTamperedFrameIsRefusedAndCounted() throws IOException {
        var f = twoFrames(KEY);
        f[0][f[0].length - 20] ^= 1; // one bit of the ciphertext
        assertRefused(reader(f[0], KEY), SealedCounters.Reason.FORGED);
    }

    @Test
    void aFrameUnderAnotherKeyIsRefused() throws IOException {
        byte[] other = KEY.clone();
        other[0] = 9;
        var f = twoFrames(other);
        assertRefused(reader(f[0], KEY), SealedCounters.Reason.FORGED);
    }

    @Test
    void aReplayedFrameIsRefused() throws IOException {
        var f = twoFrames(KEY);
        var r = reader(SealedKeys.concat(f[0], f[0]), KEY);
        assertThat(r.read()).isPresent();
        assertRefused(r, SealedCounters.Reason.REPLAYED);
    }

    @Test
    void aReorderedOrDroppedFrameIsRefused() throws IOException {
        var f = twoFrames(KEY);
        assertRefused(reader(f[1], KEY), SealedCounters.Reason.REORDERED);
    }

    @Test
    void aTruncatedStreamIsRefused() throws IOException {
        var f = twoFrames(KEY);
        assertRefused(reader(Arrays.copyOf(f[0], f[0].length - 1), KEY), SealedCounters.Reason.TRUNCATED);
        assertRefused(reader(Arrays.copyOf(f[0], 5), KEY), SealedCounters.Reason.TRUNCATED);
        assertThat(counters.get(SealedCounters.Reason.TRUNCATED)).isEqualTo(2);
    }

    @Test
    void anOversizeFrameIsRefusedBeforeItIsRead() throws IOException {
        byte[] header = SealedFrames.header(Integer.MAX_VALUE, 0);
        assertRefused(reader(header, KEY), SealedCounters.Reason.OVERSIZE);
        assertThatThrownBy(() -> new SealedFrames.Writer(new ByteArrayOutputStream(), KEY, MAX).write(new byte[MAX + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChangedSequenceNumberIsRefused() throws IOException {
        var f = twoFrames(KEY);
        // the second frame relabelled as the first: the number matches, the tag does not
        f[1][11] = 0;
        assertRefused(reader(f[1], KEY), SealedCounters.Reason.FORGED);
    }

    private void assertRefused(SealedFrames.Reader r, SealedCounters.Reason reason) {
        long before = counters.get(reason);
        assertThatThrownBy(r::read).isInstanceOfSatisfying(SealedRefusal.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(counters.get(reason)).isEqualTo(before + 1);
    }
}
