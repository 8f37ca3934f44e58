package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "200ms, 200",
            "1s, 1000",
            "1.5s, 1500",
            "2m, 120000",
            "1h, 3600000",
            "3, 3000",          // bare number: seconds, as in ha.cf
            "0.25, 250",
            "' 10 s ', 10000",
            "0, 0",
    })
    void parsesWhatHaCfUsersWrite(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1s", "1 sec", "1d", "1.s", "s", "1,5s", "99999999999999999h"})
    void rejectsEverythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"250, 250ms", "1000, 1s", "1500, 1500ms", "120000, 2m", "3600000, 1h", "0, 0ms"})
    void formatsInTheShortestExactUnit(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"250ms", "1s", "1500ms", "2m", "1h"})
    void formatThenParseIsIdentity(String text) {
        assertThat(Durations.format(Durations.parse(text).orElseThrow())).isEqualTo(text);
    }
}
