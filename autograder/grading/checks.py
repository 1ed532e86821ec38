"""Grading one exercise in this process: reference and candidate on the same cases.

Used where the student's function already lives in this process (the nbgrader hidden cells).
The project's grader runs student code in a child process instead and calls check_case here
with what the child captured.
"""

import math
from dataclasses import dataclass, field
from functools import lru_cache

from ..cases import CASES
from ..course import EXERCISES
from .capture import attempt, capture
from .reference import solution_namespace


@dataclass
class CaseResult:
    title: str
    public: bool
    problems: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.problems


@lru_cache(maxsize=None)
def expected(exercise, index):
    """What the reference solution captures on case `index` of exercise (computed once)."""
    namespace = solution_namespace()
    case = CASES[exercise][index]
    deps = {name: namespace[name] for name in EXERCISES[exercise].uses}
    return capture(exercise, namespace[exercise], case.build(), deps)


def reference_deps(exercise):
    """The reference versions of the functions that exercise calls from other exercises."""
    namespace = solution_namespace()
    return {name: namespace[name] for name in EXERCISES[exercise].uses}


def check_case(exercise, index, got):
    """Compare what a candidate captured on one case with the reference; returns a CaseResult."""
    case = CASES[exercise][index]
    return CaseResult(case.title, case.public, case.check(got, expected(exercise, index), case.public))


def run_case(exercise, index, fn, deps):
    """Run fn on one case in this process and check it; an exception fails the case, with its message."""
    case = CASES[exercise][index]
    got, problem = attempt(exercise, fn, case.build(), deps)
    if problem is not None:
        return CaseResult(case.title, case.public, [problem])
    return check_case(exercise, index, got)


def score(exercise, results):
    """Points for an exercise: its points shared equally among its cases, rounded to 0.01."""
    points = EXERCISES[exercise].points
    return math.floor(100 * points * sum(r.passed for r in results) / len(results)) / 100
