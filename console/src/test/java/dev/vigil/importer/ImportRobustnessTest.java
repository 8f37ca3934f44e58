package dev.vigil.importer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.importer.heartbeat.HeartbeatImport;
import dev.vigil.importer.keepalived.KeepalivedImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real files damaged at random (lines dropped, duplicated, swapped, words cut or replaced), a
 * fixed seed each: an import either names its problems (an {@link ImportException}) or makes a
 * file `vigil config check` accepts; it never throws anything else and never writes a file the
 * check refuses.
 */
class ImportRobustnessTest {
    private static final int ROUNDS = 300;
    private static final List<String> WORDS = List.of("{", "}", "\"", "#", "!", "eth0", "0", "-1", "999999", "10.0.0.1",
            "ff02::1", "225.0.0.1", "::", "/", "ha1", "x::y", "\\", "1ms", "include", "@ha1", "$X=1", "${X}");

    @TempDir
    Path dir;

    private static String damage(String text, Random r) {
        var lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int i = r.nextInt(lines.size());
            switch (r.nextInt(5)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, lines.get(r.nextInt(lines.size())));
                case 2 -> lines.set(i, lines.get(i).substring(0, r.nextInt(lines.get(i).length() + 1)));
                case 3 -> {
                    var words = new ArrayList<>(List.of(lines.get(i).trim().split("\\s+")));
                    words.set(r.nextInt(words.size()), WORDS.get(r.nextInt(WORDS.size())));
                    lines.set(i, String.join(" ", words));
                }
                default -> lines.set(i, lines.get(i) + " " + WORDS.get(r.nextInt(WORDS.size())));
            }
        }
        return String.join("\n", lines);
    }

    private void assertValid(ImportResult result, String input) {
        var errors = ConfigLoader.checkAwayFromNodes(result.yaml(), dir.resolve("cluster.yaml"));
        assertTrue(errors.isEmpty(), "accepted input made a file the check refuses: " + errors + "\n--- input:\n" + input
                + "\n--- output:\n" + result.yaml());
    }

    @Test
    void damagedHeartbeatFilesAreRefusedOrImportedValid() throws Exception {
        var r = new Random(79);
        for (var set : List.of("bcast-serial", "ucast-mcast", "stonith-file")) {
            Path d = Golden.resource("heartbeat/" + set);
            String haCf = Golden.read(d.resolve("ha.cf"));
            String haresources = Golden.read(d.resolve("haresources"));
            String authkeys = Golden.read(d.resolve("authkeys"));
            for (int i = 0; i < ROUNDS; i++) {
                int which = r.nextInt(3);
                String a = which == 0 ? damage(haCf, r) : haCf;
                String b = which == 1 ? damage(haresources, r) : haresources;
                String c = which == 2 ? damage(authkeys, r) : authkeys;
                try {
                    var result = HeartbeatImport.run(new HeartbeatImport.Request(new HeartbeatImport.Source(a, Path.of("ha.cf")),
                            new HeartbeatImport.Source(b, Path.of("haresources")),
                            Optional.of(new HeartbeatImport.Source(c, Path.of("authkeys"))),
                            List.of(new NodeOption("ha1", "10.0.0.48")), "authkey",
                            name -> Optional.of(name.startsWith("ha1") ? "10.0.0.48" : "10.0.0.49"), Golden.fixedRandom(),
                            f -> { // stonith-file's parameter files, undamaged; nothing of this machine
                                if (f.isAbsolute()) throw new java.nio.file.NoSuchFileException(f.toString());
                                return Golden.read(d.resolve(f));
                            }));
                    assertValid(result, a + "\n---\n" + b + "\n---\n" + c);
                } catch (ImportException | IllegalArgumentException expected) {
                    // named problems, or a --node that names no node of the damaged file
                }
            }
        }
    }

    @Test
    void damagedKeepalivedSamplesAreRefusedOrImportedValid() throws Exception {
        var r = new Random(80);
        List<Path> samples;
        try (var s = Files.list(Path.of("/usr/share/doc/keepalived/samples"))) {
            samples = s.filter(p -> p.getFileName().toString().startsWith("keepalived.conf")).sorted().toList();
        }
        samples = new ArrayList<>(samples);
        samples.add(Golden.resource("keepalived/two-nodes/lb1.conf"));
        for (int i = 0; i < ROUNDS; i++) {
            Path sample = samples.get(r.nextInt(samples.size()));
            String text = damage(Golden.read(sample), r);
            Path file = dir.resolve(sample.getFileName());
            try {
                var result = KeepalivedImport.run(new KeepalivedImport.Request(List.of(file),
                        List.of(new NodeOption("ha1", "10.0.0.48"), new NodeOption("ha2", "10.0.0.49")), "authkey",
                        name -> Optional.empty(), Golden.fixedRandom(),
                        f -> f.equals(file) ? text : Files.readString(sample.resolveSibling(f.getFileName()))));
                assertValid(result, text);
            } catch (ImportException expected) {
                // named problems
            }
        }
    }
}
