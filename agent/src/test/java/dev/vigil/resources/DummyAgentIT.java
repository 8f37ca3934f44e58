package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.model.ResourceAgentRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ClusterLabs' Dummy agent, unmodified, through the executor: the OCF contract against a real agent. */
@Tag("integration")
class DummyAgentIT {
    private static final Path OCF_ROOT = Path.of("/usr/lib/ocf");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path rscTmp;

    @Test
    void dummyLifecycle() {
        assumeTrue(Files.isExecutable(OCF_ROOT.resolve("resource.d/heartbeat/Dummy")),
                "ClusterLabs' Dummy agent is missing: apt-get install resource-agents");
        ExecutorSettings settings = ExecutorSettings.defaults(rscTmp.resolve("vigil"))
                .withOcfRoot(OCF_ROOT)
                .withRscTmpDir(rscTmp);
        ResourceAgentRef dummy = ResourceAgentRef.parse("ocf:heartbeat:Dummy");
        try (ResourceExecutor executor = new ResourceExecutor(settings)) {
            assertThat(executor.execute(OperationRequest.of("d1", dummy, Action.PROBE, Map.of(), TIMEOUT)).outcome())
                    .isEqualTo(Outcome.NOT_RUNNING);
            assertThat(executor.execute(OperationRequest.of("d1", dummy, Action.START, Map.of(), TIMEOUT)).outcome())
                    .isEqualTo(Outcome.SUCCESS);
            assertThat(executor.execute(OperationRequest.monitor("d1", dummy, Map.of(), TIMEOUT,
                    Duration.ofSeconds(10))).outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(executor.execute(OperationRequest.of("d1", dummy, Action.STOP, Map.of(), TIMEOUT)).outcome())
                    .isEqualTo(Outcome.SUCCESS);
            assertThat(executor.execute(OperationRequest.of("d1", dummy, Action.MONITOR, Map.of(), TIMEOUT))
                    .outcome()).isEqualTo(Outcome.NOT_RUNNING);
            OperationResult metaData = executor.execute(OperationRequest.of("d1", dummy, Action.META_DATA, Map.of(),
                    TIMEOUT));
            assertThat(metaData.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(metaData.stdoutTail()).contains("</resource-agent>");
        }
    }
}
