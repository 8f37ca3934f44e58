package dev.vigil.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.cli.VigilCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The package's manual page ({@code install/src/deb/doc/vigil.1}, written by hand: picocli's
 * generator writes AsciiDoc, and turning that into troff would need asciidoctor in the build)
 * keeps up with the command line: every command {@code vigil help} lists has an entry.
 */
class ManPageTest {
    private static final Path PAGE = Path.of("src/deb/doc/vigil.1");

    @Test
    void everyCommandOfTheCommandLineHasAnEntry() throws IOException {
        var page = Files.readString(PAGE);
        var commands = new CommandLine(new VigilCommand()).getSubcommands().keySet();
        assertThat(commands).as("vigil's commands").contains("agent", "install");
        for (var command : commands) {
            assertThat(page).as("vigil.1 has an entry .TP / .B %s", command).contains(".TP\n.B " + command + "\n");
        }
    }
}
