"""Stock nbgrader on this course: generate_assignment, autograde, generate_feedback, export;
and the project's grader next to it, on the same submissions and gradebook."""

import csv
import shutil
import warnings  # noqa: F401 (the noisy submission's source uses it)

import pytest
from nbgrader.api import Gradebook

from autograder.authoring.release import run_nbgrader
from autograder.grading import grader
from tests.corpus import stripped
from tests.submissions import DINO, FULL, edited, hand_in, solutions, submission

ASSIGNMENT, EXERCISES = DINO.name, DINO.exercises
NOISY_CLIP = edited(
    "clip",
    "    return clipped",
    "    import sys, warnings\n    warnings.warn('a harmless warning')\n"
    "    print('debug', file=sys.stderr)\n    return clipped",
)

STUDENTS = {
    "solved": submission(solved=solutions()),
    "untouched": submission(),
    "half": submission(solved=("clip", "sample")),
    "noisy": submission(solved=solutions(), replace={"clip": NOISY_CLIP}),
    # saved by Colab or VS Code: no nbgrader metadata, no cell ids (nbgrader_metadata.RestoreMetadata)
    "colab": stripped(submission(solved=("clip", "sample"))),
}
EXPECTED = {  # points per exercise
    "solved": FULL,
    "untouched": dict.fromkeys(FULL, 0),
    "half": {**FULL, "optimize": 0, "model": 0},
    "noisy": FULL,
    "colab": {**FULL, "optimize": 0, "model": 0},
}


@pytest.fixture(scope="module")
def course(course_copy):
    root = course_copy
    hand_in(root, ASSIGNMENT, STUDENTS)
    autograde = run_nbgrader(["autograde", ASSIGNMENT, "--force"], root)
    feedback = run_nbgrader(["generate_feedback", ASSIGNMENT, "--force"], root)
    export = run_nbgrader(["export", f"--to={root / 'grades.csv'}"], root)
    return root, autograde, feedback, export


def test_every_command_succeeds(course):
    _, *steps = course
    for step in steps:
        assert step.returncode == 0, step.stdout + step.stderr


@pytest.mark.parametrize("student", STUDENTS)
def test_each_exercise_gets_exactly_its_points(course, student):
    root = course[0]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        got = {name: gb.find_grade(f"test_{name}", ASSIGNMENT, ASSIGNMENT, student).score for name in EXERCISES}
        needs_manual = [
            g.name
            for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades
            if g.needs_manual_grade and g.cell_type == "code" and g.name.startswith("test_")
        ]
    assert got == EXPECTED[student]
    assert needs_manual == [], "no test cell should need manual grading (harness errors)"


def test_export_has_the_totals(course):
    with open(course[0] / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    # nbgrader exports a row per student for every assignment of the gradebook (the course has several)
    rows = [r for r in rows if r["assignment"] == ASSIGNMENT]
    # one row per student: the editions are one assignment
    assert len(rows) == len(STUDENTS)
    assert {float(r["max_score"]) for r in rows} == {DINO.max_points}
    assert {r["student_id"]: float(r["raw_score"]) for r in rows} == {s: sum(p.values()) for s, p in EXPECTED.items()}


def test_feedback_shows_failures_but_not_hidden_test_code(course):
    root = course[0]
    html = (root / "feedback" / "half" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert "PASS [hidden]" in html and "NotImplementedError" in html
    for secret in (
        "BEGIN HIDDEN TESTS",
        "autograder.grading",
        "grade_in_kernel(&quot;clip&quot;",
        'grade_in_kernel("clip"',
    ):
        assert secret not in html


def test_the_projects_grader_agrees_and_fills_the_gradebook(course, tmp_path):
    root = course[0]
    gradebook = tmp_path / "gradebook.db"
    shutil.copy(root / "gradebook.db", gradebook)
    with Gradebook(f"sqlite:///{gradebook}") as gb:  # forget what nbgrader stored
        for student in STUDENTS:
            gb.remove_submission(ASSIGNMENT, student)
    grader.grade_submissions(DINO, root / "submitted", tmp_path / "out", gradebook=gradebook)
    with Gradebook(f"sqlite:///{gradebook}") as gb:
        got = {
            student: {name: gb.find_grade(f"test_{name}", ASSIGNMENT, ASSIGNMENT, student).score for name in EXERCISES}
            for student in STUDENTS
        }
        needs_manual = [
            g.name
            for student in STUDENTS
            for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades
            if g.needs_manual_grade
        ]
    assert got == EXPECTED
    assert needs_manual == []
