"""Fake student submissions, built from the release notebook the way a student would edit it."""

import copy
from functools import cache

import nbformat

from autograder.course import assignment
from autograder.grading.notebooks import marker_number
from autograder.grading.reference import solution_sources

DINO = assignment("dinosaur_island")
FULL = {name: exercise.points for name, exercise in DINO.exercises.items()}  # {exercise: its points}


@cache
def _release(language):
    return nbformat.read(DINO.edition(language).notebook, as_version=4)


def solutions():
    """{exercise: the instructor's solution cell source}."""
    return solution_sources(DINO)


def release_notebook(language="en"):
    """A fresh copy of the released notebook of an edition, as a student downloads it."""
    return copy.deepcopy(_release(language))


def submission(solved=(), replace=None, language="en"):
    """The released notebook (of an edition) with the graded cells of `solved` filled in with the
    solution, and those in `replace` ({exercise: source}) set to the given source."""
    nb = release_notebook(language)
    sources = {name: solutions()[name] for name in solved}
    sources.update(replace or {})
    numbers = {DINO.exercises[name].number: source for name, source in sources.items()}
    for cell in nb.cells:
        if cell.cell_type == "code" and marker_number(cell.source) in numbers:
            cell.source = numbers[marker_number(cell.source)]
    return nb


def edited(exercise, old, new):
    """The solution of exercise with `old` replaced by `new` (which must occur in it)."""
    source = solutions()[exercise]
    assert old in source, f"{old!r} is not in the {exercise} solution"
    return source.replace(old, new)
