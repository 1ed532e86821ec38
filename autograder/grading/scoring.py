"""Scoring an exercise: the reference on each case, the candidate's result checked against it.

Expected values are computed on the grading machine from the reference solution (read from the
assignment's source notebook), once per case. The nbgrader hidden cells call run_case with a
function that lives in their kernel; the project's grader calls check_case with what a child
process captured.
"""

import math
from functools import cache

from .checks import CaseResult
from .messages import from_plain
from .reference import solution_namespace
from .sandboxed.capture import attempt, capture


def reference_deps(assignment, exercise):
    """{name: reference function} of the exercises that exercise calls."""
    namespace = solution_namespace(assignment)
    return {name: namespace[name] for name in assignment.exercises[exercise].uses}


@cache
def expected(assignment, exercise, index):
    """What the reference solution captures on case `index` of exercise (computed once)."""
    namespace = solution_namespace(assignment)
    case = assignment.cases[exercise][index]
    watched = assignment.exercises[exercise].watch
    return capture(namespace[exercise], case.build(), reference_deps(assignment, exercise), watched)


def check_case(assignment, exercise, index, got):
    """Compare what a candidate captured on one case with the reference; returns a CaseResult."""
    case = assignment.cases[exercise][index]
    return CaseResult(case.title, case.public, case.check(got, expected(assignment, exercise, index), case.public))


def run_case(assignment, exercise, index, fn, deps):
    """Run fn on one case in this process and check it; an exception fails the case, with its message."""
    case = assignment.cases[exercise][index]
    got, problem = attempt(fn, case.build(), deps, assignment.exercises[exercise].watch)
    if problem is not None:
        return CaseResult(case.title, case.public, [from_plain(problem, assignment.catalog)])
    return check_case(assignment, exercise, index, got)


def score(points, results):
    """An exercise's points shared equally among its hidden cases, rounded down to 0.01.

    Public cases are left out: their expected values are in the notebook, so a copy of them
    must not earn anything.
    """
    hidden = [r for r in results if not r.public]
    return math.floor(100 * points * sum(r.passed for r in hidden) / len(hidden)) / 100
