package dev.vigil.wizard;

import dev.vigil.playbook.VarDecl;
import dev.vigil.playbook.VarType;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One field of a wizard's form, made from a variable a recipe declares: how it is edited (its
 * {@link Kind}), and whether it is a secret. Its answer is checked with the engine's own rules
 * ({@link VarType#problem}), so the form refuses exactly what {@code vigil playbook} would.
 */
public record Field(VarDecl decl, Kind kind, boolean secret) {
    /** How an answer is given. */
    public enum Kind {
        TEXT, NUMBER, IP, CIDR, PORT, PATH, DURATION,
        /** one of the declared choices (←→ or Space) */
        CHOICE,
        /** true or false (Space) */
        BOOL,
        /** one of the cluster's nodes (←→), typed when the console knows no node */
        NODE,
        /** some of the cluster's nodes (←→ moves, Space ticks), typed when the console knows no node */
        NODES,
        /** typed, shown as stars, never saved beside the other answers nor written to any log */
        SECRET,
        /** NFS clients, typed: *, names, wildcards, addresses, networks, @netgroups (each checked) */
        CLIENTS,
        /** one of each declared set (←→ moves between the sets, Space picks the next of one) */
        FLAGS
    }

    /**
     * A variable is secret when the playbook declares it so ({@code type: secret}): the one rule the
     * engine and {@code vigil playbook} follow too, so a value the wizard hides is hidden in the CLI's
     * output as well. (No guessing from the name: a {@code string} named {@code db_password} would be
     * hidden here but printed by {@code vigil playbook plan}, which is worse than a visible mistake.)
     */
    public static Field of(VarDecl d) {
        boolean secret = d.type() == VarType.SECRET;
        Kind k = switch (d.type()) {
            case SECRET -> Kind.SECRET;
            case STRING -> Kind.TEXT;
            case INT -> Kind.NUMBER;
            case BOOL -> Kind.BOOL;
            case IP -> Kind.IP;
            case CIDR -> Kind.CIDR;
            case PORT -> Kind.PORT;
            case PATH -> Kind.PATH;
            case DURATION -> Kind.DURATION;
            case NODE -> Kind.NODE;
            case NODES -> Kind.NODES;
            case CHOICE -> Kind.CHOICE;
            case CLIENTS -> Kind.CLIENTS;
            case FLAGS -> Kind.FLAGS;
        };
        return new Field(d, k, secret);
    }

    public String name() {
        return decl.name();
    }

    /** What the field starts with: the declared default, else nothing (the operator must answer). */
    public String initial() {
        String d = decl.defaultValue().orElse("");
        return (kind == Kind.BOOL || kind == Kind.FLAGS) && !d.isEmpty() ? decl.type().normalize(d, decl) : d;
    }

    /** Empty when the answer is acceptable, else why not, in the engine's words. */
    public Optional<String> problem(String value) {
        if (value.strip().isEmpty() && decl.required() && decl.type() != VarType.NODES) {
            return Optional.of(kind == Kind.CHOICE ? "choose one of " + String.join(", ", decl.choices())
                    : kind == Kind.NODE ? "needs an answer: choose a node (←→)" : "needs an answer");
        }
        return decl.type().problem(value, decl);
    }

    /** What the form says about the kind of answer, e.g. "port 1-65535" or "integer 1..32". */
    public String shape() {
        return switch (kind) {
            case TEXT -> decl.pattern().map(p -> "text matching " + p.pattern()).orElse("text");
            case NUMBER -> "integer" + decl.min().map(m -> " " + m).orElse(decl.max().isPresent() ? " " : "")
                    + (decl.min().isPresent() || decl.max().isPresent() ? ".." + decl.max().map(String::valueOf).orElse("") : "");
            case IP -> "IP address";
            case CIDR -> "address/prefix";
            case PORT -> "port 1-65535";
            case PATH -> "absolute path";
            case DURATION -> "duration (500ms, 30s, 5m, 2h)";
            case CHOICE -> "one of " + String.join(", ", decl.choices());
            case BOOL -> "yes or no";
            case NODE -> "a node";
            case NODES -> "nodes";
            case SECRET -> "secret (not shown, not saved)";
            case CLIENTS -> "clients: *, host, *.domain, address, network/prefix, @netgroup; separated by commas";
            case FLAGS -> "one of each: " + String.join("  ", decl.choices().stream().map(c -> c.replace("|", "/")).toList());
        };
    }

    /** The choices ←→ cycles through: a choice's, a bool's, or the cluster's nodes. */
    List<String> options(List<String> nodes) {
        return switch (kind) {
            case CHOICE -> decl.choices();
            case BOOL -> List.of("true", "false");
            case NODE, NODES -> nodes;
            case FLAGS -> decl.choices();
            default -> List.of();
        };
    }

    /** Whether the answer is typed (as opposed to chosen among options). */
    boolean typed(List<String> nodes) {
        return options(nodes).isEmpty();
    }
}
