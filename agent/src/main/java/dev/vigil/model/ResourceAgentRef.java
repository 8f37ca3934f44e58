package dev.vigil.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which script runs a resource: {@code ocf:heartbeat:IPaddr2}, {@code ocf:vigil:IPaddr},
 * {@code lsb:apache2}, {@code systemd:haproxy}, or heartbeat v1 style
 * {@code heartbeat:IPaddr::10.0.0.1/24::eth0} whose {@code ::}-separated arguments are passed
 * positionally before the action.
 *
 * @param resourceClass the calling convention
 * @param provider      the OCF provider; empty for every other class
 * @param type          the script, init script or unit name
 * @param args          heartbeat v1 positional arguments; empty for every other class
 */
public record ResourceAgentRef(ResourceClass resourceClass, String provider, String type, List<String> args) {

    // Names become path components, so nothing that could climb out of the agent directory.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@+-]*");

    public ResourceAgentRef {
        Objects.requireNonNull(resourceClass, "resourceClass");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(type, "type");
        args = List.copyOf(args);
        if (resourceClass == ResourceClass.OCF) {
            requireName(provider, "OCF provider", null);
        } else if (!provider.isEmpty()) {
            throw new IllegalArgumentException("only OCF agents have a provider, not " + resourceClass.prefix());
        }
        requireName(type, "agent type", null);
        if (resourceClass != ResourceClass.HEARTBEAT && !args.isEmpty()) {
            throw new IllegalArgumentException("only heartbeat agents take positional arguments");
        }
    }

    public static ResourceAgentRef ocf(String provider, String type) {
        return new ResourceAgentRef(ResourceClass.OCF, provider, type, List.of());
    }

    /**
     * Parses an agent string.
     *
     * @throws IllegalArgumentException naming the string and what is wrong with it
     */
    public static ResourceAgentRef parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw bad(text, "expected class:..., e.g. ocf:heartbeat:IPaddr2, lsb:apache2, systemd:haproxy"
                    + " or heartbeat:IPaddr::10.0.0.1");
        }
        String prefix = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = text.substring(colon + 1);
        ResourceClass cls = Arrays.stream(ResourceClass.values())
                .filter(c -> c.prefix().equals(prefix))
                .findFirst()
                .orElseThrow(() -> bad(text, "unknown class '" + prefix + "' (known: ocf, lsb, systemd, heartbeat)"));
        switch (cls) {
            case OCF -> {
                String[] parts = rest.split(":", -1);
                if (parts.length != 2) {
                    throw bad(text, "an OCF agent is ocf:provider:type");
                }
                requireName(parts[0], "OCF provider", text);
                requireName(parts[1], "agent type", text);
                return new ResourceAgentRef(cls, parts[0], parts[1], List.of());
            }
            case HEARTBEAT -> {
                String[] parts = rest.split("::", -1);
                requireName(parts[0], "heartbeat script", text);
                List<String> args = List.of(parts).subList(1, parts.length);
                for (String arg : args) {
                    if (arg.isEmpty()) {
                        throw bad(text, "empty argument between '::'");
                    }
                }
                return new ResourceAgentRef(cls, "", parts[0], args);
            }
            default -> {
                requireName(rest, cls.prefix() + " name", text);
                return new ResourceAgentRef(cls, "", rest, List.of());
            }
        }
    }

    private static void requireName(String name, String what, String text) {
        if (!NAME.matcher(name).matches()) {
            String problem = what + " '" + name + "' is empty or has characters other than letters, digits and _.@+-";
            throw text == null ? new IllegalArgumentException(problem) : bad(text, problem);
        }
    }

    private static IllegalArgumentException bad(String text, String problem) {
        return new IllegalArgumentException("bad resource agent '" + text + "': " + problem);
    }

    /** The canonical string, which {@link #parse} reads back to an equal value. */
    @Override
    public String toString() {
        return switch (resourceClass) {
            case OCF -> "ocf:" + provider + ":" + type;
            case HEARTBEAT -> "heartbeat:" + type + args.stream().map(a -> "::" + a).reduce("", String::concat);
            default -> resourceClass.prefix() + ":" + type;
        };
    }
}
