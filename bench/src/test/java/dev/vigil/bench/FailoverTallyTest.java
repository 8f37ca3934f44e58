package dev.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverTallyTest {
    @Test
    void countsLossDuplicatesAndTheGap() {
        var published = List.of("900,failed,0,Connection refused", "1000,confirmed,1", "1010,confirmed,2", "1500,failed,3,Connection reset",
                "2500,failed,4,connect timed out", "4010,confirmed,5", "4020,confirmed,6");
        // 2 is lost; 5 came twice; 3 was taken by the broker though its confirm never came.
        var consumed = List.of("9000,1", "9001,3", "9002,5", "9003,5", "9004,6");
        var t = FailoverTally.of(published, consumed);
        assertThat(t).isEqualTo(new FailoverTally(4, 1, 1, 1, 2, 3000));
        assertThat(t.toString()).isEqualTo("confirmed=4 lost=1 duplicates=1 unconfirmed_delivered=1 failed=2 gap_ms=3000");
    }

    @Test
    void noFailureNoGapAndNoConfirmAfterItIsMinusOne() {
        assertThat(FailoverTally.of(List.of("1,confirmed,1"), List.of("2,1")).gapMs()).isZero();
        assertThat(FailoverTally.of(List.of("1,confirmed,1", "2,failed,2,x"), List.of()).gapMs()).isEqualTo(-1);
        assertThat(FailoverTally.of(List.of("1,confirmed,1", "2,failed,2,x"), List.of()).lost()).isEqualTo(1);
    }
}
