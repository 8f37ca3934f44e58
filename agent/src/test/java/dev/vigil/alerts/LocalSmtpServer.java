package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's python3-aiosmtpd on loopback (smtp_server.py beside this class): each mail it receives is
 * one file in {@code dir/mail}. Optional arguments CERT KEY USER PASSWORD require STARTTLS and AUTH.
 */
final class LocalSmtpServer implements AutoCloseable {
    /** Debian's interpreter: python3-aiosmtpd is installed for it, not for another python3 on the PATH. */
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Process process;
    private final Path mail;
    final int port;

    private LocalSmtpServer(Process process, Path mail, int port) {
        this.process = process;
        this.mail = mail;
        this.port = port;
    }

    static LocalSmtpServer start(Path dir, String... tls) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs Debian's python3 with python3-aiosmtpd");
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path script = dir.resolve("smtp_server.py");
        try (var in = LocalSmtpServer.class.getResourceAsStream("smtp_server.py")) {
            Files.copy(in, script);
        }
        Path out = Files.createDirectories(dir.resolve("mail"));
        var command = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), Integer.toString(port),
                out.toString()));
        command.addAll(List.of(tls));
        Process process = new ProcessBuilder(command).redirectError(dir.resolve("smtp-server.log").toFile()).start();
        var server = new LocalSmtpServer(process, out, port);
        var ready = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = ready.readLine();
        if (!"ready".equals(first)) {
            server.close();
        }
        assertThat(first).as("the SMTP server's first line (python3-aiosmtpd installed?)").isEqualTo("ready");
        return server;
    }

    /** Waits until {@code n} mails have arrived and returns them all, in no particular order. */
    List<String> awaitMails(int n) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> mails().size() >= n);
        var texts = new ArrayList<String>();
        for (Path p : mails()) {
            texts.add(Files.readString(p));
        }
        return texts;
    }

    private List<Path> mails() throws Exception {
        try (Stream<Path> files = Files.list(mail)) {
            return files.filter(p -> !p.toString().endsWith(".tmp")).toList();
        }
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close(); // the server stops when its stdin closes
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
