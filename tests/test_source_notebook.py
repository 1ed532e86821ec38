"""The source notebook: graded cells, their markers, nbgrader metadata and solution regions."""

import re

import nbformat
import pytest

from autograder.grading.notebooks import marker_number
from autograder.course import EXERCISES, SOURCE_NOTEBOOK

NB = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
GRADED = {marker_number(c.source): c for c in NB.cells if c.cell_type == "code" and marker_number(c.source)}


def test_each_exercise_has_exactly_one_marked_cell():
    numbers = [marker_number(c.source) for c in NB.cells if c.cell_type == "code" and marker_number(c.source)]
    assert sorted(numbers) == [1, 2, 3, 4]


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=lambda e: e.name)
def test_graded_cell_starts_with_marker_and_graded_function_line(exercise):
    lines = GRADED[exercise.number].source.splitlines()
    assert lines[0] == f"# {exercise.marker} (UNIQUE CELL IDENTIFIER, DO NOT EDIT)"
    assert lines[1] == f"# GRADED FUNCTION: {exercise.name}"
    assert f"def {exercise.name}(" in GRADED[exercise.number].source


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=lambda e: e.name)
def test_graded_cell_is_an_nbgrader_solution_with_a_scaffold(exercise):
    cell = GRADED[exercise.number]
    meta = cell.metadata["nbgrader"]
    assert meta["solution"] and not meta["grade"] and meta["grade_id"] == exercise.name
    begins, ends = cell.source.count("### BEGIN SOLUTION"), cell.source.count("### END SOLUTION")
    assert begins == ends >= 1
    assert "≈" in cell.source, "the scaffold should say roughly how many lines each part takes"


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=lambda e: e.name)
def test_test_cell_follows_with_points_public_test_and_hidden_cases(exercise):
    index = NB.cells.index(GRADED[exercise.number])
    test = NB.cells[index + 1]
    meta = test.metadata["nbgrader"]
    assert meta["grade"] and meta["locked"] and meta["grade_id"] == f"test_{exercise.name}"
    assert meta["points"] == exercise.points, "the notebook's points must match autograder.course"
    comment, first_hidden, last_hidden = test.source.split("### BEGIN HIDDEN TESTS")
    quiet, public = first_hidden.split("### END HIDDEN TESTS")
    assert "quiet_tracebacks()" in quiet, "a failing public test must not print hidden lines"
    assert public.strip() == f"{exercise.name}_test({exercise.name})"
    assert last_hidden.strip() == f'grade_in_kernel("{exercise.name}", {exercise.name})\n### END HIDDEN TESTS'


def test_setup_cells_are_tagged_and_locked():
    setup = [c for c in NB.cells if "setup" in c.metadata.get("tags", [])]
    assert [c.id for c in setup] == ["setup-imports", "setup-data"]
    assert all(c.metadata["nbgrader"]["locked"] for c in setup)


def test_cell_ids_are_unique_and_meaningful():
    ids = [c.id for c in NB.cells]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_-]+", i) for i in ids), "ids name the cell (translations key on them)"


def test_no_outputs_are_committed():
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in NB.cells if c.cell_type == "code")
