package dev.vigil.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceAgentRefTest {

    @Test
    void parsesOcf() {
        ResourceAgentRef ref = ResourceAgentRef.parse("ocf:heartbeat:IPaddr2");
        assertThat(ref).isEqualTo(new ResourceAgentRef(ResourceClass.OCF, "heartbeat", "IPaddr2", List.of()));
        assertThat(ResourceAgentRef.parse("ocf:vigil:IPaddr").provider()).isEqualTo("vigil");
    }

    @Test
    void parsesLsbAndSystemd() {
        assertThat(ResourceAgentRef.parse("lsb:apache2"))
                .isEqualTo(new ResourceAgentRef(ResourceClass.LSB, "", "apache2", List.of()));
        assertThat(ResourceAgentRef.parse("systemd:haproxy"))
                .isEqualTo(new ResourceAgentRef(ResourceClass.SYSTEMD, "", "haproxy", List.of()));
        assertThat(ResourceAgentRef.parse("systemd:getty@tty1.service").type()).isEqualTo("getty@tty1.service");
    }

    @Test
    void parsesHeartbeatWithPositionalArguments() {
        ResourceAgentRef ref = ResourceAgentRef.parse("heartbeat:IPaddr::10.0.0.1/24::eth0");
        assertThat(ref.resourceClass()).isEqualTo(ResourceClass.HEARTBEAT);
        assertThat(ref.type()).isEqualTo("IPaddr");
        assertThat(ref.args()).containsExactly("10.0.0.1/24", "eth0");
        assertThat(ResourceAgentRef.parse("heartbeat:Filesystem::/dev/sda1::/data1::ext2").args())
                .containsExactly("/dev/sda1", "/data1", "ext2");
        assertThat(ResourceAgentRef.parse("heartbeat:httpd").args()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ocf:heartbeat:IPaddr2", "lsb:apache2", "systemd:haproxy",
            "heartbeat:IPaddr::10.0.0.1/24::eth0", "heartbeat:httpd"})
    void toStringRoundTrips(String text) {
        assertThat(ResourceAgentRef.parse(text).toString()).isEqualTo(text);
    }

    @Test
    void classIsCaseInsensitive() {
        assertThat(ResourceAgentRef.parse("OCF:heartbeat:Dummy").resourceClass()).isEqualTo(ResourceClass.OCF);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "IPaddr2", ":x", "ocf:heartbeat", "ocf:heartbeat:IPaddr2:extra", "ocf::IPaddr2",
            "ocf:heartbeat:", "lsb:", "lsb:../../bin/sh", "systemd:a/b", "nagios:check_ping",
            "heartbeat:IPaddr::::eth0", "heartbeat:", "heartbeat:../x::1"})
    void rejectsBadStringsNamingThem(String text) {
        assertThatThrownBy(() -> ResourceAgentRef.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad resource agent '" + text + "'");
    }

    @Test
    void unknownClassIsNamed() {
        assertThatThrownBy(() -> ResourceAgentRef.parse("nagios:check_ping"))
                .hasMessageContaining("unknown class 'nagios'");
    }
}
