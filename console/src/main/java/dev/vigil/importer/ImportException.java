package dev.vigil.importer;

import java.util.List;

/** An import that cannot be made: every problem found, each at its file:line:column. */
public final class ImportException extends Exception {
    private final transient List<ImportProblem> problems;

    public ImportException(List<ImportProblem> problems) {
        super(problems.isEmpty() ? "import failed" : problems.get(0).toString());
        this.problems = List.copyOf(problems);
    }

    public ImportException(ImportProblem problem) {
        this(List.of(problem));
    }

    public List<ImportProblem> problems() {
        return problems;
    }
}
