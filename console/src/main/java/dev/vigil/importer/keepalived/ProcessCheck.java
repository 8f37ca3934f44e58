package dev.vigil.importer.keepalived;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The vrrp_script checks that only ask whether a service's process runs ({@code killall -0 haproxy},
 * {@code pidof nginx}, {@code pgrep -x sshd}, {@code systemctl is-active --quiet haproxy}): the
 * service's name, which Vigil can run and monitor as a {@code systemd:} clone.
 */
final class ProcessCheck {
    private static final Pattern CHECK = Pattern.compile(
            "(?:/usr)?(?:/s?bin/)?(?:killall -0|pidof|pgrep(?: -x)?|systemctl is-active(?: --quiet| -q)?)\\s+([A-Za-z0-9_.@-]+)");

    private ProcessCheck() {}

    static Optional<String> service(String command) {
        var m = CHECK.matcher(command.strip().replaceAll("\\s+", " "));
        return m.matches() ? Optional.of(m.group(1).replaceAll("\\.service$", "")) : Optional.empty();
    }
}
