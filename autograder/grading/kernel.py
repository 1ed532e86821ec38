"""The entry point of the hidden test cells of the nbgrader notebook.

A hidden cell ends with `grade_in_kernel("clip", clip)`. Its value, the points earned, is the cell's
last expression, which nbgrader takes as partial credit. Nothing here raises for a wrong
answer: failures are printed as messages, so the feedback shows what failed and why without a
traceback through the grading code.
"""

from ..cases import CASES
from ..course import EXERCISES
from .checks import reference_deps, run_case, score


def quiet_tracebacks():
    """Show only the exception line of errors from now on, not the source around it.

    A failing public test in a test cell would otherwise print the cell's lines near the
    failure, hidden ones included, into the feedback.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.InteractiveTB.set_mode("Minimal")


def grade_in_kernel(exercise, fn):
    """Run every case of exercise on fn, print a verdict per case, and return the points."""
    deps = reference_deps(exercise)
    results = [run_case(exercise, i, fn, deps) for i in range(len(CASES[exercise]))]
    for result in results:
        kind = "public" if result.public else "hidden"
        print(("PASS" if result.passed else "FAIL") + f" [{kind}] {result.title}")
        for problem in result.problems:
            print(f"    {problem}")
    points = score(exercise, results)
    print(f"{exercise}: {sum(r.passed for r in results)} of {len(results)} cases passed, "
          f"{points:g} of {EXERCISES[exercise].points:g} points")
    return points
