package dev.vigil.heartbeat;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshnessTest {
    private static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");

    @Test
    void relaysAgesThatTheReceiverTurnsIntoInstantsOfItsOwn() {
        var f = new Freshness(ofMillis(1000));
        f.heard("n2", T0.minusMillis(30));
        f.heard("n3", T0.minusMillis(250));
        var ext = f.extension(T0);
        assertThat(ext.type()).isEqualTo(ExtensionTypes.FRESHNESS);
        // The receiver's clock differs; only the ages cross the wire.
        var there = T0.plusSeconds(3600);
        assertThat(Freshness.read(ext, there)).containsExactly(
                new Freshness.Relayed("n2", there.minusMillis(30)), new Freshness.Relayed("n3", there.minusMillis(250)));
    }

    @Test
    void keepsTheNewestEvidenceAndRelaysNothingOlderThanDeadtime() {
        var f = new Freshness(ofMillis(1000));
        f.heard("n2", T0.minusMillis(100));
        f.heard("n2", T0.minusMillis(900)); // older news of n2 arriving late changes nothing
        f.heard("n9", T0.minusMillis(1001));
        assertThat(Freshness.read(f.extension(T0), T0)).containsExactly(new Freshness.Relayed("n2", T0.minusMillis(100)));
    }

    @Test
    void staysWithinItsBudgetKeepingTheFreshest() {
        var f = new Freshness(ofMillis(1000));
        for (int i = 0; i < 64; i++) {
            f.heard("a-rather-long-node-name-" + i, T0.minusMillis(i));
        }
        var ext = f.extension(T0);
        assertThat(ext.value().length).isLessThanOrEqualTo(Freshness.MAX_BYTES);
        var read = Freshness.read(ext, T0);
        assertThat(read).isNotEmpty().hasSizeLessThan(64);
        assertThat(read.get(0).peer()).isEqualTo("a-rather-long-node-name-0");
    }

    @Test
    void malformedSaysNothing() {
        assertThat(Freshness.read(new Extension(ExtensionTypes.FRESHNESS, new byte[] {2, 2, 'n', '1'}), T0)).isEmpty();
        assertThat(Freshness.read(new Extension(ExtensionTypes.FRESHNESS, new byte[] {0, 9}), T0)).isEmpty();
        assertThat(Freshness.read(new Extension(ExtensionTypes.FRESHNESS, new byte[0]), T0)).isEmpty();
        assertThat(Freshness.read(new Extension(ExtensionTypes.CONFIG_DIGEST, new byte[] {0}), T0)).isEmpty();
    }
}
