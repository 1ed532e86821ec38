"""`python -m autograder publish`: the student edition is written outside the instructor's repository,
updated in place without touching what the instructor added, and holds a README, requirements and a
.gitignore made for students; the instructor's .gitignore keeps student work and grades out of git."""

import ast
import json
import re
import subprocess
import sys

import pytest
import tomllib

from autograder.__main__ import main
from autograder.authoring import colab, publish
from autograder.course import COLAB_NOTEBOOKS, COURSE_ROOT, assignments
from tests.conftest import ALL_DUE, STUDENT_SITE


def test_publishing_again_updates_in_place_and_keeps_what_the_instructor_added(edition_copy):
    (edition_copy / "ANNOUNCEMENTS.md").write_text("Office hours on Tuesdays.\n")
    (edition_copy / "README.md").write_text("edited by hand\n")
    (edition_copy / "utils" / "lstm.py").unlink()

    changes = publish.publish(edition_copy, STUDENT_SITE, revealed=ALL_DUE)

    assert (changes.added, changes.updated, changes.others) == (["utils/lstm.py"], ["README.md"], ["ANNOUNCEMENTS.md"])
    assert (edition_copy / "ANNOUNCEMENTS.md").read_text() == "Office hours on Tuesdays.\n"
    assert "edited by hand" not in (edition_copy / "README.md").read_text()


def test_another_branch_changes_exactly_the_notebooks_and_the_readme(edition_copy):
    changes = publish.publish(
        edition_copy, colab.student_site(STUDENT_SITE.repository, "spring-2027"), revealed=ALL_DUE
    )
    notebooks = {p.relative_to(edition_copy).as_posix() for p in edition_copy.rglob("*.ipynb")}
    assert set(changes.updated) == notebooks | {"README.md"} and not changes.added
    assert len(notebooks) == sum(len(a.editions) for a in assignments().values()) + len(COLAB_NOTEBOOKS)
    assert "/blob/spring-2027/" in (edition_copy / "README.md").read_text()


@pytest.mark.parametrize("where", [COURSE_ROOT, COURSE_ROOT / "build" / "students", COURSE_ROOT.parent])
def test_the_instructors_repository_is_refused(where):
    with pytest.raises(publish.PublishError, match="is not outside the instructor's repository"):
        publish.publish(where, STUDENT_SITE)


def test_a_folder_where_a_file_goes_is_reported_not_replaced(edition_copy):
    (edition_copy / "requirements.txt").unlink()
    (edition_copy / "requirements.txt").mkdir()
    (edition_copy / "requirements.txt" / "mine.txt").write_text("kept")
    with pytest.raises(publish.PublishError, match=r"requirements.txt is a folder, but the student edition has a file"):
        publish.publish(edition_copy, STUDENT_SITE, revealed=ALL_DUE)
    assert (edition_copy / "requirements.txt" / "mine.txt").read_text() == "kept"


def test_the_command_says_what_changed(edition_copy, capsys):
    (edition_copy / "README.md").unlink()
    assert (
        main(
            ["publish", str(edition_copy), "--repository", STUDENT_SITE.repository, "--branch", STUDENT_SITE.branch]
            + [option for name in ALL_DUE for option in ("--reveal-answers-of", name)]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("added: README.md\n")
    assert re.search(r": 1 files added, 0 updated, \d+ unchanged, 0 others kept", out)


def test_the_command_refuses_a_repository_that_cannot_be_githubs(tmp_path, capsys):
    assert main(["publish", str(tmp_path / "edition"), "--repository", "YOUR_ACCOUNT/course"]) == 1
    said = capsys.readouterr().err
    assert "error: --repository 'YOUR_ACCOUNT/course' is not a GitHub repository like OWNER/NAME" in said
    assert not (tmp_path / "edition").exists()


def _imported_modules(published):
    """The top-level modules that the published Python files and notebook code cells import."""
    sources = [p.read_text(encoding="utf-8") for p in published.rglob("*.py")]
    for path in published.rglob("*.ipynb"):
        sources += [
            "\n".join(line for line in "".join(c["source"]).splitlines() if not line.startswith(("%", "!")))
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        ]
    found = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_student_requirements_are_the_instructors_pins_of_what_the_notebooks_import(published):
    lines = [line for line in (published / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    instructor = (COURSE_ROOT / "requirements.txt").read_text()
    for line in lines[:-1]:
        assert re.search(rf"^{re.escape(line)}\s", instructor, flags=re.MULTILINE), f"{line} is pinned otherwise"
    assert lines[-1] == "./lab_settings"
    students = {line.split("==")[0] for line in lines[:-1]}
    third_party = {m for m in _imported_modules(published) if m not in sys.stdlib_module_names} - {"utils", "google"}
    assert third_party and third_party <= students, "every package the notebooks import is installed"
    assert students - third_party == {"jupyterlab", "ipykernel", "nbgrader"}, "and nothing else but Jupyter"


def test_lab_settings_install_the_files_that_keep_validate_and_turn_the_teacher_tools_off(published):
    settings = published / "lab_settings"
    data_files = tomllib.loads((settings / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    installed = {
        f"{folder}/{name.split('/')[-1]}": json.loads((settings / name).read_text())
        for folder, names in data_files.items()
        for name in names
    }
    disabled = installed["etc/jupyter/labconfig/page_config.d/nbgrader_student.json"]["disabledExtensions"]
    assert {name for name, off in disabled.items() if off} == {
        f"@jupyter/nbgrader:{plugin}"
        for plugin in ("menu", "formgrader", "create-assignment", "course-list", "assignment-list")
    }
    server = installed["etc/jupyter/jupyter_server_config.d/nbgrader_student.json"]["ServerApp"]["jpserver_extensions"]
    assert {name for name, on in server.items() if on} == {"nbgrader.server_extensions.validate_assignment"}
    # Jupyter merges the files of a config.d folder in name order: ours must come after nbgrader's own
    assert sorted(["nbgrader.json", "nbgrader_student.json"])[-1] == "nbgrader_student.json"


def test_the_student_readme_opens_every_notebook_both_ways(published):
    readme = (published / "README.md").read_text(encoding="utf-8")
    notebooks = sorted(p.relative_to(published).as_posix() for p in published.rglob("*.ipynb"))
    for notebook in notebooks:
        assert f"`{notebook}`" in readme and colab.badge_source(notebook, STUDENT_SITE) in readme
    named = set(re.findall(r"`([\w/]+\.ipynb)`", readme))
    assert named == set(notebooks), "no notebook named that is not there"
    assert f"git clone https://github.com/{STUDENT_SITE.repository}.git && cd dinosaur-island-students " in readme
    assert "\n.venv/bin/jupyter lab\n" in readme
    assert re.search(r"## 中文版\n\n[\u4e00-\u9fff]", readme), "a paragraph in Chinese"
    assert "data/PROVENANCE.md" in readme and (published / "data" / "PROVENANCE.md").is_file()
    assert "$" not in readme.replace("$ ", ""), "every placeholder filled in"


def _git(folder, *args):
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout


def test_the_student_gitignore_keeps_environments_caches_and_gradebooks_out(edition_copy):
    _git(edition_copy, "init", "-q")
    for made in [
        ".venv/bin/python",
        "dinosaur_island/.ipynb_checkpoints/dinosaur_island-checkpoint.ipynb",
        "dinosaur_island/utils/__pycache__/rnn.cpython-311.pyc",
        "gradebook.db",
        "dinosaur_island/.nbgrader.log",
        "lab_settings/build/lib/x",
        "lab_settings/course_student_lab_settings.egg-info/PKG-INFO",
    ]:
        (edition_copy / made).parent.mkdir(parents=True, exist_ok=True)
        (edition_copy / made).write_text("")
    untracked = set(_git(edition_copy, "ls-files", "--others", "--exclude-standard").splitlines())
    assert untracked == {
        p.relative_to(edition_copy).as_posix()
        for p in edition_copy.rglob("*")
        if p.is_file()
        and ".git" not in p.relative_to(edition_copy).parts
        and p.relative_to(edition_copy).as_posix() in publish.contents(STUDENT_SITE)
    }


# where the README's commands put student work and grades (grade --out graded, nbgrader export, lms-import, ...)
STUDENT_WORK = [
    "submitted/alice/dinosaur_island/dinosaur_island.ipynb",
    "autograded/alice/dinosaur_island/x.ipynb",
    "feedback/alice/dinosaur_island/dinosaur_island.html",
    "graded/grades.csv",
    "graded/alice/results.json",
    "exchange/dinosaur-island/inbound/x",
    "gradebook.db",
    "gradebook.db-journal",
    "graded/gradebook.db",
    ".nbgrader.log",
    "grades.csv",
    "canvas-download.zip",
    "gradebook-export.csv",
    "canvas-import.csv",
    "grading-worksheet.csv",
    "moodle-upload.csv",
    "autograder.zip",
]


def test_the_instructors_gitignore_keeps_student_work_and_grades_out():
    ignored = subprocess.run(
        ["git", "-C", str(COURSE_ROOT), "check-ignore", "--no-index", *STUDENT_WORK], capture_output=True, text=True
    ).stdout.splitlines()
    assert ignored == STUDENT_WORK
    course = [
        "source/dinosaur_island/dinosaur_island.ipynb",
        "release/dinosaur_island/dinosaur_island.ipynb",
        "data/dinos.txt",
        "autograder/assignments/dinosaur_island/cases.py",
        "README.md",
    ]
    done = subprocess.run(
        ["git", "-C", str(COURSE_ROOT), "check-ignore", "--no-index", *course], capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stdout == "", "the course itself is not ignored"


def test_the_command_names_an_assignment_the_course_does_not_have(tmp_path, capsys):
    assert main(["publish", str(tmp_path / "edition"), "no_such_assignment", "--repository", "a/b"]) == 1
    assert "error: no assignment 'no_such_assignment'; the course has: " in capsys.readouterr().err
    assert not (tmp_path / "edition").exists()
