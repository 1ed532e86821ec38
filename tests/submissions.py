"""Fake student submissions, built from the release notebook the way a student would edit it."""

import copy
from functools import lru_cache

import nbformat

from autograder.grading.notebooks import marker_number
from autograder.course import EXERCISES, RELEASE_DIR, ASSIGNMENT
from autograder.grading.reference import solution_sources


@lru_cache(maxsize=None)
def _release(assignment):
    return nbformat.read(RELEASE_DIR.parent / assignment / f"{assignment}.ipynb", as_version=4)


def solutions():
    """{exercise: the instructor's solution cell source}."""
    return solution_sources()


def release_notebook(assignment=ASSIGNMENT):
    """A fresh copy of the release notebook of assignment (an edition), as a student downloads it."""
    return copy.deepcopy(_release(assignment))


def submission(solved=(), replace=None, assignment=ASSIGNMENT):
    """The release notebook (of assignment) with the graded cells of `solved` filled in with the
    solution, and those in `replace` ({exercise: source}) set to the given source."""
    nb = release_notebook(assignment)
    sources = {name: solutions()[name] for name in solved}
    sources.update(replace or {})
    numbers = {EXERCISES[name].number: source for name, source in sources.items()}
    for cell in nb.cells:
        if cell.cell_type == "code" and marker_number(cell.source) in numbers:
            cell.source = numbers[marker_number(cell.source)]
    return nb


def edited(exercise, old, new):
    """The solution of exercise with `old` replaced by `new` (which must occur in it)."""
    source = solutions()[exercise]
    assert old in source, f"{old!r} is not in the {exercise} solution"
    return source.replace(old, new)
