"""The reference solution: the instructor's graded cells, run on top of the notebook's setup.

An assignment's source notebook is the one copy of its solution. Expected values are computed
from it on the grading machine, so no expected value depends on another machine's floating point.
"""

import contextlib
import io
import sys
from functools import cache

from ..course import COURSE_ROOT
from .notebooks import marker_number, read_cells, setup_sources


@cache
def _sources(assignment):
    """(setup sources, {exercise name: solution source}) read once from the source notebook.

    The notebook is read as plain JSON (notebooks.read_cells), not with nbformat, whose import
    takes seconds: this runs in every nbgrader kernel and in every run of the grader.
    """
    notebook = assignment.source_notebook
    cells, _ = read_cells(notebook)
    by_number = {marker_number(c.source): c.source for c in cells if c.cell_type == "code"}
    solutions = {}
    for exercise in assignment.exercises.values():
        if exercise.number not in by_number:
            raise RuntimeError(f"{notebook}: no cell marked {exercise.marker} ({exercise.name})")
        solutions[exercise.name] = by_number[exercise.number]
    return setup_sources(cells), solutions


def solution_sources(assignment):
    """{exercise name: the source of its solution cell}."""
    return dict(_sources(assignment)[1])


def solution_namespace(assignment, overrides=None):
    """A fresh namespace holding the setup's names and the assignment's reference functions.

    overrides -- optional {name: object} bound after the setup and before the solutions are
                 defined, e.g. {"rnn_forward": other_forward} to run the solutions on other helpers
    """
    if "utils" not in sys.modules and str(COURSE_ROOT) not in sys.path:
        sys.path.insert(0, str(COURSE_ROOT))  # the repository's utils, when no notebook's is loaded
    setup, solutions = _sources(assignment)
    notebook = assignment.source_notebook.name
    namespace = {"__name__": "reference_solution"}
    with contextlib.redirect_stdout(io.StringIO()):  # the setup greets the student; not here
        for source in setup:
            exec(compile(source, f"<{notebook}: setup>", "exec"), namespace)
    namespace.update(overrides or {})
    for name, source in solutions.items():
        exec(compile(source, f"<{notebook}: {name}>", "exec"), namespace)
    return namespace
