"""The source notebooks: graded cells, their markers, nbgrader metadata and solution regions, as
each assignment's data (assignment.toml) describes them."""

import re

import nbformat
import pytest

from autograder.course import assignments
from autograder.grading.notebooks import marker_number

NOTEBOOKS = {a.name: nbformat.read(a.source_notebook, as_version=4) for a in assignments().values()}
EXERCISES = [(a, e) for a in assignments().values() for e in a.exercises.values()]


def _graded(assignment):
    nb = NOTEBOOKS[assignment.name]
    return {marker_number(c.source): c for c in nb.cells if c.cell_type == "code" and marker_number(c.source)}


@pytest.mark.parametrize("assignment", assignments().values(), ids=lambda a: a.name)
def test_each_exercise_has_exactly_one_marked_cell(assignment):
    nb = NOTEBOOKS[assignment.name]
    numbers = [marker_number(c.source) for c in nb.cells if c.cell_type == "code" and marker_number(c.source)]
    assert sorted(numbers) == sorted(e.number for e in assignment.exercises.values())


@pytest.mark.parametrize("assignment, exercise", EXERCISES, ids=lambda v: v.name)
def test_graded_cell_starts_with_marker_and_graded_function_line(assignment, exercise):
    cell = _graded(assignment)[exercise.number]
    lines = cell.source.splitlines()
    assert lines[0] == f"# {exercise.marker} (UNIQUE CELL IDENTIFIER, DO NOT EDIT)"
    assert lines[1] == f"# GRADED FUNCTION: {exercise.name}"
    assert f"def {exercise.name}(" in cell.source


@pytest.mark.parametrize("assignment, exercise", EXERCISES, ids=lambda v: v.name)
def test_graded_cell_is_an_nbgrader_solution_with_a_scaffold(assignment, exercise):
    cell = _graded(assignment)[exercise.number]
    meta = cell.metadata["nbgrader"]
    assert meta["solution"] and not meta["grade"] and meta["grade_id"] == exercise.name
    begins, ends = cell.source.count("### BEGIN SOLUTION"), cell.source.count("### END SOLUTION")
    assert begins == ends >= 1
    assert "≈" in cell.source, "the scaffold should say roughly how many lines each part takes"


@pytest.mark.parametrize("assignment, exercise", EXERCISES, ids=lambda v: v.name)
def test_test_cell_follows_with_points_public_test_and_hidden_cases(assignment, exercise):
    nb = NOTEBOOKS[assignment.name]
    test = nb.cells[nb.cells.index(_graded(assignment)[exercise.number]) + 1]
    meta = test.metadata["nbgrader"]
    assert meta["grade"] and meta["locked"] and meta["grade_id"] == f"test_{exercise.name}"
    assert meta["points"] == exercise.points, "run `python -m autograder release`: it writes the points"
    comment, first_hidden, last_hidden = test.source.split("### BEGIN HIDDEN TESTS")
    quiet, public = first_hidden.split("### END HIDDEN TESTS")
    assert "quiet_tracebacks()" in quiet, "a failing public test must not print hidden lines"
    assert public.strip() == f"{exercise.name}_test({exercise.name})"
    assert last_hidden.strip() == (
        f'grade_in_kernel("{assignment.name}", "{exercise.name}", {exercise.name})\n### END HIDDEN TESTS'
    )


@pytest.mark.parametrize("assignment", assignments().values(), ids=lambda a: a.name)
def test_setup_cells_are_tagged_and_locked(assignment):
    setup = [c for c in NOTEBOOKS[assignment.name].cells if "setup" in c.metadata.get("tags", [])]
    assert setup and all(c.cell_type == "code" and c.metadata["nbgrader"]["locked"] for c in setup)


@pytest.mark.parametrize("assignment", assignments().values(), ids=lambda a: a.name)
def test_cell_ids_are_unique_and_meaningful(assignment):
    ids = [c.id for c in NOTEBOOKS[assignment.name].cells]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_-]+", i) for i in ids), "ids name the cell (translations key on them)"


@pytest.mark.parametrize("assignment", assignments().values(), ids=lambda a: a.name)
def test_no_outputs_are_committed(assignment):
    cells = NOTEBOOKS[assignment.name].cells
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells if c.cell_type == "code")
