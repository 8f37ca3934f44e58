package dev.vigil.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.terminal.Terminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshTerminalTest {
    private static List<KeyStroke> keys(SshTerminal t, int max) throws Exception {
        var out = new ArrayList<KeyStroke>();
        for (int i = 0; i < max; i++) {
            var k = t.pollInput();
            if (k == null) break;
            out.add(k);
            if (k.getKeyType() == KeyType.EOF) break;
        }
        return out;
    }

    @Test
    void enterAsABareCrIsEnterAndTheNextKeyIsNotLost() throws Exception {
        var in = new CrToLf(new ByteArrayInputStream("\ra\u0003".getBytes(StandardCharsets.UTF_8)));
        var t = new SshTerminal(in, new ByteArrayOutputStream(), 80, 24);
        var k = keys(t, 10);
        assertThat(k).extracting(KeyStroke::getKeyType).startsWith(KeyType.Enter, KeyType.Character, KeyType.Character);
        assertThat(k.get(1).getCharacter()).isEqualTo('a');
        // Ctrl-C is a key like any other, not a signal that stops anything
        assertThat(k.get(2).getCharacter()).isEqualTo('c');
        assertThat(k.get(2).isCtrlDown()).isTrue();
    }

    @Test
    void theSizeComesFromThePtyRequestAndFollowsWindowChanges() throws Exception {
        var out = new ByteArrayOutputStream();
        var t = new SshTerminal(new ByteArrayInputStream(new byte[0]), out, 100, 30);
        assertThat(t.getTerminalSize()).isEqualTo(new TerminalSize(100, 30));
        assertThat(out.size()).isZero(); // no cursor-position probe sent to the client
        var seen = new ArrayList<TerminalSize>();
        t.addResizeListener((Terminal term, TerminalSize s) -> seen.add(s));
        t.resized(140, 40);
        assertThat(t.getTerminalSize()).isEqualTo(new TerminalSize(140, 40));
        assertThat(seen).containsExactly(new TerminalSize(140, 40));
    }

    @Test
    void plainTextToARawTtyGetsCrLf() throws Exception {
        var out = new ByteArrayOutputStream();
        try (var s = new LfToCrLf(out)) {
            s.write("one\ntwo\r\nthree\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\r\ntwo\r\nthree\r\n");
    }

}
