package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.AlertSpec;
import dev.vigil.config.AlertTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail to a real SMTP server on loopback: Debian's python3-aiosmtpd (smtp_server.py beside this
 * class), plain, and with STARTTLS required and AUTH, its certificate trusted through ca_file.
 */
class SmtpSenderTest {
    @TempDir
    Path dir;
    private LocalSmtpServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aMailReachesThePlainServer() throws Exception {
        int port = startServer();
        new SmtpSender().send(smtp(port, false, Optional.empty(), Optional.empty()), delivery());
        String mail = oneMail();
        assertThat(mail).contains("X-Rcpt: ops@example.com,oncall@example.com", "X-TLS: False",
                "Subject: [vigil web] node-dead: node ha1 is dead", "From: vigil@example.com",
                "node ha1 is dead", "event:    node-dead", "sent by:  ha2 (alert sequence 4)");
    }

    @Test
    void starttlsAndAuthWithTheServersCertificateTrusted() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        var openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();
        Path password = dir.resolve("smtp.pw");
        Files.writeString(password, "s3cret\n");
        int port = startServer(cert.toString(), key.toString(), "vigil", "s3cret");

        new SmtpSender().send(smtp(port, true, Optional.of(password), Optional.of(cert)), delivery());
        assertThat(oneMail()).contains("X-Auth: True", "X-TLS: True", "Subject: [vigil web] node-dead");

        Files.writeString(password, "wrong\n");
        // Refused by the server (535), not timed out waiting for an answer.
        assertThatThrownBy(() -> new SmtpSender().send(smtp(port, true, Optional.of(password), Optional.of(cert)),
                delivery())).isInstanceOf(AlertSender.AlertFailure.class).hasMessageContaining("failed").hasMessageContaining("535")
                .satisfies(e -> assertThat(((AlertSender.AlertFailure) e).timedOut()).as("timed out").isFalse());
        // Without the server's certificate trusted, nothing is sent in the clear either.
        assertThatThrownBy(() -> new SmtpSender().send(smtp(port, true, Optional.of(password), Optional.empty()),
                delivery())).isInstanceOf(AlertSender.AlertFailure.class);
    }

    private static AlertSpec smtp(int port, boolean starttls, Optional<Path> password, Optional<Path> ca) {
        var settings = new AlertSpec.Smtp("127.0.0.1", port, starttls, password.map(p -> "vigil"), password,
                "vigil@example.com", ca);
        return new AlertSpec("mail", AlertSpec.Kind.SMTP, Optional.empty(), Optional.of(settings), Optional.empty(),
                EnumSet.allOf(AlertTopic.class), List.of("ops@example.com", "oncall@example.com"), Duration.ofSeconds(20),
                Optional.empty(), AlertSpec.DEFAULT_TIMESTAMP_FORMAT);
    }

    private static Delivery delivery() {
        return AlertFixtures.delivery(AlertFixtures.nodeDead("ha1"), 4, null);
    }

    private int startServer(String... tls) throws Exception {
        server = LocalSmtpServer.start(dir, tls);
        return server.port;
    }

    private String oneMail() throws Exception {
        List<String> mails = server.awaitMails(1);
        assertThat(mails).hasSize(1);
        return mails.get(0);
    }
}
