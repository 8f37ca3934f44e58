package dev.vigil.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README honest about the tree: a newcomer reads the module map to learn what ships and
 * the prerequisites to learn what to install, so a script added under {@code resource-scripts/}
 * or a package added to {@code .ci/run} without a word in the README fails the build. Also checks
 * that the README's links to {@code docs/} and other files lead somewhere.
 */
class ReadmeTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theModuleMapNamesEveryShippedScript() throws IOException {
        String moduleMap = section(readme(), "## Module map");
        List<String> scripts = shippedScripts();
        assertThat(scripts).as("shipped scripts found under resource-scripts/").contains("IPaddr", "fence_vigil_ssh");
        for (String script : scripts) {
            assertThat(moduleMap).as("README.md, \"Module map\", names the shipped script `%s`", script)
                    .contains("`" + script + "`");
        }
    }

    @Test
    void theModuleMapNamesEveryModuleOfTheBuild() throws IOException {
        String moduleMap = section(readme(), "## Module map");
        var modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")))
                .results().map(m -> m.group(1)).toList();
        assertThat(modules).as("modules of the root pom").contains("agent", "drill");
        for (String module : modules) {
            assertThat(moduleMap).as("README.md, \"Module map\", has a row for the module `%s/`", module)
                    .contains("| `" + module + "/` |");
        }
    }

    @Test
    void thePrerequisitesNameEveryPackageCiInstalls() throws IOException {
        String commands = section(readme(), "## The two commands");
        List<String> packages = ciPackages(Files.readString(ROOT.resolve(".ci/run")));
        assertThat(packages).as("packages found in .ci/run").contains("socat", "resource-agents");
        for (String pkg : packages) {
            assertThat(commands).as("README.md, \"The two commands\", names the package `%s` that .ci/run installs", pkg)
                    .contains("`" + pkg + "`");
        }
    }

    @Test
    void theReadmeKeepsTheTestCommandCiRuns() throws IOException {
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("\n./mvnw -B verify\n");
        assertThat(section(readme(), "## The two commands")).contains("./mvnw -B verify ");
    }

    @Test
    void everyRelativeLinkOfTheReadmeAndTheDocsLeadsToAFile() throws IOException {
        var pages = new ArrayList<Path>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
        for (Path page : pages) {
            Matcher m = link.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.contains("://")) {
                    continue;
                }
                assertThat(page.getParent().resolve(target)).as("%s links to %s", page, target).exists();
            }
        }
    }

    @Test
    void everyDocsPageStartsWithWhatItCovers() throws IOException {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            for (Path page : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                List<String> lines = Files.readAllLines(page);
                assertThat(lines.get(0)).as("%s opens with a title", page).startsWith("# ");
                assertThat(lines.get(2)).as("%s says next what it covers", page).startsWith("What this covers: ");
            }
        }
    }

    /** A count written in prose goes stale silently; this one is checked against the directory. */
    @Test
    void theDocsCountTheGoldenScenariosThereAre() throws IOException {
        long scenarios;
        try (Stream<Path> files = Files.list(ROOT.resolve("agent/src/test/resources/scheduler-scenarios"))) {
            scenarios = files.filter(p -> p.toString().endsWith(".yaml")).count();
        }
        var pages = new ArrayList<Path>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Pattern count = Pattern.compile("(\\d+)\\s+golden\\s+scenarios");
        int counts = 0;
        for (Path page : pages) {
            Matcher m = count.matcher(Files.readString(page));
            while (m.find()) {
                counts++;
                assertThat(Long.parseLong(m.group(1))).as("%s: \"%s\"", page, m.group()).isEqualTo(scenarios);
            }
        }
        assertThat(counts).as("pages that give the number of golden scenarios").isPositive();
    }

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    /** From {@code heading} to the next heading of the same level. */
    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertThat(start).as("README.md has a section %s", heading).isNotNegative();
        int end = markdown.indexOf("\n## ", start + heading.length() + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    /** OCF agents ({@code resource-scripts/ocf/PROVIDER/TYPE}) and fence agents ({@code resource-scripts/fence/}). */
    private static List<String> shippedScripts() throws IOException {
        var scripts = new ArrayList<String>();
        Path scriptsDir = ROOT.resolve("resource-scripts");
        try (Stream<Path> all = Files.walk(scriptsDir)) {
            all.filter(Files::isRegularFile)
                    .filter(p -> {
                        Path rel = scriptsDir.relativize(p);
                        return (rel.getNameCount() == 3 && rel.getName(0).toString().equals("ocf"))
                                || (rel.getNameCount() == 2 && rel.getName(0).toString().equals("fence"));
                    })
                    .map(p -> p.getFileName().toString()).sorted().forEach(scripts::add);
        }
        return scripts;
    }

    /** The package names of every {@code apt-get install} in the script (continuation lines joined). */
    static List<String> ciPackages(String script) {
        var packages = new ArrayList<String>();
        String joined = script.replace("\\\n", " ");
        for (String line : joined.split("\n")) {
            String command = line.strip();
            if (command.startsWith("#") || !command.matches("(sudo\\s+)?apt-get\\s+(.*\\s)?install\\s.*")) {
                continue;
            }
            String[] words = command.substring(command.indexOf("install") + "install".length()).trim().split("\\s+");
            for (int i = 0; i < words.length; i++) {
                String w = words[i];
                if (w.equals("-o") || w.equals("-t")) {
                    i++; // the option's value
                } else if (w.startsWith(">") || w.startsWith("2>") || w.equals("|") || w.equals("&&") || w.equals(";")) {
                    break;
                } else if (!w.startsWith("-") && w.matches("[a-z0-9][a-z0-9+.-]*")) {
                    packages.add(w);
                }
            }
        }
        return packages;
    }
}
