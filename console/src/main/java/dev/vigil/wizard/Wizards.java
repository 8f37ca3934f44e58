package dev.vigil.wizard;

import dev.vigil.tui.Screens;
import java.util.Optional;

/** The wizards' entry in the console's screen registry: {@code w}, open to every role (the apply is not). */
public final class Wizards {
    private Wizards() {}

    public static final char KEY = 'w';

    public static Screens.Entry entry(WizardSettings settings) {
        return new Screens.Entry(KEY, "wizards", "set up a recipe: answer its questions, see the plan, apply",
                Optional.empty(), () -> new CatalogPage(settings));
    }
}
