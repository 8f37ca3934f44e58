package dev.vigil.metrics;

import java.util.List;
import java.util.Map;

/**
 * Prometheus' text exposition format 0.0.4, and OpenMetrics 1.0.0 for a scraper that asks for it
 * (Prometheus does, first, by default). The two differ for this agent's families in three places
 * only: a counter's {@code # HELP}/{@code # TYPE} name (with {@code _total} in 0.0.4, without in
 * OpenMetrics), the {@code # EOF} line OpenMetrics ends with, and the content type. Escaping: a help
 * text escapes {@code \} and newlines; a label value also {@code "}. Numbers: {@code +Inf}, {@code
 * -Inf}, {@code NaN}, integers as {@code 3.0}, others as Java's shortest round-tripping decimal.
 * Checked against Prometheus' own parsers (promtool, python's prometheus_client) in TextFormatTest.
 */
final class TextFormat {
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private TextFormat() {
    }

    /** OpenMetrics when the scraper's {@code Accept} header names it, as Prometheus' client libraries decide. */
    static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.contains("application/openmetrics-text");
    }

    static String write(List<MetricFamily> families, boolean openMetrics) {
        var out = new StringBuilder(16 * 1024);
        for (var f : families) {
            String declared = f.type() == MetricFamily.Type.COUNTER && !openMetrics ? f.name() + "_total" : f.name();
            out.append("# HELP ").append(declared).append(' ');
            escape(f.help(), false, out);
            out.append("\n# TYPE ").append(declared).append(' ').append(f.type().word).append('\n');
            for (var s : f.samples()) {
                out.append(s.name());
                labels(s.labels(), out);
                out.append(' ').append(number(s.value())).append('\n');
            }
        }
        if (openMetrics) {
            out.append("# EOF\n");
        }
        return out.toString();
    }

    private static void labels(Map<String, String> labels, StringBuilder out) {
        if (labels.isEmpty()) return;
        out.append('{');
        boolean first = true;
        for (var e : labels.entrySet()) {
            if (!first) out.append(',');
            first = false;
            out.append(e.getKey()).append("=\"");
            escape(e.getValue(), true, out);
            out.append('"');
        }
        out.append('}');
    }

    private static void escape(String s, boolean labelValue, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(labelValue ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    /** A sample's value or a bucket's {@code le}, as both formats spell numbers. */
    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == Double.POSITIVE_INFINITY) return "+Inf";
        if (v == Double.NEGATIVE_INFINITY) return "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return (long) v + ".0";
        return Double.toString(v);
    }
}
