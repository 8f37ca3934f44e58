package dev.vigil.wizard;

import dev.vigil.playbook.Flags;
import dev.vigil.playbook.Playbook;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A recipe's form: one {@link Field} per declared variable, in declaration order, the answers
 * given so far, and the problems found when a field was left. Pure state, no drawing: the page
 * turns keys into calls here, and the tests drive it directly.
 */
public final class Form {
    private final List<Field> fields;
    private final Map<String, String> answers = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();
    private int current;
    /** Which option ←→ points at in a multi-select (nodes). */
    private int highlight;

    public Form(Playbook playbook) {
        this(playbook.vars().values().stream().map(Field::of).toList());
    }

    Form(List<Field> fields) {
        this.fields = List.copyOf(fields);
        for (var f : fields) answers.put(f.name(), f.initial());
    }

    public List<Field> fields() {
        return fields;
    }

    public int current() {
        return current;
    }

    public Field currentField() {
        return fields.get(current);
    }

    public String answer(String name) {
        return answers.getOrDefault(name, "");
    }

    public Optional<String> problem(String name) {
        return Optional.ofNullable(problems.get(name));
    }

    int highlight() {
        return highlight;
    }

    /** Sets an answer as typed or chosen; its old problem goes until the field is left again. */
    public void set(String name, String value) {
        answers.put(name, value);
        problems.remove(name);
    }

    /** Leaves the current field for another: the field left is checked. */
    public void moveTo(int index) {
        if (fields.isEmpty()) return;
        check(current);
        current = Math.max(0, Math.min(fields.size() - 1, index));
        highlight = 0;
    }

    public void next() {
        moveTo(current + 1);
    }

    public void previous() {
        moveTo(current - 1);
    }

    private void check(int i) {
        if (i < 0 || i >= fields.size()) return;
        checkOne(i);
        // A field that must stay below this one (`within`) and is marked wrong is judged again: fixing
        // the mount point clears the export's mark. One level only, so that no rule can loop.
        String name = fields.get(i).name();
        for (int j = 0; j < fields.size(); j++) {
            var g = fields.get(j);
            if (j != i && g.decl().within().filter(name::equals).isPresent() && problems.containsKey(g.name())) checkOne(j);
        }
    }

    /** The field's own check, then the engine's rule across two answers ({@code within}). */
    private void checkOne(int i) {
        var f = fields.get(i);
        String v = answers.get(f.name());
        f.problem(v).or(() -> f.decl().within().flatMap(base -> f.decl().withinProblem(v, answer(base))))
                .ifPresentOrElse(p -> problems.put(f.name(), p), () -> problems.remove(f.name()));
    }

    /** Checks every field (Next); true when all are right, else the first wrong one becomes current. */
    public boolean checkAll() {
        for (int i = 0; i < fields.size(); i++) check(i);
        for (int i = 0; i < fields.size(); i++) {
            if (problems.containsKey(fields.get(i).name())) {
                current = i;
                return false;
            }
        }
        return true;
    }

    public int wrongCount() {
        return problems.size();
    }

    // ---- editing the current field ------------------------------------------------------------

    void type(char c, List<String> nodes) {
        if (fields.isEmpty()) return;
        var f = currentField();
        if (!f.typed(nodes)) return;
        set(f.name(), answer(f.name()) + c);
    }

    void backspace(List<String> nodes) {
        if (fields.isEmpty()) return;
        var f = currentField();
        String v = answer(f.name());
        if (f.typed(nodes) && !v.isEmpty()) set(f.name(), v.substring(0, v.length() - 1));
    }

    /** ←→ on a choice, a bool or a node picks the previous or next option; on nodes it moves the highlight. */
    void cycle(int step, List<String> nodes) {
        if (fields.isEmpty()) return;
        var f = currentField();
        var opts = f.options(nodes);
        if (opts.isEmpty()) return;
        if (f.kind() == Field.Kind.NODES || f.kind() == Field.Kind.FLAGS) {
            highlight = Math.floorMod(highlight + step, opts.size());
            return;
        }
        int at = opts.indexOf(answer(f.name()).strip());
        int next = at < 0 ? (step > 0 ? 0 : opts.size() - 1) : Math.floorMod(at + step, opts.size());
        set(f.name(), opts.get(next));
    }

    /**
     * Space: ticks or unticks the highlighted node of a multi-select, picks the next alternative of
     * the highlighted set of flags, flips a bool, else the next option.
     */
    void toggle(List<String> nodes) {
        if (fields.isEmpty()) return;
        var f = currentField();
        var opts = f.options(nodes);
        if (opts.isEmpty()) return;
        if (f.kind() == Field.Kind.FLAGS) {
            set(f.name(), Flags.cycle(answer(f.name()), opts, Math.min(highlight, opts.size() - 1), 1));
            return;
        }
        if (f.kind() == Field.Kind.NODES) {
            var chosen = chosenNodes(f.name());
            String n = opts.get(Math.min(highlight, opts.size() - 1));
            if (!chosen.remove(n)) chosen.add(n);
            // in the cluster's order, whatever order they were ticked in
            var ordered = opts.stream().filter(chosen::contains).toList();
            var rest = chosen.stream().filter(x -> !opts.contains(x)).toList();
            var all = new ArrayList<>(ordered);
            all.addAll(rest);
            set(f.name(), String.join(" ", all));
            return;
        }
        cycle(1, nodes);
    }

    LinkedHashSet<String> chosenNodes(String name) {
        String v = answer(name).strip();
        return v.isEmpty() ? new LinkedHashSet<>() : new LinkedHashSet<>(Arrays.asList(v.split("[,\\s]+")));
    }

    /** The answers as the engine takes them (normalized, as {@code Vars.resolve} gives them). */
    public Map<String, String> values() {
        var out = new LinkedHashMap<String, String>();
        for (var f : fields) out.put(f.name(), f.decl().type().normalize(answers.get(f.name()), f.decl()));
        return out;
    }

    /** The answers as given (not normalized), by field name. */
    Map<String, String> answersByName() {
        return Map.copyOf(answers);
    }

    /**
     * The same answers on other fields (a form whose fields follow its answers: a group repeated by
     * a count, a field per chosen node): every answer kept by name (a field that goes and comes back has it again), a new field starting
     * from its default, the current field kept by name (else the nearest before it).
     */
    Form relaid(List<Field> next) {
        var f = new Form(next);
        f.answers.putAll(answers); // those of fields gone too: a field that comes back has its answer again
        for (var field : next) {
            if (problems.containsKey(field.name())) f.problems.put(field.name(), problems.get(field.name()));
        }
        String here = fields.isEmpty() ? "" : currentField().name();
        int at = -1;
        for (int i = 0; i < next.size(); i++) if (next.get(i).name().equals(here)) at = i;
        f.current = at >= 0 ? at : Math.max(0, Math.min(current, next.size() - 1));
        f.highlight = at >= 0 ? highlight : 0;
        return f;
    }

    /** The secret answers (non-empty), to mask wherever text is shown. */
    public List<String> secrets() {
        return fields.stream().filter(Field::secret).map(f -> answers.get(f.name())).filter(s -> !s.isEmpty()).toList();
    }
}
