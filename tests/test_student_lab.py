"""A student's JupyterLab is a student's: in a fresh environment made from the student edition's
requirements.txt, JupyterLab started in the edition's folder (as its README says) shows nbgrader's
Validate button, which works, and none of nbgrader's teacher tools; nothing writes a gradebook.
Checked in a real browser: Debian's Chromium, driven by Playwright."""

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from autograder.authoring.publish import edition_folder
from tests.jupyter_lab import CHROMIUM, running_lab
from tests.submissions import DINO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]
TOKEN = "student-lab-test"
NOTEBOOK = f"{edition_folder(DINO.editions[0])}/{DINO.name}.ipynb"


@pytest.fixture(scope="module")
def student_folder(published, tmp_path_factory):
    """A copy of the student edition with its README's setup done: .venv from requirements.txt."""
    folder = tmp_path_factory.mktemp("student") / "course"
    shutil.copytree(published, folder)
    subprocess.run([sys.executable, "-m", "venv", ".venv"], cwd=folder, check=True)
    done = subprocess.run(
        [".venv/bin/pip", "install", "-q", "-r", "requirements.txt"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


def test_the_student_requirements_install_into_a_fresh_environment(student_folder):
    done = subprocess.run([".venv/bin/pip", "check"], cwd=student_folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    imported = subprocess.run(
        [".venv/bin/python", "-c", "import numpy, matplotlib, tqdm, nbgrader; print('ok')"],
        cwd=student_folder,
        capture_output=True,
        text=True,
    )
    assert imported.stdout == "ok\n", imported.stderr


@pytest.fixture(scope="module")
def lab(student_folder):
    """`.venv/bin/jupyter lab` run in the student's folder on 127.0.0.1, stopped by its pid.
    JUPYTER_CONFIG_DIR is an empty folder, so that no setting of this machine's user takes part."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(student_folder.parent / "user-config"))
    with running_lab([".venv/bin/jupyter"], student_folder, student_folder.parent / "lab.log", TOKEN, env=env) as base:
        yield base


def _status(url):
    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_server_has_validate_and_none_of_the_teacher_tools(lab):
    assert _status(f"{lab}/nbgrader_version?token={TOKEN}&version=0") == 200  # served by the validate extension
    for teacher_tool in ("formgrader", "formgraders", "assignments", "courses"):
        assert _status(f"{lab}/{teacher_tool}?token={TOKEN}") == 404, teacher_tool


def test_the_notebook_has_validate_and_lab_has_no_nbgrader_menu(lab, student_folder, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{lab}/lab/tree/{NOTEBOOK}?token={TOKEN}")
        validate = page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True)
        validate.wait_for(timeout=120_000)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        menus = [m.strip() for m in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()]
        page.screenshot(path=str(tmp_path / "student_lab.png"))

        assert {"File", "Edit", "Kernel"} <= set(menus), menus
        assert "Nbgrader" not in menus
        # the command palette lists every command of every plugin: with nbgrader's teacher tools it
        # finds "Assignment List, Course List, Create assignment, Formgrader" for "nbgrader"
        page.locator(".lm-MenuBar-itemLabel", has_text="View").click()
        page.locator(".lm-Menu-itemLabel", has_text="Command Palette").click()
        page.locator(".lm-CommandPalette-input >> visible=true").fill("nbgrader")
        palette = page.locator(".lm-CommandPalette >> visible=true").inner_text()
        assert "No commands found that match 'nbgrader'" in palette, palette
        page.keyboard.press("Escape")

        validate.click()  # nbgrader validates the saved notebook: the graded cells are still to be written
        dialog = page.locator(".jp-Dialog")
        dialog.get_by_text("Validation Results").wait_for(timeout=300_000)
        page.screenshot(path=str(tmp_path / "validated.png"))
        said = dialog.inner_text()
        browser.close()
    assert "The following cell failed" in said and "clip_test(clip)" in said, said[:2000]
    assert "NotImplementedError" in said, "the first graded cell is still the release's stub"
    made = [p for p in student_folder.rglob("gradebook.db*") if ".venv" not in p.relative_to(student_folder).parts]
    assert not made, "nothing made a gradebook in the student's folder"
