"""formgrader shows the project's grader's work, in a real browser (Debian's Chromium driven by
Playwright): after `grade --gradebook`, every graded submission is in formgrader's list and opens
with the grader's verdicts and points; a comment and a manual grade can be given on top; and a
stock `nbgrader autograde` afterwards leaves those pages working."""

import os
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring.release import run_nbgrader
from autograder.grading import grader
from tests.corpus import stripped
from tests.jupyter_lab import CHROMIUM, running_lab
from tests.submissions import DINO, solutions, submission

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]
TOKEN = "formgrader-test"
STUDENTS = {  # student: (their notebook, or bytes, and the score expected)
    "alice": (submission(solved=tuple(solutions())), 12),
    "colab": (stripped(submission(solved=("clip", "sample"))), 5),
    "broken": (b'{"cells": [', 0),
}


@pytest.fixture(scope="module")
def course(course_copy):
    """The course copy with its submitted/ notebooks graded by the project's grader into its gradebook."""
    root = course_copy
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'dinosaur-island'\nc.CourseDirectory.root = {str(root)!r}\n"
    )
    for student, (notebook, _) in STUDENTS.items():
        folder = root / "submitted" / student / DINO.name
        folder.mkdir(parents=True)
        target = folder / f"{DINO.name}.ipynb"
        target.write_bytes(notebook) if isinstance(notebook, bytes) else nbformat.write(notebook, target)
    (root / "submitted" / "alice" / DINO.name / "timestamp.txt").write_text("2026-11-30 10:00:00.000000 UTC")
    grader.grade_submissions(DINO, root / "submitted", root.parent / "graded", jobs=2, gradebook=root / "gradebook.db")
    return root


@pytest.fixture(scope="module")
def server(course):
    """formgrader on 127.0.0.1 (JupyterLab with nbgrader's server extension), stopped by its pid."""
    jupyter = [sys.executable, "-m", "jupyter"]
    with running_lab(jupyter, course, course.parent / "server.log", TOKEN, [f"--ServerApp.root_dir={course}"]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(f"{server}/login?token={TOKEN}")  # sets the session cookie that formgrader's own requests use
    yield page
    page.close()


def submission_list(page, server):
    """{student id: score text} of formgrader's Manage Submissions page."""
    page.goto(f"{server}/formgrader/manage_submissions/{DINO.name}")
    page.wait_for_function("!document.body.innerText.includes('Loading, please wait')", timeout=60_000)
    rows = page.locator("#main-table tr").all()
    cells = [row.locator("td") for row in rows]
    return {cell.nth(1).inner_text().strip(): cell.nth(4).inner_text().strip() for cell in cells}


def open_submission(page, server, student):
    """Open the student's notebook in formgrader (from their page, as an instructor would click)."""
    page.goto(f"{server}/formgrader/manage_students/{student}/{DINO.name}")
    page.wait_for_selector("table tbody tr td a", timeout=60_000)
    page.click("table tbody tr td a")
    page.wait_for_selector("input.score", timeout=60_000)
    # formgrader shows each auto score as the placeholder of its score box, from its API after the page loads
    page.wait_for_function(
        "[...document.querySelectorAll('input.score')].every(i => i.placeholder !== '')", timeout=60_000
    )


def test_every_graded_submission_is_listed_with_the_graders_score(page, server, tmp_path):
    listed = submission_list(page, server)
    page.screenshot(path=str(tmp_path / "submissions.png"), full_page=True)
    assert listed == {student: f"{score} / 12" for student, (_, score) in STUDENTS.items()}


def test_a_submission_opens_with_the_graders_verdicts_and_takes_comments_and_grades(page, server, course, tmp_path):
    open_submission(page, server, "colab")
    text = page.inner_text("body")
    page.locator("text=# Test sample").first.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "colab.png"))
    assert "Error" not in page.title()
    assert "PASS [hidden] a vocabulary of 9 characters" in text and "3 of 3 hidden cases passed; 3 of 3 points" in text
    assert "FAIL [hidden]" in text and "raised NotImplementedError" in text  # optimize and model, left as stubs
    assert page.locator("input#test_sample").get_attribute("placeholder") == "3"  # the points the grader gave

    comment = page.locator("textarea#clip-comment")  # the comment box of the clip cell
    comment.fill("Tidy clipping; see the course notes on in-place operations.")
    comment.blur()
    page.locator("input#test_model").fill("4")  # the model's test cell, graded by hand
    page.locator("input#test_model").blur()
    page.wait_for_timeout(2000)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_comment("clip", DINO.name, DINO.name, "colab").comment.startswith("Tidy clipping")
        model = gb.find_grade("test_model", DINO.name, DINO.name, "colab")
        assert (model.auto_score, model.manual_score, model.score) == (0, 4, 4)


def test_an_unreadable_file_opens_with_the_reason(page, server):
    open_submission(page, server, "broken")
    reason = "Not graded: broken/dinosaur_island/dinosaur_island.ipynb: not a notebook: invalid JSON"
    assert reason in page.inner_text("body")


def test_a_stock_autograde_afterwards_leaves_the_pages_working(page, server, course, tmp_path):
    done = run_nbgrader(["autograde", DINO.name], course)
    assert done.returncode == 0, done.stderr[-3000:]
    listed = submission_list(page, server)
    assert set(listed) == set(STUDENTS)
    for student in STUDENTS:
        open_submission(page, server, student)
        assert page.locator("input.score").count() == len(DINO.exercises), student
    page.screenshot(path=str(tmp_path / "after_autograde.png"))
