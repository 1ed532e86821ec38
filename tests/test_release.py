"""The release folders (every edition of every assignment): generated from source, free of
solutions, complete on their own."""

import base64
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import release
from autograder.course import COURSE_ROOT, assignments
from tests.notebook_runner import execute, text_of
from tests.submissions import DINO, solutions, submission

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "autograder")
EDITIONS = [(a, e) for a in assignments().values() for e in a.editions]


def _id(value):
    return getattr(value, "name", None) or getattr(value, "language", None)


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _normalised(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("kernelspec", None)
    nb.metadata.pop("language_info", None)
    for cell in nb.cells:
        cell.pop("id", None)
    return nb


@pytest.mark.parametrize("assignment, edition", EDITIONS, ids=_id)
def test_committed_release_equals_a_fresh_regeneration(released_course, assignment, edition):
    hint = "release/ is stale: regenerate it with `python -m autograder release`"
    committed = edition.release_dir
    fresh = released_course / committed.relative_to(COURSE_ROOT)
    assert _files(committed) == _files(fresh), hint
    for name in _files(committed):
        if name.endswith(".ipynb"):
            assert _normalised(committed / name) == _normalised(fresh / name), f"{name}: {hint}"
        else:
            assert (committed / name).read_bytes() == (fresh / name).read_bytes(), f"{name}: {hint}"


def test_the_release_holds_no_other_folder():
    expected = {e.release_dir.name for a in assignments().values() for e in a.editions}
    assert {p.name for p in (COURSE_ROOT / "release").iterdir()} == expected


@pytest.mark.parametrize("assignment, edition", EDITIONS, ids=_id)
def test_release_holds_what_a_student_needs(assignment, edition):
    assert set(_files(edition.release_dir)) == {edition.notebook.name, *assignment.support_files}


@pytest.mark.parametrize("assignment, edition", EDITIONS, ids=_id)
def test_test_cells_carry_the_points_of_assignment_toml(assignment, edition):
    nb = nbformat.read(edition.notebook, as_version=4)
    points = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"].get("points")
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert points == {f"test_{name}": e.points for name, e in assignment.exercises.items()}


@pytest.mark.parametrize("assignment, edition", EDITIONS, ids=_id)
def test_figures_are_embedded_in_the_released_notebook(assignment, edition):
    # Colab shows no image from a relative path: the release carries the figures inside the notebook
    nb = nbformat.read(edition.notebook, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    embedded = re.findall(r"!\[[^\]]*\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", markdown)
    source = nbformat.read(assignment.source_notebook, as_version=4)
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", "\n".join(c.source for c in source.cells))
    figures = [(assignment.source_dir / path).resolve() for path in shown]
    assert figures, "the source notebook shows figures"
    assert sorted(base64.b64decode(data) for data in embedded) == sorted(f.read_bytes() for f in figures)
    relative = re.findall(r"!\[[^\]]*\]\((?!data:|https://)[^)]*\)|<img", markdown)
    assert not relative, f"figures not embedded: {relative}"


def test_a_missing_figure_stops_the_release_naming_the_cell(tmp_path):
    cell = nbformat.v4.new_markdown_cell("See ![a plot](figures/plot.png).", id="results-md")
    with pytest.raises(FileNotFoundError, match=r"cell 'results-md' shows figures/plot.png, but .*plot.png is missing"):
        release.EmbedFigures().preprocess_cell(cell, {"metadata": {"path": str(tmp_path)}}, 0)


@pytest.mark.parametrize("assignment, edition", EDITIONS, ids=_id)
def test_no_solution_or_hidden_test_leaks_into_the_release(assignment, edition):
    for path in edition.release_dir.rglob("*"):
        if path.suffix in (".ipynb", ".py", ".txt"):
            text = path.read_text(encoding="utf-8")
            for marker in LEAK_MARKERS:
                assert marker not in text, f"{path} contains {marker!r}"
    # Lines that the source notebook has only inside solution regions must not reach the release.
    source = nbformat.read(assignment.source_notebook, as_version=4)
    inside, outside = set(), set()
    for cell in source.cells:
        for i, part in enumerate(cell.source.split("### BEGIN SOLUTION")):
            body, _, rest = part.partition("### END SOLUTION") if i else ("", "", part)
            inside.update(line.strip() for line in body.splitlines() if line.strip())
            outside.update(line.strip() for line in rest.splitlines() if line.strip())
    released = {
        line.strip() for c in nbformat.read(edition.notebook, as_version=4).cells for line in c.source.splitlines()
    }
    secret = inside - outside
    assert len(secret) >= 15, "the solutions should have distinctive lines to look for"
    assert not secret & released, secret & released


def _copy_release(tmp_path):
    folder = tmp_path / DINO.name
    shutil.copytree(DINO.release_dir, folder)
    return folder


def test_solved_release_runs_top_to_bottom_from_its_own_folder(tmp_path):
    folder = _copy_release(tmp_path)
    nb = submission(solved=solutions())
    nb.cells.append(nbformat.v4.new_code_cell("import utils; print(utils.__file__); print(utils.text.DATA_DIR)"))
    done = execute(nb, folder)
    printed = "".join(text_of(c) for c in done.cells)
    assert printed.count("All tests passed") == len(DINO.exercises)
    assert "Iteration: 22000" in printed, "the student's notebook trains the full model"
    where = text_of(done.cells[-1]).split()
    assert all(Path(p).resolve().is_relative_to(folder.resolve()) for p in where), where
    assert any(o.get("data", {}).get("image/png") for c in done.cells for o in c.get("outputs", [])), "no loss plot"


def test_untouched_release_fails_only_where_work_is_missing(tmp_path):
    folder = _copy_release(tmp_path)
    done = execute(submission(), folder, allow_errors=True, env={"NBGRADER_EXECUTION": "autograde"})
    errors = {
        c.id: c.outputs[-1].ename
        for c in done.cells
        if c.cell_type == "code" and c.outputs and c.outputs[-1].output_type == "error"
    }
    assert set(errors.values()) == {"NotImplementedError"}
    assert set(DINO.exercises) <= {cid.removeprefix("test_") for cid in errors}
    setup = next(c for c in done.cells if c.id == "setup-data")
    assert "There are 19909 total characters and 27 unique characters" in text_of(setup)
