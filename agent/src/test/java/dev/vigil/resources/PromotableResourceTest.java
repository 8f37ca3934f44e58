package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.config.OnFail;
import dev.vigil.config.Policy;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ActionKind;
import dev.vigil.model.ResourceAgentRef;
import dev.vigil.model.ResourceStatus;
import dev.vigil.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource manager running Pacemaker's {@code ocf:pacemaker:Stateful} unmodified as a
 * promotable clone instance: promote and demote, the promoted role's monitor understanding
 * OCF_RUNNING_PROMOTED (8) and OCF_FAILED_PROMOTED (9), a demote before the agent's own stop, and
 * a notification's variables. Its crm_attribute calls go to a stub here (the IT uses Vigil's).
 */
class PromotableResourceTest {
    private static final Path STATEFUL = Path.of("/usr/lib/ocf/resource.d/pacemaker/Stateful");

    @TempDir
    Path dir;
    private ResourceExecutor executor;
    private LocalResourceManager lrm;
    private Path state;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(STATEFUL), "needs pacemaker-resource-agents (" + STATEFUL + ")");
        Path tools = Files.createDirectories(dir.resolve("sbin"));
        Path stub = tools.resolve("crm_attribute");
        Files.writeString(stub, "#!/bin/sh\necho \"$*\" >> " + dir.resolve("crm_attribute.calls") + "\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        executor = new ResourceExecutor(ExecutorSettings.defaults(dir).withRscTmpDir(dir)
                .withCrmTools(tools, dir.resolve("none.sock")));
        state = dir.resolve("db.state");
        var db = new ResourceSpec("db", ResourceAgentRef.parse("ocf:pacemaker:Stateful"),
                Map.of("state", state.toString(), "envfile", dir.resolve("env").toString()),
                Optional.empty(), Duration.ofSeconds(20), Duration.ofSeconds(20), OnFail.RESTART, true, Optional.empty(), 0,
                Optional.of(new ResourceSpec.Promotable(1, 1, List.of(
                        new ResourceSpec.RoleMonitor(Role.PROMOTED, Duration.ofMillis(100), Duration.ofSeconds(20))))),
                true);
        lrm = new LocalResourceManager("ha2", new ResourcesConfig(List.of(db), List.of(), List.of(), Policy.DEFAULTS,
                List.of(), List.of()), executor, Clock.systemUTC(), () -> { });
        lrm.setClusterNodes(List.of("ha1", "ha2", "ha3"));
    }

    @AfterEach
    void tearDown() {
        if (lrm != null) lrm.close();
        if (executor != null) executor.close();
    }

    private ResourceStatus status() {
        return lrm.snapshot().get("db").status();
    }

    private OperationResult run(ActionKind kind) throws Exception {
        return lrm.perform(kind, "db").get(20, TimeUnit.SECONDS);
    }

    @Test
    void promoteDemoteFailedPromotedAndAStopThatDemotesFirst() throws Exception {
        assertThat(run(ActionKind.START).isSuccess()).isTrue();
        assertThat(status()).isEqualTo(ResourceStatus.STARTED);
        assertThat(run(ActionKind.PROMOTE).isSuccess()).isTrue();
        assertThat(status()).isEqualTo(ResourceStatus.PROMOTED);
        assertThat(Files.readString(state).strip()).isEqualTo("Promoted");
        assertThat(run(ActionKind.PROBE).outcome()).as("a probe of a promoted instance").isEqualTo(Outcome.RUNNING_PROMOTED);
        assertThat(status()).isEqualTo(ResourceStatus.PROMOTED);
        // Stateful sets its scores through crm_attribute on HA_SBIN_DIR: 5 on start, 10 on promote.
        assertThat(Files.readAllLines(dir.resolve("crm_attribute.calls"))).contains("--promotion -v 5", "--promotion -v 10");

        // The promoted monitor (every 100 ms) expects 8; Stateful's test hook makes it answer 9.
        Files.writeString(Path.of(state + ".rc"), "9\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> status() == ResourceStatus.FAILED_PROMOTED);
        Files.delete(Path.of(state + ".rc"));

        // Stateful's stop refuses a promoted instance (rc 8): the agent's own stop demotes first.
        lrm.stopAll("test").get(20, TimeUnit.SECONDS);
        assertThat(status()).isEqualTo(ResourceStatus.STOPPED);
        assertThat(state).doesNotExist();
    }

    @Test
    void aNotificationGetsTheCloneShapeAndTheNotifyVariables() throws Exception {
        run(ActionKind.START);
        var result = lrm.perform(ActionKind.NOTIFY, "db", Map.of("notify_type", "pre", "notify_operation", "promote",
                "notify_promote_uname", "ha2")).get(20, TimeUnit.SECONDS);
        assertThat(result.isSuccess()).isTrue();
        assertThat(status()).as("a notification changes nothing").isEqualTo(ResourceStatus.STARTED);
        String env = Files.readString(dir.resolve("env"));
        assertThat(env).contains("### notify @").contains("OCF_RESKEY_CRM_meta_notify_type=pre")
                .contains("OCF_RESKEY_CRM_meta_notify_operation=promote")
                .contains("OCF_RESKEY_CRM_meta_notify_promote_uname=ha2")
                .contains("OCF_RESKEY_CRM_meta_clone=1").contains("OCF_RESKEY_CRM_meta_clone_max=3")
                .contains("OCF_RESKEY_CRM_meta_promoted_max=1").contains("OCF_RESKEY_CRM_meta_master_max=1")
                .contains("OCF_RESKEY_CRM_meta_notify=true").contains("HA_SBIN_DIR=" + dir.resolve("sbin"));
    }
}
