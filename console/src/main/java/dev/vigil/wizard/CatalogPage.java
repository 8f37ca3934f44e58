package dev.vigil.wizard;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.vigil.tui.Context;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Text;
import dev.vigil.tui.Tone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wizards: one per recipe found under the playbooks directory, read when this page opens.
 * A recipe the engine cannot read is listed with its first error instead of a wizard.
 */
public final class CatalogPage implements Page {
    private final WizardSettings settings;
    private final List<Recipe> recipes;
    private final String problem;
    private int selected;
    private int top;

    public CatalogPage(WizardSettings settings) {
        this.settings = settings;
        List<Recipe> found = List.of();
        String why = null;
        try {
            found = Recipes.scan(settings.playbooks(), settings.hosts());
        } catch (IOException e) {
            why = e.getMessage();
        }
        this.recipes = found;
        this.problem = why;
    }

    List<Recipe> recipes() {
        return recipes;
    }

    @Override
    public String title() {
        return "wizards";
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        var out = new ArrayList<Line>();
        if (problem != null) {
            out.addAll(Views.wrapped("! " + problem, width, "", Tone.BAD));
            return out;
        }
        out.add(Line.of("Recipes in " + settings.playbooks().toAbsolutePath().normalize() + ": Enter opens one's wizard (a form, the plan, then apply)", Tone.DIM));
        if (recipes.isEmpty()) out.add(Line.of("  none: no directory there holds a playbook.yaml", Tone.DIM));
        int idWidth = Math.min(24, recipes.stream().mapToInt(r -> r.id().length()).max().orElse(4) + 2);
        var rows = new ArrayList<Line>();
        for (int i = 0; i < recipes.size(); i++) {
            var r = recipes.get(i);
            boolean sel = i == selected;
            var b = Line.builder().add(sel ? "> " : "  ", Tone.TITLE).add(Text.fit(r.id(), idWidth), sel ? Tone.SELECTED : Tone.NORMAL);
            if (r.playbook().isPresent()) {
                int n = r.playbook().get().vars().size();
                b.add(r.title()).add("  (" + n + " question" + (n == 1 ? "" : "s") + ")", Tone.DIM);
            } else {
                b.add("! cannot be read: " + r.firstError(), Tone.BAD);
            }
            rows.add(b.build());
        }
        int rest = Math.max(1, height - out.size());
        if (selected < top) top = selected;
        if (selected >= top + rest) top = selected - rest + 1;
        out.addAll(Views.window(rows, top, rest));
        return out;
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        return List.of(new KeyHint("↑↓", "select"), new KeyHint("Enter", "open the wizard"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (recipes.isEmpty()) return Reaction.IGNORED;
        switch (k.getKeyType()) {
            case ArrowUp -> selected = Math.max(0, selected - 1);
            case ArrowDown -> selected = Math.min(recipes.size() - 1, selected + 1);
            case Home -> selected = 0;
            case End -> selected = recipes.size() - 1;
            case Enter -> {
                var r = recipes.get(selected);
                if (r.playbook().isEmpty()) {
                    return new Reaction.Say(r.id() + " cannot be read: " + r.firstError(), Tone.BAD);
                }
                return new Reaction.Open(WizardPages.open(r, settings));
            }
            default -> {
                return Reaction.IGNORED;
            }
        }
        return Reaction.HANDLED;
    }
}
