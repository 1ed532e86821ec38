"""The course as data: assignments are discovered from their folders, their data is checked, and
changing points or adding an exercise touches only the assignment's own files."""

import csv
import json
import os
import subprocess
import sys

import nbformat
import pytest

from autograder import course
from autograder.course import COURSE_ROOT, CourseError, assignments, load
from tests.submissions import DINO

TOML = (DINO.folder / "assignment.toml").read_text(encoding="utf-8")


def test_every_assignment_folder_is_discovered_in_series_order():
    found = assignments()
    assert DINO.name in found
    assert [a.place for a in found.values()] == sorted(a.place for a in found.values())
    folders = {p.name for p in course.ASSIGNMENTS_DIR.iterdir() if (p / "assignment.toml").is_file()}
    assert set(found) == folders


def test_an_assignment_is_found_by_name_and_a_wrong_name_lists_the_known_ones():
    assert course.assignment(DINO.name) is DINO
    with pytest.raises(CourseError, match=f"no assignment 'dinosaur'; the course has: .*{DINO.name}"):
        course.assignment("dinosaur")


def test_the_exercises_cases_and_points_come_from_the_assignments_data():
    assert [e.marker for e in DINO.exercises.values()] == ["UNQ_C1", "UNQ_C2", "UNQ_C3", "UNQ_C4"]
    assert DINO.max_points == sum(e.points for e in DINO.exercises.values())
    assert list(DINO.cases) == list(DINO.exercises)
    assert all(any(not c.public for c in cases) for cases in DINO.cases.values())


def _variant(tmp_path, old, new):
    """An assignment folder (named like Dinosaur Island) whose assignment.toml has old replaced by new."""
    assert old in TOML, old
    folder = tmp_path / DINO.name
    folder.mkdir()
    (folder / "assignment.toml").write_text(TOML.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "old, new, says",
    [
        ("place = 2", 'place = "2"', r"'place' has the wrong type"),
        ('marker = "UNQ_C2"', 'marker = "C2"', r"exercise 2: marker must look like UNQ_C1"),
        ('marker = "UNQ_C2"', 'marker = "UNQ_C1"', r"exercise 2: sample or UNQ_C1 is already taken"),
        ('uses = ["clip"]', 'uses = ["clipp"]', r"exercise optimize: uses \['clipp'\], which are not other exercises"),
        ("points = 2", "points = 0", r"exercise 1: points must be positive"),
        ("watch = []", "watch = []\npoint = 3", r"exercise 4: unknown 'point'"),
        (
            '"data/dinos.txt",',
            '"data/dinosaurs.txt",',
            r"support file 'data/dinosaurs.txt' is not a file of the course",
        ),
        ('language = "zh-CN"', 'language = "Chinese"', r"edition 2: language 'Chinese' is not like"),
        ('translation = "source/dinosaur_island.zh-CN.yml"', "", r"edition 2: .* every other needs a translation"),
        ("title = ", "titel = ", r"unknown 'titel'"),
    ],
)
def test_wrong_assignment_data_is_refused_naming_the_file_and_the_entry(tmp_path, old, new, says):
    folder = _variant(tmp_path, old, new)
    with pytest.raises(CourseError, match=f"{folder / 'assignment.toml'}.*{says}"):
        load(folder)


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "assignment.toml").write_text("title = 'unterminated\n", encoding="utf-8")
    with pytest.raises(CourseError, match=r"broken/assignment.toml: "):
        load(folder)


# ---------------------------------------------------------------------------------------------
# changing the course, on a copy of it


def _copy_of_the_course(tmp_path):
    """The course's files (tracked or not ignored by git) copied to tmp_path/course, with a git
    repository of its own so that what a change touched can be listed."""
    files = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=COURSE_ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    root = tmp_path / "course"
    for name in filter(None, files):
        source, target = COURSE_ROOT / name, root / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            target.write_bytes(source.read_bytes())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], cwd=root, check=True)
    return root


def _run(root, *args):
    """python -m autograder ARGS in the copy, importing the copy's package."""
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-m", "autograder", *args], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _changed(root):
    """The paths a change touched in the copy, generated release folders left out."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "-uall"], cwd=root, capture_output=True, text=True, check=True
    )
    return sorted({line[3:] for line in done.stdout.splitlines() if not line[3:].startswith("release/")})


def _grade(root, nb):
    """Grade one submission (notebook node nb) with the copy's grader; its grades.csv row."""
    folder = root.parent / "submitted" / "ada" / DINO.name
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{DINO.name}.ipynb")
    _run(root, "grade", DINO.name, folder.parent.parent, "--out", root.parent / "graded", "--jobs", "2")
    with open(root.parent / "graded" / "grades.csv", newline="", encoding="utf-8") as f:
        return next(csv.DictReader(f))


def _solved(root):
    """The copy's English release with every exercise filled in from the copy's source notebook."""
    source = {
        c.metadata.get("nbgrader", {}).get("grade_id"): c.source
        for c in nbformat.read(root / "source" / DINO.name / f"{DINO.name}.ipynb", as_version=4).cells
    }
    nb = nbformat.read(root / "release" / DINO.name / f"{DINO.name}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = source[grade_id]
    return nb


@pytest.mark.slow
def test_changing_an_exercises_points_is_one_line_and_the_release_command(tmp_path):
    root = _copy_of_the_course(tmp_path)
    toml = root / "autograder" / "assignments" / DINO.name / "assignment.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace('name = "clip"\nmarker = "UNQ_C1"\npoints = 2', 'name = "clip"\nmarker = "UNQ_C1"\npoints = 5'),
        encoding="utf-8",
    )
    diff = subprocess.run(["git", "diff", "--numstat"], cwd=root, capture_output=True, text=True).stdout.split()
    assert diff[:2] == ["1", "1"] and len(diff) == 3, "one line changed"

    _run(root, "release", DINO.name)
    assert _changed(root) == [
        f"autograder/assignments/{DINO.name}/assignment.toml",
        f"source/{DINO.name}/{DINO.name}.ipynb",
    ], "the release wrote the points into the source"
    for edition in ("dinosaur_island", "dinosaur_island_zh"):
        nb = json.loads((root / "release" / edition / f"{DINO.name}.ipynb").read_text(encoding="utf-8"))
        points = {
            c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
            for c in nb["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade")
        }
        assert points["test_clip"] == 5
    row = _grade(root, _solved(root))
    assert (row["clip"], row["score"], row["max_score"]) == ("5", str(DINO.max_points + 3), str(DINO.max_points + 3))


NEW_EXERCISE = """
[[exercises]]
name = "perplexity"
marker = "UNQ_C5"
points = 1
uses = []
watch = []
"""
NEW_CASES = """

def _check_perplexity(got, want, public):
    return close("the perplexity", got["result"], want["result"], public)


CASES["perplexity"] = [
    Case("the public example: a loss of 23.07 over 7 characters", True,
         lambda: {"loss": 23.07, "n_chars": 7}, _check_perplexity),
    Case("a loss of 2.5 over one character", False, lambda: {"loss": 2.5, "n_chars": 1}, _check_perplexity),
    Case("a loss of 30 over 11 characters", False, lambda: {"loss": 30.0, "n_chars": 11}, _check_perplexity),
]
"""
NEW_CELLS = [
    nbformat.v4.new_markdown_cell("### 5. Perplexity\n\nThe perplexity is exp(loss / characters).", id="perplexity-md"),
    nbformat.v4.new_code_cell(
        "# UNQ_C5 (UNIQUE CELL IDENTIFIER, DO NOT EDIT)\n# GRADED FUNCTION: perplexity\n\n"
        "def perplexity(loss, n_chars):\n    ### BEGIN SOLUTION\n    return float(np.exp(loss / n_chars))\n"
        "    ### END SOLUTION\n",
        id="perplexity",
        metadata={
            "nbgrader": {
                "grade": False,
                "grade_id": "perplexity",
                "locked": False,
                "schema_version": 3,
                "solution": True,
                "task": False,
            }
        },
    ),
    nbformat.v4.new_code_cell(
        "### BEGIN HIDDEN TESTS\nfrom autograder.grading.kernel import grade_in_kernel, quiet_tracebacks\n"
        "quiet_tracebacks()\n### END HIDDEN TESTS\nassert abs(perplexity(23.07, 7) - 27.0) < 0.01\n"
        '### BEGIN HIDDEN TESTS\ngrade_in_kernel("dinosaur_island", "perplexity", perplexity)\n### END HIDDEN TESTS\n',
        id="test_perplexity",
        metadata={
            "nbgrader": {
                "grade": True,
                "grade_id": "test_perplexity",
                "locked": True,
                "points": 0,
                "schema_version": 3,
                "solution": False,
                "task": False,
            }
        },
    ),
]


@pytest.mark.slow
def test_adding_an_exercise_touches_only_its_folder_its_notebook_and_its_translation(tmp_path):
    from autograder.authoring.translation import english_hash

    root = _copy_of_the_course(tmp_path)
    folder = root / "autograder" / "assignments" / DINO.name
    toml = folder / "assignment.toml"
    text = toml.read_text(encoding="utf-8")
    at = text.index("\n# One assignment, several editions")
    toml.write_text(text[:at] + NEW_EXERCISE + text[at:], encoding="utf-8")
    with open(folder / "cases.py", "a", encoding="utf-8") as f:
        f.write(NEW_CASES)
    notebook = root / "source" / DINO.name / f"{DINO.name}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    conclusion = next(i for i, c in enumerate(nb.cells) if c.id == "conclusion")
    nb.cells[conclusion:conclusion] = NEW_CELLS
    nbformat.write(nb, notebook)
    with open(root / "source" / f"{DINO.name}.zh-CN.yml", "a", encoding="utf-8") as f:
        f.write(
            f"perplexity-md:\n  english_sha256: {english_hash(NEW_CELLS[0].source)}\n"
            "  text: |-\n    ### 5. 困惑度\n\n    困惑度等于 exp(损失 / 字符数)。\n"
        )

    _run(root, "release", DINO.name)
    assert _changed(root) == [
        f"autograder/assignments/{DINO.name}/assignment.toml",
        f"autograder/assignments/{DINO.name}/cases.py",
        f"source/{DINO.name}.zh-CN.yml",
        f"source/{DINO.name}/{DINO.name}.ipynb",
    ]
    zh = (root / "release" / "dinosaur_island_zh" / f"{DINO.name}.ipynb").read_text(encoding="utf-8")
    assert "困惑度" in zh and "UNQ_C5" in zh
    row = _grade(root, _solved(root))
    assert row["perplexity"] == "1" and row["score"] == row["max_score"] == str(DINO.max_points + 1)
