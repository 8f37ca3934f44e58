package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TimingPresetTest {

    @ParameterizedTest
    @EnumSource(TimingPreset.class)
    void everyPresetIsUsable(TimingPreset preset) {
        assertThat(preset.timing().problems()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TimingPreset.class)
    void configNameRoundTrips(TimingPreset preset) {
        assertThat(TimingPreset.byConfigName(preset.configName())).contains(preset);
    }

    @Test
    void configNamesAreListedForErrorMessages() {
        assertThat(TimingPreset.configNames()).isEqualTo("lan | fast | instant | wan | serial");
        assertThat(TimingPreset.byConfigName("LAN")).isEmpty();
        assertThat(TimingPreset.byConfigName("slow")).isEmpty();
    }

    @Test
    void lanIsTheDocumentedDefault() {
        Timing lan = TimingPreset.LAN.timing();
        assertThat(lan).isEqualTo(new Timing(Duration.ofMillis(80), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(10)));
    }

    @Test
    void presetsForLossyPathsNeedTwelveLostBeatsInARowToKillAPeer() {
        // 0.3^12 ≈ 5e-7: 30 % random loss on one link does not fake a death (see TimingPreset).
        for (var p : new TimingPreset[] {TimingPreset.LAN, TimingPreset.WAN}) {
            var t = p.timing();
            assertThat(t.deadtime().toMillis() / t.keepalive().toMillis()).as(p.configName()).isGreaterThanOrEqualTo(12);
        }
        for (var p : TimingPreset.values()) {
            var t = p.timing();
            assertThat(t.deadtime().toMillis() / t.keepalive().toMillis()).as(p.configName()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void brokenRulesAreReported() {
        var t = new Timing(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1));
        assertThat(t.problems()).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("deadtime (2s) must be greater than 2 × keepalive (2s)"))
                .anySatisfy(p -> assertThat(p).startsWith("warntime (500ms)"))
                .anySatisfy(p -> assertThat(p).startsWith("initdead (1s)"));
        assertThat(TimingPreset.LAN.timing().withKeepalive(Duration.ZERO).problems())
                .anySatisfy(p -> assertThat(p).startsWith("keepalive must be positive"));
    }

    @Test
    void overridingOneTimerInTheFileKeepsTheOthersFromThePreset(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var key = ConfigFixtures.writeKey(dir.resolve("authkey"));
        var config = ConfigLoader.load("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {preset: wan, deadtime: 10s}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """, dir.resolve("cluster.yaml"), ConfigFixtures.NO_DNS);
        Timing wan = TimingPreset.WAN.timing();
        assertThat(config.timingPreset()).isEqualTo(TimingPreset.WAN);
        assertThat(config.timing()).isEqualTo(wan.withDeadtime(Duration.ofSeconds(10)));
        assertThat(config.timing().keepalive()).isEqualTo(wan.keepalive());
        assertThat(config.timing().warntime()).isEqualTo(wan.warntime());
        assertThat(config.timing().initdead()).isEqualTo(wan.initdead());
        assertThat(config.keyFile()).isEqualTo(key);
    }
}
