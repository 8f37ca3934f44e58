package dev.vigil.drill.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The spec a drill writes to a vantage node's `vigil drill probe`, and what an older drill wrote. */
class ProbeStreamTest {
    @Test
    void theSpecCarriesReuseAndASpecWithoutItReusesConnections() {
        var fresh = new ProbeSpec("far page", ProbeKind.HTTP, "http://10.0.0.50/", Duration.ofMillis(2), Duration.ofMillis(500),
                "ha3", false);
        var lines = ProbeStream.specLines(fresh).split("\n");
        assertThat(lines[0]).isEqualTo("spec http 2 500 reuse=0 far page");
        assertThat(ProbeStream.spec(lines[0], lines[1])).isEqualTo(new ProbeSpec("far page", ProbeKind.HTTP, "http://10.0.0.50/",
                Duration.ofMillis(2), Duration.ofMillis(500), ProbeSpec.LOCAL, false));
        assertThat(ProbeStream.spec("spec http 10 500 far", "http://x/").reuse()).as("an older drill's spec").isTrue();
        assertThatThrownBy(() -> ProbeStream.spec("spec http 10 500 reuse=yes far", "http://x/"))
                .hasMessageContaining("expected reuse=1 or reuse=0, then the name");
    }
}
