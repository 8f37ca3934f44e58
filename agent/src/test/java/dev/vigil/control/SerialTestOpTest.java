package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.vigil.transport.serial.SerialLinkTestService;
import dev.vigil.transport.serial.SocatPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Op {@code serial-test} through the control dispatch, as the agents answer the setup wizard: one
 * agent echoes on one end of a socat cable, another sends on the other, each polled for progress
 * until its verdict; refusals (a configured link's device, a second test, bad requests); the cable absent.
 */
class SerialTestOpTest {
    @TempDir
    Path dir;
    private SocatPair cable;

    /** One agent's control handler with its own test service; {@code linkDevices}: its configured serial links. */
    private static ControlDispatch agent(Set<String> linkDevices) {
        var tests = new SerialLinkTestService(() -> linkDevices);
        return new ControlDispatch(new ControlHandler() {
            @Override
            public StatusReport status() {
                return null;
            }

            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                return null;
            }

            @Override
            public ControlProtocol.AdminOutcome applyConfig(String text) {
                return null;
            }

            @Override
            public SerialTestReport serialTest(String verb, List<String> args) throws Refused {
                return SerialTestOp.answer(tests, verb, args);
            }
        });
    }

    /** Sends the request as JSON bytes, as a client would, and reads the answer back as the console does. */
    private static ControlProtocol.Response<SerialTestReport> ask(ControlDispatch agent, String json) throws Exception {
        var parsed = (ControlDispatch.Parsed.Ok) agent.parse(json.getBytes());
        byte[] answer = ControlJson.write(agent.answer(parsed.request()));
        var mapper = ControlProtocol.mapper();
        return mapper.readValue(answer, mapper.getTypeFactory().constructParametricType(ControlProtocol.Response.class,
                SerialTestReport.class));
    }

    private static SerialTestReport until(ControlDispatch agent, Duration bound) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        SerialTestReport r;
        do {
            Thread.sleep(100);
            r = ask(agent, "{\"op\":\"serial-test\",\"verb\":\"progress\"}").result();
        } while (r.running() && System.nanoTime() < end);
        return r;
    }

    @BeforeEach
    void cable() throws Exception {
        assumeThat(SocatPair.available()).as("socat is needed (apt-get install socat)").isTrue();
        cable = new SocatPair(dir);
        cable.start();
    }

    @AfterEach
    void pull() throws Exception {
        if (cable != null) cable.close();
    }

    @Test
    void oneAgentEchoesTheOtherSendsBothGiveTheVerdictWithCountsAndRtt() throws Exception {
        var ha1 = agent(Set.of());
        var ha2 = agent(Set.of());
        assertThat(ask(ha2, "{\"op\":\"serial-test\",\"verb\":\"progress\"}").result().state()).isEqualTo("idle");
        var echo = ask(ha2, "{\"op\":\"serial-test\",\"verb\":\"echo\",\"args\":[\"" + cable.b + "\",\"19200\",\"20s\"]}");
        assertThat(echo.ok()).isTrue();
        assertThat(echo.result().state()).isEqualTo("running");
        assertThat(echo.result().role()).isEqualTo("echo");
        var send = ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"" + cable.a + "\",\"19200\",\"1s\"]}");
        assertThat(send.result().state()).isEqualTo("running");

        // 1 s of probes every 50 ms, then at most the 2 s reply wait: done well within 15 s
        var sent = until(ha1, Duration.ofSeconds(15));
        assertThat(sent.state()).isEqualTo("done");
        assertThat(sent.verdict()).isEqualTo("OK");
        assertThat(sent.sent()).isEqualTo(20);
        assertThat(sent.received()).isEqualTo(20);
        assertThat(sent.lost()).isZero();
        assertThat(sent.corrupted()).isZero();
        assertThat(sent.rttP50Ms()).isPositive();
        assertThat(sent.rttP99Ms()).isGreaterThanOrEqualTo(sent.rttP50Ms());
        assertThat(sent.rttMaxMs()).isGreaterThanOrEqualTo(sent.rttP99Ms());
        // the echoer ends once the last probe came (plus its short linger)
        var echoed = until(ha2, Duration.ofSeconds(10));
        assertThat(echoed.verdict()).isEqualTo("OK");
        assertThat(echoed.received()).isEqualTo(20);
        assertThat(echoed.rttP50Ms()).isNull();
    }

    @Test
    void withoutAnEchoerTheSenderSaysNoLinkAndWhatToCheck() throws Exception {
        var ha1 = agent(Set.of());
        ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"" + cable.a + "\",\"9600\",\"500ms\"]}");
        var r = until(ha1, Duration.ofSeconds(10));
        assertThat(r.verdict()).isEqualTo("NO_LINK");
        assertThat(r.sent()).isEqualTo(10);
        assertThat(r.lost()).isEqualTo(10);
        assertThat(r.rttP50Ms()).isNull();
        assertThat(r.explanation()).contains("null-modem").contains("9600 baud");
    }

    @Test
    void refusesAConfiguredLinksDeviceEvenThroughAnotherPathASecondTestAndBadRequests() throws Exception {
        // the agent's link names the pty itself; the request its socat symlink
        var real = cable.a.toRealPath().toString();
        var ha1 = agent(Set.of(real));
        var r = ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"" + cable.a + "\",\"19200\",\"1s\"]}");
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).contains("configured heartbeat link");

        ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"echo\",\"args\":[\"" + cable.b + "\",\"19200\",\"2s\"]}");
        var second = ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"echo\",\"args\":[\"" + cable.b + "\",\"19200\",\"2s\"]}");
        assertThat(second.ok()).isFalse();
        assertThat(second.error()).contains("a serial test is running");

        assertThat(ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"shout\"}").error()).contains("one of send, echo, progress");
        assertThat(ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"/dev/x\"]}").error()).contains("[device, baud, duration]");
        assertThat(ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"/dev/x\",\"fast\",\"1s\"]}").error()).contains("baud");
        assertThat(ask(agent(Set.of()), "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"/dev/x\",\"19200\",\"61s\"]}").error())
                .contains("60s");
        assertThat(ask(agent(Set.of()), "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"tty0\",\"19200\",\"1s\"]}").error())
                .contains("absolute path");
        // the echoer with no sender gives up at its wait (2 s): bounded
        assertThat(until(ha1, Duration.ofSeconds(10)).verdict()).isEqualTo("NO_LINK");
    }

    @Test
    void aDeviceThatCannotBeOpenedIsDoneAtOnceWithWhy() throws Exception {
        var ha1 = agent(Set.of());
        var r = ask(ha1, "{\"op\":\"serial-test\",\"verb\":\"send\",\"args\":[\"" + dir.resolve("absent") + "\",\"19200\",\"1s\"]}");
        assertThat(r.ok()).isTrue();
        assertThat(r.result().state()).isEqualTo("done");
        assertThat(r.result().verdict()).isEqualTo("NO_LINK");
        assertThat(r.result().explanation()).contains("cannot open");
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();
    }
}
