package dev.vigil.playbook;


import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ResourceClass;
import dev.vigil.playbook.steps.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipes of {@code playbooks/}: each passes the real reader's {@code check} with its example
 * vars, declares its variables completely (the wizards build forms from them), and its cluster
 * fragment, rendered with the example vars, passes the agent's own loader.
 */
class RecipesTest {
    static final List<String> RECIPES = List.of("apache-shared-disk", "apache-nfs", "nfs-server", "haproxy", "ibm-mq",
            "websphere", "db2", "loadleveler", "lvs-director", "redis", "rabbitmq");
    /** The nodes of the example cluster file the vars files name ({@code primary: ha1}). */
    static final List<String> NODES = List.of("ha1", "ha2");
    /**
     * Step types that run things this machine must not have done to it by a unit test (packages,
     * services, exports, the key, the cluster file, waits, the serial line): the tests that run a
     * recipe on {@code local} leave them out ({@link #readWithoutPendingSteps}).
     */
    static final Pattern SYSTEM_STEP = Pattern.compile("^    (package|service|exports|authkey|cluster|wait|serial_test):");

    static Stream<String> recipes() {
        return RECIPES.stream();
    }

    static Path exampleClusterFile() {
        return recipe("any").getParent().getParent().resolve("install/src/examples/cluster.yaml");
    }

    static Path recipe(String name) {
        // Surefire runs in the module directory; the recipes are beside it.
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("playbooks"))) dir = dir.getParent();
        assertThat(dir).as("a playbooks/ directory above %s", Path.of("").toAbsolutePath()).isNotNull();
        return dir.resolve("playbooks").resolve(name);
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void checkPasses(String name) throws IOException {
        var dir = recipe(name);
        // Hosts from the example cluster file (ha1, ha2), as `--config cluster.yaml` gives them.
        var inventory = Inventory.read(Optional.empty(), Optional.of(exampleClusterFile()));
        assertThat(inventory.errors()).isEmpty();
        var result = PlaybookReader.read(dir.resolve("playbook.yaml"), inventory.inventory().orElseThrow());
        assertThat(result.errors()).as("errors of check").isEmpty();
        assertThat(result.playbook().orElseThrow().hosts()).containsExactlyElementsOf(NODES);
        var vars = Vars.resolve(result.playbook().orElseThrow(), Optional.of(dir.resolve("vars.example.yaml")));
        assertThat(vars.errors()).as("vars.example.yaml of %s", name).isEmpty();
        assertThat(Files.readString(dir.resolve("playbook.yaml"), java.nio.charset.StandardCharsets.UTF_8))
                .as("a recipe runs on the cluster's nodes").contains("\nhosts: all\n");
    }

    /** Every variable declared completely (the wizards' forms are made from them). */
    @ParameterizedTest
    @MethodSource("recipes")
    void variablesAndExampleVarsAreValid(String name, @TempDir Path tmp) throws IOException {
        var playbook = readWithoutPendingSteps(name, tmp);
        var vars = Vars.resolve(playbook, Optional.of(recipe(name).resolve("vars.example.yaml")));
        assertThat(vars.errors()).as("vars.example.yaml of %s", name).isEmpty();
        for (var decl : playbook.vars().values()) {
            assertThat(decl.description()).as("description of variable %s in %s", decl.name(), name).isNotBlank();
            if (decl.type() == VarType.STRING) {
                // A string reaches commands and config files: the wizards validate it with the pattern.
                assertThat(decl.pattern()).as("pattern of string variable %s in %s", decl.name(), name).isPresent();
            }
        }
        assertThat(playbook.vars()).as("%s declares the floating IP and the preferred node", name).containsKeys("vip", "primary");
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void clusterFragmentPassesTheAgentsLoader(String name, @TempDir Path tmp) throws IOException, ConfigException {
        var dir = recipe(name);
        var playbook = readWithoutPendingSteps(name, tmp);
        var values = new HashMap<>(Vars.resolve(playbook, Optional.of(dir.resolve("vars.example.yaml"))).values());
        // Every fragment: cluster.yaml, or one per layout (cluster-LAYOUT.yaml, chosen by a variable).
        List<Path> fragments;
        try (var files = Files.list(dir)) {
            fragments = files.filter(f -> f.getFileName().toString().matches("cluster(-[a-z]+)?\\.yaml")).sorted().toList();
        }
        assertThat(fragments).as("cluster fragments of %s", name).isNotEmpty();
        for (var fragment : fragments) loadFragment(name, dir, fragment, values);
        String step = Files.readString(dir.resolve("playbook.yaml"));
        var m = Pattern.compile("(?m)cluster: \\{template: \"?([^\"\n]+?)\"?}$").matcher(step);
        assertThat(m.find()).as("%s ends with a cluster step naming its fragment", name).isTrue();
        assertThat(dir.resolve(Template.render(m.group(1), values))).as("the fragment the example vars choose").isRegularFile();
    }

    static void loadFragment(String name, Path dir, Path fragment, java.util.Map<String, String> values)
            throws IOException, ConfigException {
        String rendered = Template.render(Files.readString(fragment), values);
        ResourcesConfig config = ConfigLoader.loadResources(rendered, fragment, NODES);
        assertThat(config.resources()).as("resources of %s", name).isNotEmpty();
        assertThat(config.groups().size() + config.constraints().size()).as("%s ties its resources together", name).isPositive();
        // The agents exist (Vigil's in resource-scripts/, ClusterLabs' WAS6 and db2 where
        // resource-agents is installed) and declare every parameter the fragment gives them.
        for (var r : config.resources()) {
            var agent = r.agent();
            if (agent.resourceClass() != ResourceClass.OCF) continue;
            Path script;
            if (agent.provider().equals("vigil")) {
                script = dir.resolve("../../resource-scripts/ocf/vigil/" + agent.type()).normalize();
                assertThat(script).as("agent of %s in %s", r.id(), name).isExecutable();
            } else {
                assertThat(agent.provider() + ":" + agent.type()).as("ClusterLabs agent of %s in %s", r.id(), name)
                        .isIn("heartbeat:WAS6", "heartbeat:db2", "heartbeat:redis");
                script = Path.of("/usr/lib/ocf/resource.d", agent.provider(), agent.type());
                if (!Files.isExecutable(script)) continue; // resource-agents not installed: nothing to compare with
            }
            assertThat(metaDataParameters(script)).as("parameters %s of %s declares", r.params().keySet(), script)
                    .containsAll(r.params().keySet());
        }
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void everyRecipeHasAReadmeSection(String name) throws IOException {
        String readme = Files.readString(recipe(name).resolve("../README.md").normalize());
        assertThat(readme).contains("## " + name).contains("vigil playbook apply playbooks/" + name + "/playbook.yaml --config cluster.yaml --vars vars.yaml");
    }

    /** The haproxy templates (the haproxy recipe's, redis' and rabbitmq's fronts), rendered with the example vars, are configurations haproxy accepts. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"haproxy", "redis", "rabbitmq"})
    void haproxyConfigurationIsValid(String name, @TempDir Path tmp) throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(haproxy), "haproxy not installed");
        var playbook = readWithoutPendingSteps(name, Files.createDirectories(tmp.resolve("recipe")));
        var values = Vars.resolve(playbook, Optional.of(recipe(name).resolve("vars.example.yaml"))).values();
        Path cfg = tmp.resolve("haproxy.cfg");
        Files.writeString(cfg, Template.render(Files.readString(recipe(name).resolve("haproxy.cfg")), values));
        var p = new ProcessBuilder(haproxy.toString(), "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("haproxy -c:%n%s", out).isZero();
    }

    /** The parameter names an agent's {@code meta-data} declares. */
    static List<String> metaDataParameters(Path agent) throws IOException {
        var pb = new ProcessBuilder(agent.toString(), "meta-data").redirectErrorStream(true);
        pb.environment().put("OCF_ROOT", "/usr/lib/ocf");
        pb.environment().put("OCF_FUNCTIONS_DIR", "/usr/lib/ocf/lib/heartbeat");
        var p = pb.start();
        p.getOutputStream().close();
        String xml = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("%s meta-data finished", agent).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        var names = new ArrayList<String>();
        var m = Pattern.compile("<parameter name=\"([^\"]+)\"").matcher(xml);
        while (m.find()) names.add(m.group(1));
        assertThat(names).as("parameters in the meta-data of %s:%n%s", agent, xml).isNotEmpty();
        return names;
    }

    /** The recipe on {@code local}, without the steps that change the system (see {@link #SYSTEM_STEP}). */
    static Playbook readWithoutPendingSteps(String name, Path tmp) throws IOException {
        var dir = recipe(name);
        try (var files = Files.list(dir)) {
            for (var f : files.toList()) Files.copy(f, tmp.resolve(f.getFileName()));
        }
        var kept = new ArrayList<String>();
        var block = new ArrayList<String>();
        boolean inSteps = false;
        boolean system = false;
        for (String line : Files.readAllLines(dir.resolve("playbook.yaml"))) {
            if (line.equals("hosts: all")) line = "hosts: [local]";
            boolean top = !line.isEmpty() && !line.startsWith(" ") && !line.startsWith("#");
            if (inSteps && (top || line.startsWith("  - "))) {
                if (!system) kept.addAll(block);
                block.clear();
                system = false;
            }
            if (top) inSteps = line.equals("steps:");
            if (inSteps && !line.equals("steps:")) {
                block.add(line);
                system |= SYSTEM_STEP.matcher(line).find();
            } else {
                kept.add(line);
            }
        }
        if (!system) kept.addAll(block);
        Path copy = tmp.resolve("playbook.yaml");
        Files.write(copy, kept);
        var result = PlaybookReader.read(copy, Inventory.localOnly());
        assertThat(result.errors()).as("check of %s without the system steps:%n%s", name, String.join("\n", kept)).isEmpty();
        return result.playbook().orElseThrow();
    }
}
