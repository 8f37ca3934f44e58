package dev.vigil.drill.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.probe.ProbeSample;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A probe's outage from its samples, in ms on a made-up clock (injection at 100 ms). */
class OutagesTest {
    private static final ProbeSpec SPEC = new ProbeSpec("page", ProbeKind.HTTP, "http://x/", Duration.ofMillis(2),
            Duration.ofMillis(500), ProbeSpec.LOCAL);
    private static final long INJECT = ms(100);

    @Test
    void fromTheLastAnswerBeforeTheFailuresToTheFirstAfterThemInTheOrderAnswersCame() {
        var s = List.of(
                sample(90, 92, true),
                sample(96, 119, true),   // slow: answered after the next attempt's answer, and after the service stopped
                sample(98, 99, true),
                sample(120, 120, false), // the service stopped
                sample(122, 122, false),
                sample(124, 500, true),  // accepted, answered only when the server was up: the first to start, not to answer
                sample(126, 300, true),
                sample(128, 301, true));
        var series = Outages.series(SPEC, s, INJECT, ms(600), Optional.empty());
        assertThat(series.outageMs()).as("from the slow answer at 119 to the first answer at 300").isEqualTo(181);
        assertThat(series.firstOkAfterMs()).isEqualTo(200);
        assertThat(series.back()).isTrue();
    }

    @Test
    void failuresBeforeTheInjectionDoNotCountAndAnOutageStillOpenLastsToTheEnd() {
        var s = List.of(sample(50, 51, false), sample(60, 61, true), sample(110, 111, true), sample(120, 121, false),
                sample(130, 131, false));
        var series = Outages.series(SPEC, s, INJECT, ms(400), Optional.empty());
        assertThat(series.outageMs()).isEqualTo(400 - 111);
        assertThat(series.back()).isFalse();
        assertThat(series.firstOkAfterMs()).as("the first answer after the injection").isEqualTo(11);
    }

    @Test
    void noFailureNoOutage() {
        var series = Outages.series(SPEC, List.of(sample(100, 101, true), sample(150, 400, true)), INJECT, ms(500), Optional.empty());
        assertThat(series.outageMs()).isZero();
        assertThat(series.back()).isTrue();
    }

    private static ProbeSample sample(long startMs, long endMs, boolean ok) {
        return new ProbeSample("page", ms(startMs), ms(endMs), ok, ok ? "200" : "refused");
    }

    private static long ms(long ms) {
        return ms * 1_000_000;
    }
}
