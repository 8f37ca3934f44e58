package dev.vigil.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WordsTest {
    @Test
    void splitsLikeAShellWithoutExpanding() {
        assertThat(Words.split("  vigil status   --json ")).containsExactly("vigil", "status", "--json");
        assertThat(Words.split("vigil resource move 'my group' \"ha 2\"")).containsExactly("vigil", "resource", "move", "my group", "ha 2");
        assertThat(Words.split("a\\ b \"q\\\"x\" '$HOME' ''")).containsExactly("a b", "q\"x", "$HOME", "");
        assertThat(Words.split("")).isEmpty();
    }

    @Test
    void anUnclosedQuoteNamesItsColumn() {
        assertThatThrownBy(() -> Words.split("vigil resource move 'www ha2"))
                .hasMessage("column 21: the quote ' is never closed");
        assertThatThrownBy(() -> Words.split("vigil \\")).hasMessageContaining("column 7");
    }
}
