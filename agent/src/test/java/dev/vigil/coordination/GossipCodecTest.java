package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.heartbeat.Extension;
import dev.vigil.heartbeat.ExtensionTypes;
import dev.vigil.model.ResourceStatus;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.AdminState.TemporaryConstraint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class GossipCodecTest {
    private final GossipCodec codec = new GossipCodec();

    static final AdminState ADMIN = new AdminState(7, Set.of("ha3"), true,
            List.of(new TemporaryConstraint("www", "ha2", TemporaryConstraint.Kind.MOVE),
                    new TemporaryConstraint("db", "ha1", TemporaryConstraint.Kind.BAN)));

    static NodeReport fullReport() {
        return new NodeReport("ha2", "ha1", 1234567890123L, 3,
                Map.of("vip", new ResourceEntry(ResourceStatus.STARTED, 0, 0, "start: SUCCESS"),
                        "web", new ResourceEntry(ResourceStatus.FAILED, 2, 1767225600000L, "monitor: NOT_RUNNING (gone)",
                                "monitor: NOT_RUNNING (gone)", 7),
                        "db", new ResourceEntry(ResourceStatus.STOP_FAILED, 1, 1767225601000L, "stop: TIMED_OUT",
                                "stop: TIMED_OUT", 1),
                        "x", ResourceEntry.UNKNOWN),
                List.of(new Completion(4, true, "SUCCESS"), new Completion(5, false, "ERR_GENERIC")),
                ADMIN, List.of(new AdminRequest(1, "move", List.of("www", "ha2")), new AdminRequest(2, "maintenance-on", List.of())),
                false);
    }

    static Directive fullDirective() {
        return new Directive("ha1", 42, 2,
                List.of(new DispatchedAction(9, "vip:start@ha2", Operation.START, "vip", "ha2"),
                        new DispatchedAction(10, "web:cleanup@ha1", Operation.CLEANUP, "web", "ha1"),
                        new DispatchedAction(11, "db:notify-pre-promote@ha3", Operation.NOTIFY, "db", "ha3",
                                java.util.Map.of("notify_type", "pre", "notify_operation", "promote"))),
                ADMIN, List.of(new AdminReply("ha2", 1, true, "www runs on ha2"),
                        new AdminReply("ha3", 5, false, "no node 'ha9'")));
    }

    @Test
    void aFullReportSurvivesTheRoundTrip() {
        var report = fullReport();
        var e = codec.encode(report);
        assertThat(e.type()).isEqualTo(ExtensionTypes.NODE_REPORT);
        assertThat(codec.report(e)).contains(report);
        assertThat(codec.directive(e)).isEmpty();
    }

    @Test
    void aFullDirectiveSurvivesTheRoundTrip() {
        var directive = fullDirective();
        var e = codec.encode(directive);
        assertThat(e.type()).isEqualTo(ExtensionTypes.DIRECTIVE);
        assertThat(codec.directive(e)).contains(directive);
        assertThat(codec.report(e)).isEmpty();
    }

    @Test
    void aDozenResourcesFitComfortablyInADatagram() {
        var resources = new java.util.HashMap<String, ResourceEntry>();
        for (int i = 0; i < 12; i++) {
            resources.put("resource-" + i, new ResourceEntry(ResourceStatus.STARTED, 0, 0, "start: SUCCESS"));
        }
        var e = codec.encode(new NodeReport("ha1", "ha1", 1, 1, resources, List.of(), ADMIN, List.of(), true));
        assertThat(e.value().length).isLessThan(1000);
    }

    @Test
    void aTruncatedPayloadIsRefused() {
        byte[] whole = codec.encode(fullReport()).value();
        var cut = new Extension(ExtensionTypes.NODE_REPORT, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> codec.report(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        var empty = new Extension(ExtensionTypes.NODE_REPORT, new byte[0]);
        assertThatThrownBy(() -> codec.report(empty)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void garbageIsRefused() {
        var garbage = new Extension(ExtensionTypes.DIRECTIVE, "this is not deflate".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> codec.directive(garbage)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed");
    }

    @Test
    void deflatedJsonThatIsNotTheRightShapeIsRefused() {
        var notJson = new Extension(ExtensionTypes.NODE_REPORT, deflate("{\"node\": ".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> codec.report(notJson)).isInstanceOf(IllegalArgumentException.class);
        var array = new Extension(ExtensionTypes.NODE_REPORT, deflate("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> codec.report(array)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDirectiveSentAsAReportIsRefused() {
        // The right container, the wrong document: a report typed extension carrying a directive.
        var swapped = new Extension(ExtensionTypes.NODE_REPORT, codec.encode(fullDirective()).value());
        assertThatThrownBy(() -> codec.report(swapped)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherExtensionTypesAreNotOurs() {
        var other = new Extension(ExtensionTypes.EXPERIMENTAL, codec.encode(fullReport()).value());
        assertThat(codec.report(other)).isEmpty();
        assertThat(codec.directive(other)).isEmpty();
    }

    @Test
    void anInflateBombIsRefusedBeforeItExhaustsMemory() {
        // 64 MB of spaces deflate to ~64 KB; inflating must stop at the limit.
        byte[] bomb;
        var deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            var out = new ByteArrayOutputStream();
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) ' ');
            byte[] buf = new byte[1 << 16];
            for (int i = 0; i < 64; i++) {
                deflater.setInput(chunk);
                while (!deflater.needsInput()) {
                    out.write(buf, 0, deflater.deflate(buf));
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            bomb = out.toByteArray();
        } finally {
            deflater.end();
        }
        assertThat(bomb.length).isLessThan(GossipCodec.MAX_INFLATED_BYTES);
        var e = new Extension(ExtensionTypes.NODE_REPORT, bomb);
        assertThatThrownBy(() -> codec.report(e)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inflates beyond");
    }

    @Test
    void aPayloadJustUnderTheLimitIsStillRead() {
        // Padding with whitespace is valid JSON: the limit is about size, not content.
        byte[] json = codec.encode(fullReport()).value();
        byte[] inflated = inflate(json);
        byte[] padded = new byte[GossipCodec.MAX_INFLATED_BYTES - 10];
        Arrays.fill(padded, (byte) ' ');
        System.arraycopy(inflated, 0, padded, 0, inflated.length);
        var e = new Extension(ExtensionTypes.NODE_REPORT, deflate(padded));
        assertThat(codec.report(e)).contains(fullReport());
    }

    private static byte[] deflate(byte[] data) {
        var deflater = new Deflater();
        try {
            deflater.setInput(data);
            deflater.finish();
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] data) {
        var inflater = new java.util.zip.Inflater();
        try {
            inflater.setInput(data);
            var out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!inflater.finished()) {
                out.write(buf, 0, inflater.inflate(buf));
            }
            return out.toByteArray();
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        } finally {
            inflater.end();
        }
    }
}
