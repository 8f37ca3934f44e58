package dev.vigil.drill.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report page in a real browser: Debian's Chromium, headless, with a temporary profile, no
 * network (every host name resolves to nothing) and a bounded time. The DOM Chromium built must
 * hold the SVG timeline with its marks, and its screenshot must show them: the colour of each mark
 * where the DOM puts it (measured from the legend's mark of the same colour, so the page's margins
 * do not matter). Skipped, saying so, only where {@code chromium} is not installed (CI installs it).
 */
class HtmlReportBrowserTest {
    /** Chromium starts in about a second here; this bounds a wedged one, not a slow one. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(15);
    private static final Pattern EVENT = Pattern.compile("<g class=\"event ([a-z-]+)\"><circle cx=\"([0-9.]+)\" cy=\"([0-9]+)\"");
    private static final Pattern LEGEND = Pattern.compile("<circle cx=\"([0-9]+)\" cy=\"([0-9]+)\" r=\"5\" fill=\"(#[0-9a-f]{6})\"></circle><text[^>]*>([a-z-]+)</text>");
    private static final Pattern FAILED_BAR = Pattern.compile("<rect class=\"probe failed\" x=\"([0-9.]+)\" y=\"([0-9]+)\"");

    @TempDir
    Path dir;

    @Test
    void chromiumRendersTheTimelineWithItsMarksPhasesAndVerdict() throws Exception {
        var chromium = chromium();
        assumeTrue(chromium != null, "skipping the browser test: no chromium on PATH (apt-get install chromium)");
        var page = Files.writeString(dir.resolve("report.html"), HtmlReport.render(HtmlReportTest.sample()));

        String dom = run(chromium, "--dump-dom", page.toUri().toString());
        assertThat(dom).as("the DOM Chromium built").contains("<svg id=\"timeline\"")
                .contains("id=\"verdict\">FAIL</p>").contains("<td>observe</td><td>1030 ms</td><td>2100 ms</td>");
        var marks = new ArrayList<String>();
        EVENT.matcher(dom).results().forEach(m -> marks.add(m.group(1)));
        assertThat(marks).as("the timeline's marks in the DOM").containsExactly("inject", "detection", "fencing", "start");
        assertThat(dom).contains("class=\"probe failed\"").contains("first answer +1601 ms");

        var png = dir.resolve("report.png");
        run(chromium, "--screenshot=" + png, "--window-size=1100,1400", page.toUri().toString());
        Files.createDirectories(Path.of("target"));
        Files.copy(png, Path.of("target/report-in-chromium.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING); // to look at
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot).as("a PNG screenshot").isNotNull();
        // The legend's restore mark (blue: nothing else on this page is) gives where the SVG is on
        // the page; every event mark must then be on screen where the DOM puts it.
        var legend = LEGEND.matcher(dom).results().filter(m -> m.group(4).equals("restore")).findFirst()
                .orElseThrow(() -> new AssertionError("no restore in the legend of " + dom));
        var origin = blobCentre(shot, Integer.parseInt(legend.group(3).substring(1), 16));
        double dx = origin[0] - Double.parseDouble(legend.group(1));
        double dy = origin[1] - Double.parseDouble(legend.group(2));
        var colours = new java.util.HashMap<String, Integer>();
        LEGEND.matcher(dom).results().forEach(m -> colours.put(m.group(4), Integer.parseInt(m.group(3).substring(1), 16)));
        for (var m : EVENT.matcher(dom).results().toList()) {
            String kind = m.group(1);
            int x = (int) Math.round(Double.parseDouble(m.group(2)) + dx);
            int y = (int) Math.round(Double.parseDouble(m.group(3)) + dy);
            assertThat(shot.getRGB(x, y) & 0xffffff).as("the %s mark's pixel at (%d, %d)", kind, x, y).isEqualTo(colours.get(kind));
        }
        var bar = FAILED_BAR.matcher(dom).results().findFirst().orElseThrow();
        int bx = (int) Math.round(Double.parseDouble(bar.group(1)) + dx);
        int by = (int) Math.round(Double.parseDouble(bar.group(2)) + 8 + dy);
        // One pixel wide at a fractional x, so blended with the white around it: red, not exactly #d62728.
        assertThat(java.util.stream.IntStream.rangeClosed(bx - 1, bx + 1).map(x -> shot.getRGB(x, by) & 0xffffff))
                .as("the failed probe's red bar near (%d, %d)", bx, by)
                .anyMatch(rgb -> (rgb >> 16) >= 0xc0 && ((rgb >> 8) & 0xff) <= 0x80 && (rgb & 0xff) <= 0x80);
        assertThat(shot.getRGB(bx + 20, by) & 0xffffff).as("the strip between two samples, white: not a page painted red").isEqualTo(0xffffff);
    }

    /** The centre of the pixels of {@code rgb} (one small blob on this page). */
    private static double[] blobCentre(BufferedImage img, int rgb) {
        int x0 = Integer.MAX_VALUE, x1 = -1, y0 = Integer.MAX_VALUE, y1 = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        assertThat(x1).as("pixels of #%06x on the screenshot", rgb).isNotNegative();
        assertThat(x1 - x0).as("one blob of #%06x, a legend mark", rgb).isLessThan(14);
        return new double[] {(x0 + x1 + 1) / 2.0, (y0 + y1 + 1) / 2.0};
    }

    private String run(String chromium, String... args) throws IOException, InterruptedException {
        // --no-sandbox: Chromium refuses to run as root without it, and a container without user
        // namespaces has no sandbox to give it; the page is ours, has no script, and no network is reachable.
        var command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile"), "--host-resolver-rules=MAP * ~NOTFOUND",
                "--disable-background-networking", "--disable-component-update"));
        command.addAll(List.of(args));
        var out = dir.resolve("chromium.out");
        var p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(dir.resolve("chromium.err").toFile()).start();
        try {
            assertThat(p.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("chromium done within %s", RUN_LIMIT).isTrue();
            assertThat(p.exitValue()).as("chromium's exit; it said: %s", Files.readString(dir.resolve("chromium.err"))).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static String chromium() {
        for (var d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            var f = Path.of(d, "chromium");
            if (Files.isExecutable(f)) return f.toString();
        }
        return null;
    }
}
