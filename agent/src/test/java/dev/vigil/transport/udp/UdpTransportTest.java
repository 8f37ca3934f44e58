package dev.vigil.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UdpTransportTest {

    @ParameterizedTest
    @CsvSource({
            // address,     prefix, configured brd,  expected
            "10.213.9.3,    24,     0.0.0.0,         10.213.9.255",   // `ip addr add` without brd
            "10.213.9.3,    24,     ,                10.213.9.255",
            "10.0.0.48,     20,     0.0.0.0,         10.0.15.255",
            "192.168.1.7,   24,     192.168.1.255,   192.168.1.255",  // configured wins
            "172.16.0.1,    16,     172.16.0.127,    172.16.0.127",   // even an odd one
            "10.1.2.3,      8,      0.0.0.0,         10.255.255.255",
            "10.1.2.1,      30,     0.0.0.0,         10.1.2.3",
    })
    void broadcastAddressFollowsThePrefixWhenNoneIsConfigured(String address, int prefix, String configured, String expected)
            throws Exception {
        var brd = configured == null ? null : InetAddress.getByName(configured);
        assertThat(UdpTransport.broadcastOf(InetAddress.getByName(address), prefix, brd))
                .isEqualTo(InetAddress.getByName(expected));
    }

    @ParameterizedTest
    @CsvSource({"10.1.2.3, 31", "10.1.2.3, 32"})
    void pointToPointSubnetsHaveNoBroadcast(String address, int prefix) throws Exception {
        assertThat(UdpTransport.broadcastOf(InetAddress.getByName(address), prefix, InetAddress.getByName("0.0.0.0"))).isNull();
    }
}
