"""The release folder: generated from source, free of solutions, complete on its own."""

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import release
from autograder.course import ASSIGNMENT, RELEASE_DIR, SOURCE_NOTEBOOK
from tests.notebook_runner import execute, text_of
from tests.submissions import solutions, submission

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "autograder")


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _normalised(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("kernelspec", None)
    nb.metadata.pop("language_info", None)
    for cell in nb.cells:
        cell.pop("id", None)
    return nb


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    return release.generate(tmp_path_factory.mktemp("course"))


def test_committed_release_equals_a_fresh_regeneration(fresh_release):
    hint = "release/ is stale: regenerate it with `python -m autograder release`"
    assert _files(RELEASE_DIR) == _files(fresh_release), hint
    for name in _files(RELEASE_DIR):
        if name.endswith(".ipynb"):
            assert _normalised(RELEASE_DIR / name) == _normalised(fresh_release / name), f"{name}: {hint}"
        else:
            assert (RELEASE_DIR / name).read_bytes() == (fresh_release / name).read_bytes(), f"{name}: {hint}"


def test_release_holds_what_a_student_needs():
    expected = {f"{ASSIGNMENT}.ipynb", "data/dinos.txt", "data/swiss_first_names.txt", "utils/__init__.py", "utils/rnn.py", "utils/text.py",
                "utils/public_tests.py", "images/rnn_unrolled.png", "images/clipping.png", "images/sampling.png"}
    assert set(_files(RELEASE_DIR)) == expected


def test_no_solution_or_hidden_test_leaks_into_the_release():
    for path in RELEASE_DIR.rglob("*"):
        if path.suffix in (".ipynb", ".py", ".txt"):
            text = path.read_text(encoding="utf-8")
            for marker in LEAK_MARKERS:
                assert marker not in text, f"{path} contains {marker!r}"
    # Lines that the source notebook has only inside solution regions must not reach the release.
    source = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    inside, outside = set(), set()
    for cell in source.cells:
        for i, part in enumerate(cell.source.split("### BEGIN SOLUTION")):
            body, _, rest = part.partition("### END SOLUTION") if i else ("", "", part)
            inside.update(line.strip() for line in body.splitlines() if line.strip())
            outside.update(line.strip() for line in rest.splitlines() if line.strip())
    released = {line.strip() for c in nbformat.read(RELEASE_DIR / f"{ASSIGNMENT}.ipynb", as_version=4).cells
                for line in c.source.splitlines()}
    secret = inside - outside
    assert len(secret) >= 15, "the solutions should have distinctive lines to look for"
    assert not secret & released, secret & released


def _copy_release(tmp_path):
    folder = tmp_path / ASSIGNMENT
    shutil.copytree(RELEASE_DIR, folder)
    return folder


def test_solved_release_runs_top_to_bottom_from_its_own_folder(tmp_path):
    folder = _copy_release(tmp_path)
    nb = submission(solved=solutions())
    nb.cells.append(nbformat.v4.new_code_cell("import utils; print(utils.__file__); print(utils.text.DATA_DIR)"))
    done = execute(nb, folder)
    printed = "".join(text_of(c) for c in done.cells)
    assert printed.count("All tests passed") == 4
    assert "Iteration: 22000" in printed, "the student's notebook trains the full model"
    where = text_of(done.cells[-1]).split()
    assert all(Path(p).resolve().is_relative_to(folder.resolve()) for p in where), where
    assert any(o.get("data", {}).get("image/png") for c in done.cells for o in c.get("outputs", [])), "no loss plot"


def test_untouched_release_fails_only_where_work_is_missing(tmp_path):
    folder = _copy_release(tmp_path)
    done = execute(submission(), folder, allow_errors=True, env={"NBGRADER_EXECUTION": "autograde"})
    errors = {c.id: c.outputs[-1].ename for c in done.cells
              if c.cell_type == "code" and c.outputs and c.outputs[-1].output_type == "error"}
    assert set(errors.values()) == {"NotImplementedError"}
    assert {"clip", "sample", "optimize", "model"} <= {cid.removeprefix("test_") for cid in errors}
    setup = next(c for c in done.cells if c.id == "setup-data")
    assert "There are 19909 total characters and 27 unique characters" in text_of(setup)
