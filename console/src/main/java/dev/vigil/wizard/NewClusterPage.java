package dev.vigil.wizard;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.vigil.config.AtomicFile;
import dev.vigil.tui.Context;
import dev.vigil.tui.Keys;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Tone;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The new-cluster wizard (recipe {@code new-cluster}): its own form ({@link NewClusterForm}: the
 * cluster, its nodes and how to reach them, links, timing, quorum and fencing), checked field by
 * field and then by the agent's loader on the file it makes, the problems listed above the form;
 * then a review of the cluster file and the SSH inventory; then the recipe's own wizard (summary,
 * plan, apply, result), run on the new nodes with the files written for it.
 *
 * <p>The files go to {@code SAVED/cluster-NAME/} when the review is confirmed (nothing on any node
 * changes before the apply; the key is made there by the recipe's {@code authkey} step at the
 * apply, once, mode 0600), so the run can be repeated from a shell with the saved command line.
 */
public final class NewClusterPage implements Page {
    static final String RECIPE = "new-cluster";

    enum Stage { FORM, REVIEW }

    private final Recipe recipe;
    private final WizardSettings settings;
    private final NewClusterForm questions = new NewClusterForm();
    private final Keys.Scroll scroll = new Keys.Scroll();
    private Stage stage = Stage.FORM;
    private List<String> problems = List.of();
    private int formTop;

    public NewClusterPage(Recipe recipe, WizardSettings settings) {
        this.recipe = recipe;
        this.settings = settings;
    }

    NewClusterForm questions() {
        return questions;
    }

    Stage stage() {
        return stage;
    }

    List<String> problems() {
        return problems;
    }

    /** Where this cluster's files go on this machine. */
    Path directory() {
        return settings.saved().resolve("cluster-" + questions.form().values().get("cluster"));
    }

    @Override
    public String title() {
        return recipe.id() + ": " + (stage == Stage.FORM ? "the cluster (1/6)" : "review the files (2/6)");
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        if (stage == Stage.REVIEW) return scroll.window(reviewLines(width), height);
        var head = new ArrayList<Line>();
        for (String p : problems) head.addAll(Views.wrapped("! " + p, width, "    ", Tone.BAD));
        if (!head.isEmpty()) head.add(Line.empty());
        var f = WizardLines.form(questions.form(), recipe, questions.nodeNames(), width);
        int rest = Math.max(1, height - head.size());
        if (f.currentFirst() < formTop) formTop = f.currentFirst();
        if (f.currentLast() >= formTop + rest) formTop = f.currentLast() - rest + 1;
        formTop = Math.max(0, Math.min(formTop, Math.max(0, f.lines().size() - rest)));
        head.addAll(Views.window(f.lines(), formTop, rest));
        return head;
    }

    private List<Line> reviewLines(int width) {
        var out = new ArrayList<Line>();
        out.add(Line.of("The cluster file (checked by the agent's loader) and how this machine reaches the nodes:", Tone.TITLE));
        out.add(Line.of("  Enter writes them to " + directory() + " and shows the plan; nothing on any node changes before the apply", Tone.DIM));
        out.addAll(Views.wrapped("  Vigil must be installed on every node (vigil install, or the Debian package; the plan's first step checks it),"
                + " and each node's SSH host key must be in ~/.ssh/known_hosts (a wizard never accepts a new one).", width, "  ", Tone.WARN));
        out.addAll(Views.wrapped("  The agents: where the package is installed, its unit vigil-agent.service, enabled and started (systemd"
                + " restarts it and starts it at boot); where Vigil runs from a copy of the distribution, a background process"
                + " (log in /var/log/vigil/agent.log). The plan shows which, per node.", width, "  ", Tone.DIM));
        out.add(Line.empty());
        out.add(Line.of("cluster.yaml", Tone.TITLE));
        clusterText().lines().forEach(l -> out.add(Line.of("  " + l)));
        out.add(Line.empty());
        out.add(Line.of("inventory.yaml", Tone.TITLE));
        questions.inventory().lines().forEach(l -> out.add(Line.of("  " + l)));
        return out;
    }

    private String clusterText() {
        return questions.clusterFile("/etc/vigil/authkey", "cluster file made by the console's new-cluster wizard");
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        if (stage == Stage.REVIEW) {
            return List.of(new KeyHint("↑↓ PgUp PgDn", "scroll"), new KeyHint("Enter", "write, then the plan"), new KeyHint("b", "back"),
                    new KeyHint("Esc", "cancel"));
        }
        var h = new ArrayList<KeyHint>();
        h.add(new KeyHint("↑↓", "field"));
        var f = questions.form().currentField();
        if (!f.typed(questions.nodeNames())) {
            h.add(new KeyHint(f.kind() == Field.Kind.NODES ? "←→ Space" : "←→", f.kind() == Field.Kind.NODES ? "tick" : "choose"));
        } else {
            h.add(new KeyHint("type", "answer"));
        }
        h.add(new KeyHint("Enter", "check"));
        h.add(new KeyHint("Esc", "cancel"));
        return h;
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (stage == Stage.REVIEW) return reviewKey(k);
        var r = FormKeys.onKey(questions.form(), k, questions.nodeNames(), this::next);
        questions.relayout(); // a count or a choice may call for other fields
        return r;
    }

    private Reaction next() {
        problems = questions.check(settings.saved().resolve("cluster.yaml"));
        if (!problems.isEmpty()) {
            return new Reaction.Say(problems.size() == 1 ? problems.get(0) : problems.size() + " problems: see above the form", Tone.WARN);
        }
        stage = Stage.REVIEW;
        scroll.toTop();
        // Replaces a refusal still on the status line: the answers are good now.
        return new Reaction.Say("the agent's loader accepts this cluster file", Tone.GOOD);
    }

    private Reaction reviewKey(KeyStroke k) {
        if (scroll.onKey(k)) return Reaction.HANDLED;
        if (k.getKeyType() == KeyType.Escape) return new Reaction.Back();
        if (Keys.is(k, 'b') || k.getKeyType() == KeyType.Backspace || k.getKeyType() == KeyType.ArrowLeft) {
            stage = Stage.FORM;
            return Reaction.HANDLED;
        }
        if (k.getKeyType() != KeyType.Enter) return Reaction.HANDLED;
        try {
            return new Reaction.Open(recipeWizard(write()));
        } catch (IOException | RuntimeException e) {
            return new Reaction.Say("cannot write the cluster's files in " + directory() + ": " + e.getMessage(), Tone.BAD);
        }
    }

    /** The files, written atomically into a directory only the operator reads; returns it. */
    Path write() throws IOException {
        Path d = directory();
        Files.createDirectories(d.getParent());
        if (!Files.isDirectory(d)) Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        AtomicFile.write(d.resolve("cluster.yaml"), clusterText().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(d.resolve("inventory.yaml"), questions.inventory().getBytes(StandardCharsets.UTF_8));
        return d;
    }

    /** The recipe's own wizard on the new nodes, its answers given, at its summary. */
    WizardPage recipeWizard(Path d) throws IOException {
        var hosts = WizardHosts.cluster(d.resolve("cluster.yaml"), Optional.of(d.resolve("inventory.yaml")));
        var onNodes = Recipes.read(recipe.id(), recipe.file(), hosts.inventory());
        if (onNodes.playbook().isEmpty()) throw new IOException("the recipe cannot be read: " + onNodes.firstError());
        var page = new WizardPage(onNodes, settings.withHosts(hosts));
        page.form().set("cluster_file", d.resolve("cluster.yaml").toAbsolutePath().toString());
        page.form().set("key_file", d.resolve("authkey").toAbsolutePath().toString());
        page.form().set("members", String.join(" ", questions.nodeNames()));
        page.showSummary();
        return page;
    }
}
