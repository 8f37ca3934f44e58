package dev.vigil.playbook;


import dev.vigil.config.ConfigLoader;
import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.steps.Step;
import dev.vigil.playbook.steps.Template;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ibm-mq recipe through the engine, against the IBM MQ stand-in (IBM MQ cannot be installed
 * here): its queue-manager step on the primary (mounts the shared disk, crtmqm with data and logs
 * on it, unmounts) and on another node (addmqinf), idempotent; then the recipe's cluster fragment
 * drives Vigil's ibmmq agent on that disk. Runs on {@code local} without the step types this
 * branch does not have yet ({@link RecipesTest#PENDING}). Needs root (a loop device, mount, su);
 * the disk is a 32 MiB image in the temp directory, mounted only under it, and the stand-in's
 * mqs.ini goes to the temp directory too (wrappers on the "installation" path set it).
 */
class IbmMqRecipeStandinTest {
    @TempDir Path tmp;
    private String loop;

    @AfterEach
    void cleanUp() throws Exception {
        sh("umount " + tmp.resolve("MQHA") + " 2>/dev/null; umount " + tmp.resolve("check") + " 2>/dev/null; true");
        // The queue manager's processes (their arguments name it), then the loop device.
        sh("ps -e -o pid=,args= | awk '/ -m VQRECIPE( |$)/ && !/awk/ {print $1}' | xargs -r kill -KILL; true");
        if (loop != null) sh("losetup -d " + loop);
    }

    @Test
    void queueManagerOnTheSharedDiskThroughTheEngineAndTheAgent() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: a loop device, mount, su");
        assumeTrue(Files.isExecutable(Path.of("/sbin/losetup")) || Files.isExecutable(Path.of("/usr/sbin/losetup")), "needs losetup");
        Path repo = RecipesTest.recipe("ibm-mq").getParent().getParent();
        Path standin = repo.resolve("resource-scripts/test/standins/mq/bin");
        // The "installation": wrappers that keep the stand-in's mqs.ini in the temp directory.
        Path install = Files.createDirectories(tmp.resolve("mq/bin"));
        for (String cmd : List.of("crtmqm", "addmqinf", "dspmq", "strmqm", "endmqm", "runmqsc")) {
            Path w = install.resolve(cmd);
            Files.writeString(w, "#!/bin/sh\nMQ_STANDIN_PREFIX=" + tmp.resolve("var") + " MQ_STANDIN_LIFETIME=120 exec "
                    + standin.resolve(cmd) + " \"$@\"\n");
            Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertThat(sh("truncate -s 32M " + tmp.resolve("disk.img") + " && mkfs.ext4 -q -F " + tmp.resolve("disk.img")).rc).isZero();
        var l = sh("losetup -f --show " + tmp.resolve("disk.img"));
        assertThat(l.rc).as(l.out).isZero();
        loop = l.out.strip();

        var playbook = RecipesTest.readWithoutPendingSteps("ibm-mq", Files.createDirectories(tmp.resolve("recipe")));
        Path vars = tmp.resolve("vars.yaml");
        Files.writeString(vars, String.join("\n", "vip: 10.0.0.70", "device: " + loop, "mount_point: " + tmp.resolve("MQHA"),
                "qmgr: VQRECIPE", "mquser: root", "mq_installation_path: " + tmp.resolve("mq"), "primary: local",
                "immediate_stop_timeout: 3", "preemptive_stop_timeout: 2", ""));
        var values = Vars.resolve(playbook, Optional.of(vars));
        assertThat(values.errors()).isEmpty();

        // The primary: mount, crtmqm with data and logs on the disk, unmount.
        var first = apply(playbook, values.values());
        assertThat(first.failed()).as("%s", first.steps()).isZero();
        assertThat(first.changed()).as("%s", first.steps()).isPositive();
        assertThat(sh("mountpoint -q " + tmp.resolve("MQHA")).rc).as("the disk is unmounted again").isNotZero();
        assertThat(sh(install.resolve("dspmq") + " -m VQRECIPE").out).contains("QMNAME(VQRECIPE)");
        Files.createDirectories(tmp.resolve("check"));
        assertThat(sh("mount -o ro " + loop + " " + tmp.resolve("check") + " && test -f " + tmp.resolve("check/data/VQRECIPE/qm.ini")
                + " && test -d " + tmp.resolve("check/log/VQRECIPE") + "; rc=$?; umount " + tmp.resolve("check") + "; exit $rc").rc)
                .as("data and logs on the shared disk").isZero();
        // A second apply: dspmq knows the queue manager, nothing changes.
        var second = apply(playbook, values.values());
        assertThat(second.changed()).as("%s", second.steps()).isZero();

        // Another node (not the primary): addmqinf with the disk's DataPath.
        var other = new HashMap<>(values.values());
        other.put("primary", "ha2");
        sh("mv " + tmp.resolve("var") + " " + tmp.resolve("var.primary"));
        var onOther = apply(playbook, other);
        assertThat(onOther.failed()).as("%s", onOther.steps()).isZero();
        assertThat(Files.readString(tmp.resolve("var/mqs.ini"))).contains("DataPath=" + tmp.resolve("MQHA/data/VQRECIPE"));

        // The cluster fragment's queue-manager resource, on the disk, with Vigil's agent.
        String rendered = Template.render(Files.readString(RecipesTest.recipe("ibm-mq").resolve("cluster.yaml")), values.values());
        var resources = ConfigLoader.loadResources(rendered, Path.of("cluster.yaml"), List.of("local", "ha2")).resources();
        var qm = resources.stream().filter(r -> r.agent().type().equals("ibmmq")).findFirst().orElseThrow();
        var env = new HashMap<String, String>();
        qm.params().forEach((k, v) -> env.put("OCF_RESKEY_" + k, v));
        Path agent = repo.resolve("resource-scripts/ocf/vigil/ibmmq");
        assertThat(sh("mount " + loop + " " + tmp.resolve("MQHA")).rc).isZero();
        assertThat(run(env, agent + " start").rc).as("start").isZero();
        assertThat(run(env, agent + " monitor").rc).as("monitor").isZero();
        assertThat(run(Map.of("OCF_CHECK_LEVEL", "10"), env, agent + " monitor").rc).as("ping qmgr").isZero();
        assertThat(run(env, agent + " stop").rc).as("stop").isZero();
        assertThat(run(env, agent + " monitor").rc).as("monitor after stop").isEqualTo(7);
        assertThat(sh("umount " + tmp.resolve("MQHA")).rc).as("nothing holds the disk after stop").isZero();
    }

    private Report.HostReport apply(Playbook pb, Map<String, String> values) {
        return Engine.run(pb, values, Map.of("local", new LocalHost("local")), true, Engine.newRunId(),
                Step.FileWatcher.NONE, Engine.Listener.NONE).hosts().get("local");
    }

    record Result(int rc, String out) {}

    static Result sh(String cmd) throws IOException, InterruptedException {
        return run(Map.of(), Map.of(), cmd);
    }

    static Result run(Map<String, String> env, String cmd) throws IOException, InterruptedException {
        return run(Map.of(), env, cmd);
    }

    static Result run(Map<String, String> extra, Map<String, String> env, String cmd) throws IOException, InterruptedException {
        var pb = new ProcessBuilder("/bin/sh", "-c", cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().putAll(extra);
        var p = pb.start();
        p.getOutputStream().close();
        byte[] all = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(all, StandardCharsets.UTF_8));
    }
}
