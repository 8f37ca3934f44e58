package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.AlertSpec;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pacemaker's sample mail and SNMP alert agents (Debian's pacemaker-common), unmodified, run by Vigil's
 * alert runner for a node event and a resource event, to real receivers on loopback: msmtp-mta's
 * {@code sendmail} to aiosmtpd, and {@code snmptrap} to {@code snmptrapd}. (The file sample: AlertsTest.)
 *
 * <p>Each sample is started through a wrapper that exports what Pacemaker's instance attributes would
 * set for it: here the test's HOME (msmtp's ~/.msmtprc names the test's server) and PATH, and
 * net-snmp's MIB and state directories, so that nothing of the machine's /etc or /var is read or written.
 */
class PacemakerSampleAgentsTest {
    static final Path SAMPLES = Path.of("/usr/share/pacemaker/alerts");
    /** Stand-ins for the IETF MIBs PACEMAKER-MIB imports; Debian ships those only in non-free. */
    static final List<String> MIB_STANDINS = List.of("SNMPv2-SMI", "SNMPv2-TC", "SNMP-FRAMEWORK-MIB", "NET-SNMP-MIB",
            "INET-ADDRESS-MIB", "HOST-RESOURCES-MIB");
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void theSmtpSampleMailsEachEventThroughSendmail() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sendmail")), "needs msmtp-mta's sendmail");
        try (var server = LocalSmtpServer.start(dir)) {
            Path home = Files.createDirectories(dir.resolve("home"));
            Path rc = home.resolve(".msmtprc");
            Files.writeString(rc, "account default\nhost 127.0.0.1\nport " + server.port
                    + "\nauth off\ntls off\nsyslog off\n");
            Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------")); // msmtp insists
            // msmtp 1.8.23 takes sendmail's -f but not its synonym -r, which the sample passes (exim4's
            // and postfix's sendmail take both): a shim first on the PATH renames it, nothing else.
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path shim = bin.resolve("sendmail");
            Files.writeString(shim, "#!/bin/sh\nfor a; do shift; [ \"$a\" = -r ] && a=-f; set -- \"$@\" \"$a\"; done\n"
                    + "exec /usr/sbin/sendmail \"$@\"\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwx------"));
            Path agent = wrapper("alert_smtp.sh", "HOME=" + home, "PATH=" + bin + ":/usr/sbin:/usr/bin:/sbin:/bin");
            runForNodeDeadThenMove(AlertFixtures.agent("mail", agent, List.of("ops@example.com"), TIMEOUT));
            List<String> mails = server.awaitMails(2);
            assertThat(mails).hasSize(2).allSatisfy(m -> assertThat(m).contains("X-Rcpt: ops@example.com",
                    "To: ops@example.com", "From: hacluster@", "CRM_alert_version=2.1.5"));
            // No cluster-name (crm_attribute finds no CIB): the sample's subject has an empty one.
            assertThat(mails).anySatisfy(m -> assertThat(m).contains(
                    "Subject: 03:20:01.123456 : Node 'ha1' is now 'lost'", "CRM_alert_kind=node", "CRM_alert_nodeid=1"));
            assertThat(mails).anySatisfy(m -> assertThat(m).contains(
                    "Subject: 03:20:01.123456 : Resource operation 'move' for 'www' on 'ha2': ok",
                    "CRM_alert_kind=resource", "CRM_alert_rsc=www"));
        }
    }

    @Test
    void theSnmpSampleSendsPacemakerMibTraps() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/snmptrap")), "needs snmp's snmptrap");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/snmptrapd")), "needs snmptrapd");
        Path mibs = Files.createDirectories(dir.resolve("mibs"));
        for (String mib : MIB_STANDINS) {
            try (var in = PacemakerSampleAgentsTest.class.getResourceAsStream("mibs/" + mib + ".txt")) {
                Files.copy(in, mibs.resolve(mib + ".txt"));
            }
        }
        Path state = Files.createDirectories(dir.resolve("snmp-state"));
        String[] snmpEnv = {"MIBDIRS=" + mibs + ":/usr/share/snmp/mibs", "MIBS=PACEMAKER-MIB",
                "SNMP_PERSISTENT_DIR=" + state};
        int port;
        try (var s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("snmptrapd.conf");
        Files.writeString(conf, "disableAuthorization yes\n");
        Path traps = dir.resolve("traps.log");
        // -f foreground, -Lo log to stdout, -n no DNS, -On OIDs numerically, -C only our configuration.
        var trapd = new ProcessBuilder("/usr/sbin/snmptrapd", "-f", "-Lo", "-n", "-On", "-C", "-c", conf.toString(),
                "127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(traps.toFile());
        for (String kv : snmpEnv) {
            trapd.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Process receiver = trapd.start();
        try {
            // It prints its version once it listens.
            await().atMost(TIMEOUT).until(() -> Files.readString(traps).contains("NET-SNMP version"));
            Path agent = wrapper("alert_snmp.sh", snmpEnv);
            runForNodeDeadThenMove(AlertFixtures.agent("snmp", agent, List.of("127.0.0.1:" + port), TIMEOUT));
            await().atMost(TIMEOUT).until(() -> trapLines(traps).size() == 2);
        } finally {
            receiver.destroy();
            if (!receiver.waitFor(10, TimeUnit.SECONDS)) {
                receiver.destroyForcibly();
            }
        }
        // PACEMAKER-MIB (1.3.6.1.4.1.32723): the trap, then node, resource, operation, description,
        // status, rc, target rc; "n/a" and 2147483647 are the sample's "not applicable".
        String pcmk = ".1.3.6.1.4.1.32723.";
        assertThat(trapLines(traps)).anySatisfy(t -> assertThat(t).contains(
                ".1.3.6.1.6.3.1.1.4.1.0 = OID: " + pcmk + "2.1", pcmk + "1.1 = STRING: \"ha1\"",
                pcmk + "1.2 = STRING: \"n/a\"", pcmk + "1.4 = STRING: \"lost\"",
                pcmk + "1.6 = INTEGER: 2147483647", ".1.3.6.1.2.1.25.1.2 = STRING: \"2026-12-06,03:20:01.1\""));
        assertThat(trapLines(traps)).anySatisfy(t -> assertThat(t).contains(
                pcmk + "1.1 = STRING: \"ha2\"", pcmk + "1.2 = STRING: \"www\"", pcmk + "1.3 = STRING: \"move\"",
                pcmk + "1.4 = STRING: \"ok\"", pcmk + "1.5 = INTEGER: 0", pcmk + "1.6 = INTEGER: 0",
                pcmk + "1.7 = INTEGER: 0"));
    }

    /** ha1 dead, then www moved to ha2, one at a time: both must be sent (exit 0), none fail. */
    private static void runForNodeDeadThenMove(AlertSpec spec) {
        try (var alerts = AlertsTest.realAgents(spec)) {
            alerts.fire(AlertFixtures.nodeDead("ha1"));
            await().atMost(TIMEOUT).until(() -> done(alerts) == 1L);
            alerts.fire(AlertFixtures.moved("www", "ha1", "ha2"));
            await().atMost(TIMEOUT).until(() -> done(alerts) == 2L);
            assertThat(alerts.counters()).containsEntry("sent", 2L);
        }
    }

    private static long done(Alerts alerts) {
        return alerts.counters().get("sent") + alerts.counters().get("failed");
    }

    private static List<String> trapLines(Path log) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains(".1.3.6.1.6.3.1.1.4.1.0 = OID:")).toList();
    }

    /** The unmodified sample, run with the environment Pacemaker's instance attributes would give it. */
    private Path wrapper(String name, String... env) throws Exception {
        Path wrapper = dir.resolve(name);
        var exports = new StringBuilder();
        for (String kv : env) {
            exports.append("export ").append(kv).append('\n');
        }
        Files.writeString(wrapper, "#!/bin/sh\n" + exports + "exec /bin/sh " + SAMPLES.resolve(name + ".sample") + "\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        return wrapper;
    }
}
