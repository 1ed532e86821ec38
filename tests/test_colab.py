"""Open in Colab: every student notebook has the badge and a setup cell that, on Colab only, downloads
exactly the files the notebook needs; a simulated Colab session runs a notebook of the student edition
that arrives alone, downloading from a server that serves the published folder."""

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import colab, release
from autograder.authoring.publish import edition_folder
from autograder.course import COLAB_NOTEBOOKS, COURSE_ROOT, assignments
from autograder.grading.notebooks import marker_number
from autograder.grading.reference import solution_sources
from tests.conftest import STUDENT_SITE
from tests.notebook_runner import execute, text_of
from tests.submissions import DINO

ASSIGNMENT, SUPPORT_FILES = DINO.name, DINO.support_files
EN_FOLDER = edition_folder(DINO.editions[0])  # the English edition's folder in the student edition
# {notebook in the instructor's repository: the same notebook in the student edition}
STUDENT_NOTEBOOKS = {
    e.notebook.relative_to(COURSE_ROOT).as_posix(): f"{edition_folder(e)}/{e.notebook.name}"
    for a in assignments().values()
    for e in a.editions
} | {n: n for n in COLAB_NOTEBOOKS}


def _setup_cell(nb):
    return next(c for c in nb.cells if c.id == colab.SETUP_ID)


@pytest.mark.parametrize("notebook", STUDENT_NOTEBOOKS)
def test_student_notebook_starts_with_title_purpose_badge_then_the_setup_cell(notebook, published):
    """In the instructor's repository the badge names the placeholder; in the student edition, the
    student repository and branch, and the notebook's path there."""
    for nb, path, site in [
        (nbformat.read(COURSE_ROOT / notebook, as_version=4), notebook, colab.UNPUBLISHED),
        (
            nbformat.read(published / STUDENT_NOTEBOOKS[notebook], as_version=4),
            STUDENT_NOTEBOOKS[notebook],
            STUDENT_SITE,
        ),
    ]:
        title, badge = nb.cells[0], nb.cells[1]
        lines = [line for line in title.source.splitlines() if line.strip()]
        assert title.cell_type == "markdown" and lines[0].startswith("# ")
        assert len(lines) == 2 and re.fullmatch(r"\*[^*].*\*", lines[1]), "one line of purpose, in italics"
        assert badge.cell_type == "markdown" and badge.source == colab.badge_source(path, site)
        assert f"github/{site.repository}/blob/{site.branch}/{path})" in badge.source, "it opens this very notebook"
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert first_code.id == colab.SETUP_ID and first_code.source.startswith("# On Google Colab")
        assert f'"{site.files_url()}"' in first_code.source


def test_committed_sources_match_the_release_command():
    hint = "run `python -m autograder release`"
    for assignment in assignments().values():
        assert nbformat.read(assignment.source_notebook, as_version=4) == release.english_source(assignment), hint
    for notebook, files in COLAB_NOTEBOOKS.items():
        nb = nbformat.read(COURSE_ROOT / notebook, as_version=4)
        assert nb == colab.add_colab_cells(nbformat.from_dict(nb), notebook, "", files), f"{notebook}: {hint}"


@pytest.mark.parametrize("assignment", assignments().values(), ids=lambda a: a.name)
def test_setup_cell_downloads_the_edition_folders_support_files_and_nothing_else(assignment, published):
    for edition in assignment.editions:
        folder = edition_folder(edition)
        source = _setup_cell(nbformat.read(published / folder / edition.notebook.name, as_version=4)).source
        listed = re.findall(r'^ {8}"([^"]+)",$', source, flags=re.MULTILINE)
        assert listed == list(assignment.support_files)
        assert all((published / folder / name).is_file() for name in listed)
        assert f'"{STUDENT_SITE.files_url()}"' in source and f'f"{{url}}/{folder}/{{name}}"' in source


def test_adding_the_cells_twice_changes_nothing():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A title\n\n*Its purpose.*"), nbformat.v4.new_code_cell("import utils")]
    )
    once = colab.add_colab_cells(nb, "notebooks/other.ipynb", "", ["utils/__init__.py"])
    assert [c.id for c in once.cells[:3]] == [nb.cells[0].id, colab.BADGE_ID, colab.SETUP_ID]
    assert colab.add_colab_cells(nbformat.from_dict(once), "notebooks/other.ipynb", "", ["utils/__init__.py"]) == once


def test_a_notebook_file_of_notebooks_gets_its_cells_with_one_call(tmp_path):
    # what `python -m autograder release` does for each entry of COLAB_NOTEBOOKS
    path = tmp_path / "lstm.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell("# LSTM\n\n*Verse.*"),
                nbformat.v4.new_code_cell("from utils import lstm"),
            ]
        ),
        path,
    )
    files = ["utils/__init__.py", "utils/lstm.py", "data/shakespeare.txt"]
    assert colab.apply_to_file(path, "notebooks/lstm.ipynb", "", files)
    assert not colab.apply_to_file(path, "notebooks/lstm.ipynb", "", files), "unchanged the second time"
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[1].source == colab.badge_source("notebooks/lstm.ipynb")
    assert '        "utils/lstm.py",\n' in nb.cells[2].source and 'f"{url}/{name}"' in nb.cells[2].source
    assert nb.cells[3].source == "from utils import lstm"


def test_a_notebook_without_a_title_cell_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import utils")])
    with pytest.raises(ValueError, match="notebooks/untitled.ipynb: expected a first cell with the title"):
        colab.add_colab_cells(nb, "notebooks/untitled.ipynb", "", [])


@pytest.mark.parametrize(
    "repository", [colab.UNPUBLISHED.repository, "owner", "a/b/c", "-a/b", "a--b/c", "a/b c", "a/.."]
)
def test_what_cannot_be_a_github_repository_is_refused(repository):
    with pytest.raises(ValueError, match=re.escape(f"--repository {repository!r} is not a GitHub repository")):
        colab.student_site(repository, "main")


@pytest.mark.parametrize("branch", ["", "-b", "a..b", "a b", "x.lock", "a:b", "a/", "@{1}"])
def test_what_cannot_be_a_branch_is_refused(branch):
    with pytest.raises(ValueError, match="is not a valid git branch name"):
        colab.student_site("a-university/course", branch)


def test_a_github_repository_and_branch_are_taken():
    site = colab.student_site("a-university/course.2026_fall", "release/fall-2026")
    assert site.colab_url("x/y.ipynb") == (
        "https://colab.research.google.com/github/a-university/course.2026_fall/blob/release/fall-2026/x/y.ipynb"
    )


# --- a simulated Colab session ----------------------------------------------------------------


class _Mirror(http.server.SimpleHTTPRequestHandler):
    """Serves the repository like GitHub's raw file server, and remembers what was asked for."""

    requested = []

    def do_GET(self):
        self.requested.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def mirror(published):
    """The address of a server on 127.0.0.1 that serves the student edition's files."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Mirror, directory=str(published)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


@pytest.fixture
def colab_kernel_env(tmp_path, mirror):
    """Kernel environment variables that make the kernel look like Colab's: a `google.colab`
    module imported at startup (as Colab's kernel does), and the mirror as the course repository."""
    fake = tmp_path / "fake_colab"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "__init__.py").write_text('"""Stands in for Colab\'s own module."""\n')
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab\n")
    _Mirror.requested.clear()
    return {"PYTHONPATH": str(fake), "IPYTHONDIR": str(tmp_path / "ipython"), colab.URL_VARIABLE: mirror}


def _alone_in(folder, nb, name):
    """Put only the notebook in an empty folder, as Colab opens it from GitHub."""
    folder.mkdir()
    nbformat.write(nb, folder / name)
    return folder


def published_notebook(published, notebook, solved=(), assignment=DINO):
    """A notebook of the student edition, with the graded cells of the exercises in solved (of
    assignment) solved by the reference solution."""
    nb = nbformat.read(published / notebook, as_version=4)
    numbers = {assignment.exercises[name].number: solution_sources(assignment)[name] for name in solved}
    for cell in nb.cells:
        if cell.cell_type == "code" and marker_number(cell.source) in numbers:
            cell.source = numbers[marker_number(cell.source)]
    return nb


def test_on_colab_the_notebook_alone_downloads_its_files_and_runs_top_to_bottom(tmp_path, published, colab_kernel_env):
    nb = published_notebook(published, f"{EN_FOLDER}/{ASSIGNMENT}.ipynb", solved=DINO.exercises)
    folder = _alone_in(tmp_path / "content", nb, f"{ASSIGNMENT}.ipynb")
    nb = nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import utils\nprint(utils.__file__)"))
    # NBGRADER_EXECUTION shortens the two training runs; this test is about finding the files
    done = execute(nb, folder, env=dict(colab_kernel_env, NBGRADER_EXECUTION="autograde"))

    assert f"Downloaded {len(SUPPORT_FILES)} course files into {folder}" in text_of(_setup_cell(done))
    printed = "".join(text_of(c) for c in done.cells)
    assert printed.count("All tests passed") == len(DINO.exercises)
    assert "1989 items, 43 characters in the vocabulary" in printed
    assert text_of(done.cells[-1]).strip() == str(folder / "utils" / "__init__.py")
    files = sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert files == sorted([f"{ASSIGNMENT}.ipynb", *SUPPORT_FILES])
    assert sorted(_Mirror.requested) == sorted(f"/{EN_FOLDER}/{name}" for name in SUPPORT_FILES)


def test_on_colab_the_chinese_edition_finds_its_files_too(tmp_path, published, colab_kernel_env):
    zh_folder = edition_folder(DINO.edition("zh-CN"))
    nb = published_notebook(published, f"{zh_folder}/{ASSIGNMENT}.ipynb")
    folder = _alone_in(tmp_path / "content", nb, f"{ASSIGNMENT}.ipynb")
    done = execute(
        nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4),
        folder,
        allow_errors=True,
        env=dict(colab_kernel_env, NBGRADER_EXECUTION="autograde"),
    )
    errors = {
        c.outputs[-1].ename
        for c in done.cells
        if c.cell_type == "code" and c.outputs and c.outputs[-1].output_type == "error"
    }
    assert errors == {"NotImplementedError"}, "only the student's missing work fails"
    setup = next(c for c in done.cells if c.id == "setup-data")
    assert "There are 19909 total characters and 27 unique characters" in text_of(setup)
    assert sorted(_Mirror.requested) == sorted(f"/{zh_folder}/{name}" for name in SUPPORT_FILES)


@pytest.mark.parametrize("notebook", list(COLAB_NOTEBOOKS))
def test_on_colab_an_optional_notebook_alone_downloads_its_files_and_runs_top_to_bottom(
    notebook, tmp_path, published, colab_kernel_env
):
    name = Path(notebook).name
    folder = _alone_in(tmp_path / "content", nbformat.read(published / notebook, as_version=4), name)
    # LSTM_EPOCH_BATCHES shortens the Shakespeare notebook's extra epoch to a few batches
    done = execute(
        nbformat.read(folder / name, as_version=4), folder, env=dict(colab_kernel_env, LSTM_EPOCH_BATCHES="2")
    )

    files = COLAB_NOTEBOOKS[notebook]
    assert f"Downloaded {len(files)} course files into {folder}" in text_of(_setup_cell(done))
    present = sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert present == sorted([name, *files])
    assert sorted(_Mirror.requested) == sorted(f"/{f}" for f in files)


def _run_setup_cell(published, folder, env, colab_session):
    """Run the setup cell of the English edition in a fresh interpreter in folder, on Colab or not."""
    source = _setup_cell(nbformat.read(published / EN_FOLDER / f"{ASSIGNMENT}.ipynb", as_version=4)).source
    prelude = "import sys, types; sys.modules['google.colab'] = types.ModuleType('google.colab')\n"
    return subprocess.run(
        [sys.executable, "-c", (prelude if colab_session else "") + source],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_off_colab_the_setup_cell_does_nothing(tmp_path, published):
    done = _run_setup_cell(published, tmp_path, {colab.URL_VARIABLE: "http://127.0.0.1:9"}, colab_session=False)
    assert done.returncode == 0 and done.stdout == done.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_on_colab_a_failed_download_names_the_address(tmp_path, published, mirror):
    done = _run_setup_cell(published, tmp_path, {colab.URL_VARIABLE: f"{mirror}/no-such-fork"}, colab_session=True)
    assert done.returncode != 0
    assert (
        f"RuntimeError: could not download {mirror}/no-such-fork/{EN_FOLDER}/utils/__init__.py (HTTP Error 404"
    ) in done.stderr
