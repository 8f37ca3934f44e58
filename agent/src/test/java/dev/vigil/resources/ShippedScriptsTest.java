package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.model.ResourceAgentRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OCF scripts Vigil ships (resource-scripts/ocf/vigil) run through the executor as provider
 * {@code vigil}: their meta-data comes back, and their validation refuses missing parameters
 * with ERR_CONFIGURED, the code that tells a resource manager not to try elsewhere.
 */
class ShippedScriptsTest {
    private static final Path SHIPPED = Path.of("..", "resource-scripts", "ocf", "vigil").toAbsolutePath().normalize();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void everyShippedScriptDescribesItselfAndRefusesToRunWithoutItsRequiredParameters() throws Exception {
        assertThat(SHIPPED).isDirectory();
        try (var executor = new ResourceExecutor(ExecutorSettings.defaults(SHIPPED));
             var scripts = Files.list(SHIPPED)) {
            var types = scripts.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(types).contains("IPaddr", "Filesystem", "apache");
            for (var type : types) {
                var ref = ResourceAgentRef.parse("ocf:vigil:" + type);
                var meta = executor.execute(OperationRequest.of("r", ref, Action.META_DATA, Map.of(), TIMEOUT));
                assertThat(meta.outcome()).as(type + " meta-data").isEqualTo(Outcome.SUCCESS);
                // The executor keeps only the tail of long output; the header is read directly.
                assertThat(meta.stdoutTail()).as(type).contains("</resource-agent>");
                var direct = new ProcessBuilder(SHIPPED.resolve(type).toString(), "meta-data").redirectErrorStream(true);
                direct.environment().put("OCF_ROOT", "/usr/lib/ocf");
                var process = direct.start();
                var full = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(process.waitFor()).as(type + " meta-data exit").isZero();
                assertThat(full).as(type).contains("<resource-agent name=\"" + type + "\"");
                // A script with a required parameter refuses to be configured without it; one whose
                // parameters all have defaults (apache, nfsserver, loadleveler) has nothing to refuse.
                if (full.contains("required=\"1\"")) {
                    var validate = executor.execute(OperationRequest.of("r", ref, Action.VALIDATE_ALL, Map.of(), TIMEOUT));
                    assertThat(validate.outcome()).as(type + " validate-all without parameters").isEqualTo(Outcome.ERR_CONFIGURED);
                }
            }
        }
    }
}
