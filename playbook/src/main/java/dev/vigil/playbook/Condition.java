package dev.vigil.playbook;

import dev.vigil.coordination.Suggest;
import dev.vigil.playbook.steps.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A step's {@code when:} condition: a deliberately small language, not Jinja.
 *
 * <pre>
 * cond    := or
 * or      := and ("or" and)*
 * and     := unary ("and" unary)*
 * unary   := "not" unary | "(" or ")" | test
 * test    := "true" | "false"
 *          | NAME                          a bool variable alone
 *          | NAME ("==" | "!=") LITERAL    a variable or fact against a literal
 *          | operand ["not"] "in" NAME     membership in a nodes variable (or facts.interfaces, facts.addresses)
 * operand := NAME | 'quoted' | "quoted"
 * LITERAL := a bare word (debian, 12, 10.0.0.1, true) or a quoted string
 * </pre>
 *
 * The right side of {@code ==} is always a literal, never a variable: {@code facts.os_family == debian}
 * compares with the word debian. {@code true}/{@code yes} and {@code false}/{@code no} are equal
 * when compared with a bool. Names are variables, {@code host}, or facts ({@code facts.os_family}).
 */
public final class Condition {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_][A-Za-z0-9_.:-]*)*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in");

    private final String text;
    private final Expr expr;

    private Condition(String text, Expr expr) {
        this.text = text;
        this.expr = expr;
    }

    /** A problem at a character offset of the condition's text (0-based). */
    public record Problem(int offset, String message) {}

    /** The condition does not parse. */
    public static final class SyntaxError extends Exception {
        public final int offset;

        SyntaxError(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    public static Condition parse(String text) throws SyntaxError {
        var p = new Parser(text, tokens(text));
        Expr e = p.or();
        if (p.i < p.tokens.size()) {
            Token t = p.tokens.get(p.i);
            throw new SyntaxError(t.at, "unexpected `" + t.text + "`: join conditions with `and` or `or`");
        }
        return new Condition(text, e);
    }

    /**
     * The names it uses that are not defined, and tests that cannot make sense for the names'
     * types (a non-bool alone, {@code in} a non-list, a choice against a value it cannot have).
     *
     * @param vars     the playbook's declared variables
     * @param builtins names every step has ({@code host})
     */
    public List<Problem> check(Map<String, VarDecl> vars, Set<String> builtins) {
        var out = new ArrayList<Problem>();
        expr.check(vars, builtins, out);
        return out;
    }

    /**
     * @param values the host's variables and facts
     * @throws IllegalArgumentException when a name has no value on this host (an interface's
     *         address that is not there) or a bool test meets a value that is not a bool
     */
    public boolean test(Map<String, String> values) {
        return expr.eval(values);
    }

    // ---- the tree

    private sealed interface Expr {
        boolean eval(Map<String, String> v);

        void check(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out);
    }

    private record Ref(String name, int at) {
        String value(Map<String, String> v) {
            String s = v.get(name);
            if (s == null) throw new IllegalArgumentException("`" + name + "` has no value on this host");
            return s;
        }

        boolean known(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out) {
            if (vars.containsKey(name) || builtins.contains(name) || Facts.isFact(name)) return true;
            if (name.startsWith(Facts.PREFIX)) {
                out.add(new Problem(at, "unknown fact `" + name + "`" + Suggest.didYouMean(name, Facts.NAMES)
                        + " (facts: " + String.join(", ", new java.util.TreeSet<>(Facts.NAMES)) + ", facts.ipv4.IFACE, facts.ipv6.IFACE)"));
            } else {
                var known = new java.util.TreeSet<>(vars.keySet());
                known.addAll(builtins);
                out.add(new Problem(at, "undefined variable `" + name + "`" + Suggest.didYouMean(name, known)
                        + "; declare it under `vars:`"));
            }
            return false;
        }
    }

    private record Truth(Ref ref) implements Expr {
        public boolean eval(Map<String, String> v) {
            String s = ref.value(v);
            if (isBool(s)) return bool(s);
            throw new IllegalArgumentException("`" + ref.name + "` is '" + s + "', not a bool");
        }

        public void check(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out) {
            if (!ref.known(vars, builtins, out)) return;
            var d = vars.get(ref.name);
            if (d == null || d.type() != VarType.BOOL) {
                String what = d != null ? "a variable of type " + d.type().yamlName() : ref.name.startsWith(Facts.PREFIX) ? "a fact" : "a built-in";
                out.add(new Problem(ref.at, "`" + ref.name + "` is " + what + ", not a bool: compare it with a value, e.g. `"
                        + ref.name + " == VALUE`"));
            }
        }
    }

    private record Compare(Ref ref, boolean equal, String literal, int literalAt) implements Expr {
        public boolean eval(Map<String, String> v) {
            String s = ref.value(v);
            boolean same = s.equals(literal) || isBool(s) && isBool(literal) && bool(s) == bool(literal);
            return same == equal;
        }

        public void check(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out) {
            if (!ref.known(vars, builtins, out)) return;
            var d = vars.get(ref.name);
            if (d == null) return;
            if (d.type() == VarType.CHOICE && !d.choices().contains(literal)) {
                out.add(new Problem(literalAt, "`" + ref.name + "` is one of " + String.join(", ", d.choices()) + ", never '"
                        + literal + "'" + Suggest.didYouMean(literal, d.choices())));
            } else if (d.type() == VarType.BOOL && !isBool(literal)) {
                out.add(new Problem(literalAt, "`" + ref.name + "` is a bool: compare it with true or false, not '" + literal + "'"));
            }
        }
    }

    /** @param left a variable or fact, or (name null) a literal */
    private record In(Ref left, String literal, Ref list, boolean negated) implements Expr {
        public boolean eval(Map<String, String> v) {
            String x = left != null ? left.value(v) : literal;
            boolean member = List.of(list.value(v).trim().split("[\\s,]+")).contains(x);
            return member != negated;
        }

        public void check(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out) {
            if (left != null) left.known(vars, builtins, out);
            if (!list.known(vars, builtins, out)) return;
            var d = vars.get(list.name);
            boolean isList = d != null ? d.type() == VarType.NODES : Facts.LISTS.contains(list.name);
            if (!isList) {
                out.add(new Problem(list.at, "`in` needs a list: a variable of type nodes, facts.interfaces or facts.addresses, not `"
                        + list.name + "`"));
            }
        }
    }

    private record Constant(boolean value) implements Expr {
        public boolean eval(Map<String, String> v) {
            return value;
        }

        public void check(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out) {}
    }

        private record Not(Expr e) implements Expr {
        public boolean eval(Map<String, String> v) {
            return !e.eval(v);
        }

        public void check(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out) {
            e.check(vars, builtins, out);
        }
    }

    private record Both(Expr a, Expr b, boolean and) implements Expr {
        public boolean eval(Map<String, String> v) {
            return and ? a.eval(v) && b.eval(v) : a.eval(v) || b.eval(v);
        }

        public void check(Map<String, VarDecl> vars, Set<String> builtins, List<Problem> out) {
            a.check(vars, builtins, out);
            b.check(vars, builtins, out);
        }
    }

    static boolean isBool(String s) {
        return List.of("true", "false", "yes", "no").contains(s.toLowerCase());
    }

    static boolean bool(String s) {
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes");
    }

    // ---- tokens and the parser

    /** @param quoted a string literal ('...' or "..."): never a name or an operator */
    private record Token(String text, int at, boolean quoted) {
        boolean is(String s) {
            return !quoted && text.equals(s);
        }
    }

    private static List<Token> tokens(String s) throws SyntaxError {
        var out = new ArrayList<Token>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')') {
                out.add(new Token(String.valueOf(c), i++, false));
            } else if (c == '=' || c == '!') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '=') {
                    out.add(new Token(c + "=", i, false));
                    i += 2;
                } else {
                    throw new SyntaxError(i, c == '=' ? "`=` is not an operator: write `==`" : "`!` is not an operator: write `!=` or `not`");
                }
            } else if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) throw new SyntaxError(i, "the string starting here is never closed with " + c);
                out.add(new Token(s.substring(i + 1, end), i, true));
                i = end + 1;
            } else if (word(c)) {
                int start = i;
                while (i < s.length() && word(s.charAt(i))) i++;
                out.add(new Token(s.substring(start, i), start, false));
            } else {
                throw new SyntaxError(i, "unexpected character `" + c + "` (conditions use ==, !=, in, not, and, or, parentheses)");
            }
        }
        return out;
    }

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || "_.-:/@+".indexOf(c) >= 0;
    }

    private static final class Parser {
        final String text;
        final List<Token> tokens;
        int i;

        Parser(String text, List<Token> tokens) {
            this.text = text;
            this.tokens = tokens;
        }

        Optional<Token> peek() {
            return i < tokens.size() ? Optional.of(tokens.get(i)) : Optional.empty();
        }

        int end() {
            return text.length();
        }

        Token next(String expected) throws SyntaxError {
            if (i >= tokens.size()) {
                throw new SyntaxError(end(), tokens.isEmpty() ? "the condition is empty" : "the condition ends too soon: expected " + expected);
            }
            return tokens.get(i++);
        }

        Expr or() throws SyntaxError {
            Expr e = and();
            while (peek().filter(t -> t.is("or")).isPresent()) {
                i++;
                e = new Both(e, and(), false);
            }
            return e;
        }

        Expr and() throws SyntaxError {
            Expr e = unary();
            while (peek().filter(t -> t.is("and")).isPresent()) {
                i++;
                e = new Both(e, unary(), true);
            }
            return e;
        }

        Expr unary() throws SyntaxError {
            Token t = next("a name, `not` or `(`");
            if (t.is("not")) return new Not(unary());
            if (t.is("(")) {
                Expr e = or();
                Token close = next("`)`");
                if (!close.is(")")) throw new SyntaxError(close.at, "expected `)` to close the `(`, got `" + close.text + "`");
                return e;
            }
            return test(t);
        }

        Expr test(Token first) throws SyntaxError {
            var op = peek();
            boolean negatedIn = op.filter(t -> t.is("not")).isPresent()
                    && i + 1 < tokens.size() && tokens.get(i + 1).is("in");
            if (op.isPresent() && (op.get().is("in") || negatedIn)) {
                i += negatedIn ? 2 : 1;
                Ref left = first.quoted ? null : name(first);
                Token list = next("the name of a nodes variable");
                return new In(left, first.quoted ? first.text : null, name(list), negatedIn);
            }
            boolean constant = !first.quoted && (first.text.equals("true") || first.text.equals("false"));
            if (constant && (op.isEmpty() || !(op.get().is("==") || op.get().is("!=")))) {
                return new Constant(first.text.equals("true")); // `when: false` turns a step off, as in Ansible
            }
            Ref ref = name(first);
            if (op.isPresent() && (op.get().is("==") || op.get().is("!="))) {
                i++;
                Token lit = next("a value to compare with");
                if (!lit.quoted && (KEYWORDS.contains(lit.text) || lit.text.equals("(") || lit.text.equals(")") || lit.text.endsWith("="))) {
                    throw new SyntaxError(lit.at, "expected a value after " + op.get().text + ", got `" + lit.text + "` (quote it if it is the value)");
                }
                return new Compare(ref, op.get().is("=="), lit.text, lit.at);
            }
            return new Truth(ref);
        }

        Ref name(Token t) throws SyntaxError {
            if (t.quoted) throw new SyntaxError(t.at, "a quoted value cannot stand here: put a variable or fact name on the left, e.g. `facts.os_family == debian`");
            if (KEYWORDS.contains(t.text) || t.text.equals(")") || t.text.endsWith("=")) {
                throw new SyntaxError(t.at, "expected a variable or fact name, got `" + t.text + "`");
            }
            if (!NAME.matcher(t.text).matches()) {
                throw new SyntaxError(t.at, "`" + t.text + "` is not a variable or fact name (the right side of == and != holds the value)");
            }
            return new Ref(t.text, t.at);
        }
    }
}
