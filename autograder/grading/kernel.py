"""The entry point of the hidden test cells of the nbgrader notebook.

A hidden cell ends with `grade_in_kernel("dinosaur_island", "clip", clip)`. Its value, the points earned, is the cell's
last expression, which nbgrader takes as partial credit. Nothing here raises for a wrong
answer: failures are printed as messages, so the feedback shows what failed and why without a
traceback through the grading code. They are printed in the language of the notebook's edition,
which is told by the notebook nbgrader runs: the one named after the assignment in the kernel's
working folder (English when there is none).
"""

from pathlib import Path

from ..course import assignment as find_assignment
from .checks import verdict_lines
from .messages import say
from .notebooks import NotANotebook, edition_of, read_cells
from .scoring import reference_deps, run_case, score


def quiet_tracebacks():
    """Show only the exception line of errors from now on, not the source around it.

    A failing public test in a test cell would otherwise print the cell's lines near the
    failure, hidden ones included, into the feedback.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.InteractiveTB.set_mode("Minimal")


def grade_in_kernel(assignment, exercise, fn):
    """Run every case of an exercise on fn, print a verdict per case, and return the points.

    assignment -- the assignment's name; exercise -- the graded function's name
    """
    assignment = find_assignment(assignment)
    deps = reference_deps(assignment, exercise)
    results = [run_case(assignment, exercise, i, fn, deps) for i in range(len(assignment.cases[exercise]))]
    language = notebook_language(assignment, Path.cwd())
    print("\n".join(verdict_lines(results, assignment.catalog, language)))
    points = score(assignment.exercises[exercise].points, results)
    hidden = [r for r in results if not r.public]
    print(
        assignment.catalog.render(
            say(
                "exercise_summary",
                exercise=exercise,
                passed=sum(r.passed for r in hidden),
                hidden=len(hidden),
                points=points,
                max_points=assignment.exercises[exercise].points,
            ),
            language,
        )
    )
    return points


def notebook_language(assignment, folder):
    """The language of the edition of folder/<assignment>.ipynb; English when it is missing or unreadable."""
    try:
        cells, _ = read_cells(Path(folder) / f"{assignment.name}.ipynb")
    except NotANotebook:
        return assignment.editions[0].language
    return edition_of(cells, assignment).language
