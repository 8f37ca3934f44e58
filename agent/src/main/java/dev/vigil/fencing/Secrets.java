package dev.vigil.fencing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which device parameters are secret, and their removal from text. Fence agents take passwords
 * as ordinary parameters, and agents in debug mode echo what they read, so anything we log or
 * return passes through here.
 */
final class Secrets {
    static final String MASK = "****";

    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = values;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("passwd") || k.endsWith("password") || k.endsWith("secret");
    }

    static Secrets of(Map<String, String> params) {
        List<String> values = new ArrayList<>();
        params.forEach((k, v) -> {
            if (isSecret(k) && !v.isEmpty()) {
                values.add(v);
            }
        });
        // Longest first, so a secret containing another is masked whole.
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new Secrets(List.copyOf(values));
    }

    String redact(String text) {
        String out = text;
        for (String v : values) {
            out = out.replace(v, MASK);
        }
        return out;
    }

    /** The parameters with secret values masked, for logging. */
    static Map<String, String> masked(Map<String, String> params) {
        Map<String, String> out = new TreeMap<>();
        params.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : v));
        return out;
    }
}
