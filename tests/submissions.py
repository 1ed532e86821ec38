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
def _release(name, language):
    return nbformat.read(assignment(name).edition(language).notebook, as_version=4)


def solutions():
    """{exercise: the instructor's solution cell source}."""
    return solution_sources(DINO)


def release_notebook(language="en", of=DINO):
    """A fresh copy of the released notebook of an edition of assignment `of`, as a student downloads it."""
    return copy.deepcopy(_release(of.name, language))


def submission(solved=(), replace=None, language="en", of=DINO):
    """The released notebook (of an edition of assignment `of`) with the graded cells of `solved`
    filled in with the solution, and those in `replace` ({exercise: source}) set to the given source."""
    nb = release_notebook(language, of)
    sources = {name: solution_sources(of)[name] for name in solved}
    sources.update(replace or {})
    numbers = {of.exercises[name].number: source for name, source in sources.items()}
    for cell in nb.cells:
        if cell.cell_type == "code" and marker_number(cell.source) in numbers:
            cell.source = numbers[marker_number(cell.source)]
    return nb


def edited(exercise, old, new):
    """The solution of exercise with `old` replaced by `new` (which must occur in it)."""
    source = solutions()[exercise]
    assert old in source, f"{old!r} is not in the {exercise} solution"
    return source.replace(old, new)


def hand_in(root, name, notebooks):
    """Write notebooks ({student: notebook}) as nbgrader's submitted/ tree of the course at root,
    for the assignment called name."""
    for student, nb in notebooks.items():
        folder = root / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
