"""The entry point of the hidden test cells of the nbgrader notebook.

A hidden cell ends with `grade_in_kernel("dinosaur_island", "clip", clip)`. Its value, the points earned, is the cell's
last expression, which nbgrader takes as partial credit. Nothing here raises for a wrong
answer: failures are printed as messages, so the feedback shows what failed and why without a
traceback through the grading code.
"""

from ..course import assignment as find_assignment
from .checks import verdict_lines
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
    print("\n".join(verdict_lines(results)))
    points = score(assignment.exercises[exercise].points, results)
    hidden = [r for r in results if not r.public]
    print(f"{exercise}: {sum(r.passed for r in hidden)} of {len(hidden)} hidden cases passed, "
          f"{points:g} of {assignment.exercises[exercise].points:g} points (the public example is not scored)")
    return points
