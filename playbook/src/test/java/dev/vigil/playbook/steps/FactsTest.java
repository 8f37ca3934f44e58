package dev.vigil.playbook.steps;


import dev.vigil.playbook.host.LocalHost;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Facts of this machine, compared with what Java and /etc/os-release say; the parser on other systems' output. */
class FactsTest {
    private static Map<String, String> osRelease() throws Exception {
        var m = new HashMap<String, String>();
        for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
            int eq = l.indexOf('=');
            if (eq > 0) m.put(l.substring(0, eq), l.substring(eq + 1).replaceAll("^\"|\"$", ""));
        }
        return m;
    }

    @Test
    void theFactsOfThisMachine() throws Exception {
        var f = Facts.gather(new LocalHost("local"), Facts.TIMEOUT);
        var os = osRelease();
        assertThat(f.get("facts.os_id")).isEqualTo(os.get("ID"));
        assertThat(f.get("facts.os_version")).isEqualTo(os.getOrDefault("VERSION_ID", ""));
        assertThat(f.get("facts.os_family")).isEqualTo(Facts.family(os.get("ID"), os.getOrDefault("ID_LIKE", "")));
        assertThat(f.get("facts.hostname")).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
        String memTotal = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .findFirst().orElseThrow().replaceAll("\\D", "");
        assertThat(f.get("facts.memory_mb")).isEqualTo(String.valueOf(Long.parseLong(memTotal) / 1024));
        assertThat(f.get("facts.init")).isEqualTo(Files.isDirectory(Path.of("/run/systemd/system")) ? "systemd" : "sysv");
        boolean unit = java.util.stream.Stream.of("/etc", "/lib", "/usr/lib")
                .anyMatch(d -> Files.exists(Path.of(d, "systemd/system/vigil-agent.service"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertThat(f.get("facts.vigil_unit")).isEqualTo(unit ? "yes" : "no");
        var ifaces = NetworkInterface.networkInterfaces().filter(i -> i.inetAddresses().findAny().isPresent())
                .map(NetworkInterface::getName).sorted().toList();
        assertThat(f.get("facts.interfaces").split(" ")).containsExactlyInAnyOrderElementsOf(ifaces);
        assertThat(f.get("facts.ipv4.lo")).isEqualTo("127.0.0.1");
        assertThat(f.get("facts.addresses").split(" ")).contains("127.0.0.1");
    }

    static final String REDHAT = """
            @os-release
            NAME="Rocky Linux"
            ID="rocky"
            ID_LIKE="rhel centos fedora"
            VERSION_ID="9.3"
            @hostname
            db1
            @meminfo
            2097152
            @init
            systemd
            @vigil-unit
            yes
            @addr
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever
            2: eth0    inet 10.0.0.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever
            2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever
            3: eth0.100    inet 192.168.100.5/24 scope global eth0.100\\       valid_lft forever preferred_lft forever
            @end
            """;

    @Test
    void parsesAnotherSystemsOutput() throws Exception {
        var f = Facts.parse(REDHAT);
        assertThat(f).containsEntry("facts.os_family", "redhat").containsEntry("facts.os_id", "rocky")
                .containsEntry("facts.os_version", "9.3").containsEntry("facts.hostname", "db1")
                .containsEntry("facts.memory_mb", "2048").containsEntry("facts.init", "systemd").containsEntry("facts.vigil_unit", "yes")
                .containsEntry("facts.interfaces", "lo eth0 eth0.100")
                .containsEntry("facts.ipv4.eth0", "10.0.0.5 10.0.0.100").containsEntry("facts.ipv6.eth0", "fe80::1")
                .containsEntry("facts.ipv4.eth0.100", "192.168.100.5")
                .containsEntry("facts.addresses", "127.0.0.1 10.0.0.5 10.0.0.100 fe80::1 192.168.100.5");
        assertThat(Facts.family("ubuntu", "debian")).isEqualTo("debian");
        assertThat(Facts.family("linuxmint", "ubuntu debian")).isEqualTo("debian");
        assertThat(Facts.family("gentoo", "")).isEqualTo("gentoo");
    }

    @Test
    void missingPiecesAreFailuresWithTheReason() {
        assertThatThrownBy(() -> Facts.parse(REDHAT.replace("@end\n", ""))).hasMessageStartingWith("gathering facts: the command's output was cut short");
        assertThatThrownBy(() -> Facts.parse(REDHAT.replace("2097152", ""))).hasMessage("gathering facts: no MemTotal in /proc/meminfo");
        assertThatThrownBy(() -> Facts.parse(REDHAT.replace("db1", ""))).hasMessage("gathering facts: cannot read /proc/sys/kernel/hostname");
        assertThatThrownBy(() -> Facts.parse(REDHAT.replace("@end", "@ip-failed\n@end")))
                .hasMessageStartingWith("gathering facts: `ip -o addr show` failed");
    }

    @Test
    void factNames() {
        assertThat(Facts.isFact("facts.os_family")).isTrue();
        assertThat(Facts.isFact("facts.ipv4.eth0")).isTrue();
        assertThat(Facts.isFact("facts.ipv4.")).isFalse();
        assertThat(Facts.isFact("facts.os")).isFalse();
    }
}
