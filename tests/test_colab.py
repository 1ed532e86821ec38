"""Open in Colab: every student notebook has the badge and a setup cell that, on Colab only, downloads
exactly the files the notebook needs; a simulated Colab session runs a notebook that arrives alone."""

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
from autograder.course import COLAB_NOTEBOOKS, COURSE_ROOT, assignments
from tests.notebook_runner import execute, text_of
from tests.submissions import DINO, solutions, submission

ASSIGNMENT, RELEASE_DIR, SUPPORT_FILES = DINO.name, DINO.release_dir, DINO.support_files
STUDENT_NOTEBOOKS = ([e.notebook.relative_to(COURSE_ROOT).as_posix()
                      for a in assignments().values() for e in a.editions] + list(COLAB_NOTEBOOKS))


def _setup_cell(nb):
    return next(c for c in nb.cells if c.id == colab.SETUP_ID)


@pytest.mark.parametrize("notebook", STUDENT_NOTEBOOKS)
def test_student_notebook_starts_with_title_purpose_badge_then_the_setup_cell(notebook):
    nb = nbformat.read(COURSE_ROOT / notebook, as_version=4)
    title, badge = nb.cells[0], nb.cells[1]
    lines = [line for line in title.source.splitlines() if line.strip()]
    assert title.cell_type == "markdown" and lines[0].startswith("# ")
    assert len(lines) == 2 and re.fullmatch(r"\*[^*].*\*", lines[1]), "one line of purpose, in italics"
    assert badge.cell_type == "markdown" and badge.source == colab.badge_source(notebook)
    assert f"/blob/{colab.BRANCH}/{notebook}" in badge.source, "the badge opens this very notebook"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.id == colab.SETUP_ID and first_code.source.startswith("# On Google Colab")


def test_committed_sources_match_the_repository_setting():
    hint = "run `python -m autograder release` after changing REPOSITORY or BRANCH in autograder/course.py"
    for assignment in assignments().values():
        assert nbformat.read(assignment.source_notebook, as_version=4) == release.english_source(assignment), hint
    for notebook, files in COLAB_NOTEBOOKS.items():
        nb = nbformat.read(COURSE_ROOT / notebook, as_version=4)
        assert nb == colab.add_colab_cells(nbformat.from_dict(nb), notebook, "", files), f"{notebook}: {hint}"


@pytest.mark.parametrize("assignment", assignments().values(), ids=lambda a: a.name)
def test_setup_cell_downloads_the_release_support_files_and_nothing_else(assignment):
    source = _setup_cell(nbformat.read(assignment.release_dir / f"{assignment.name}.ipynb", as_version=4)).source
    listed = re.findall(r'^ {8}"([^"]+)",$', source, flags=re.MULTILINE)
    assert listed == list(assignment.support_files)
    assert all((assignment.release_dir / name).is_file() for name in listed)
    assert f'"{colab.files_url()}"' in source and f"/release/{assignment.name}/{{name}}" in source


def test_adding_the_cells_twice_changes_nothing():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A title\n\n*Its purpose.*"),
                                         nbformat.v4.new_code_cell("import utils")])
    once = colab.add_colab_cells(nb, "notebooks/other.ipynb", "", ["utils/__init__.py"])
    assert [c.id for c in once.cells[:3]] == [nb.cells[0].id, colab.BADGE_ID, colab.SETUP_ID]
    assert colab.add_colab_cells(nbformat.from_dict(once), "notebooks/other.ipynb", "", ["utils/__init__.py"]) == once


def test_a_notebook_file_of_notebooks_gets_its_cells_with_one_call(tmp_path):
    # what `python -m autograder release` does for each entry of COLAB_NOTEBOOKS
    path = tmp_path / "lstm.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# LSTM\n\n*Verse.*"),
                                                   nbformat.v4.new_code_cell("from utils import lstm")]), path)
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


def test_the_placeholder_repository_is_not_taken_for_a_github_repository(monkeypatch):
    monkeypatch.setattr(colab, "REPOSITORY", "YOUR_ACCOUNT/dinosaur-island")
    assert not colab.repository_is_set()
    monkeypatch.setattr(colab, "REPOSITORY", "a-university/dinosaur-island")
    assert colab.repository_is_set()


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
def mirror():
    """The address of a server on 127.0.0.1 that serves the repository's files."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Mirror, directory=str(COURSE_ROOT)))
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


def test_on_colab_the_notebook_alone_downloads_its_files_and_runs_top_to_bottom(tmp_path, colab_kernel_env):
    folder = _alone_in(tmp_path / "content", submission(solved=solutions()), f"{ASSIGNMENT}.ipynb")
    nb = nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import utils\nprint(utils.__file__)"))
    # NBGRADER_EXECUTION shortens the two training runs; this test is about finding the files
    done = execute(nb, folder, env=dict(colab_kernel_env, NBGRADER_EXECUTION="autograde"))

    assert f"Downloaded {len(SUPPORT_FILES)} course files into {folder}" in text_of(_setup_cell(done))
    printed = "".join(text_of(c) for c in done.cells)
    assert printed.count("All tests passed") == len(DINO.exercises)
    assert "1989 items, 43 characters in the vocabulary" in printed
    assert text_of(done.cells[-1]).strip() == str(folder / "utils" / "__init__.py")
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and
                   "__pycache__" not in p.parts)
    assert files == sorted([f"{ASSIGNMENT}.ipynb", *SUPPORT_FILES])
    assert sorted(_Mirror.requested) == sorted(f"/release/{ASSIGNMENT}/{name}" for name in SUPPORT_FILES)


def test_on_colab_the_chinese_edition_finds_its_files_too(tmp_path, colab_kernel_env):
    folder = _alone_in(tmp_path / "content", submission(language="zh-CN"), f"{ASSIGNMENT}.ipynb")
    done = execute(nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4), folder, allow_errors=True,
                   env=dict(colab_kernel_env, NBGRADER_EXECUTION="autograde"))
    errors = {c.outputs[-1].ename for c in done.cells
              if c.cell_type == "code" and c.outputs and c.outputs[-1].output_type == "error"}
    assert errors == {"NotImplementedError"}, "only the student's missing work fails"
    setup = next(c for c in done.cells if c.id == "setup-data")
    assert "There are 19909 total characters and 27 unique characters" in text_of(setup)


@pytest.mark.parametrize("notebook", list(COLAB_NOTEBOOKS))
def test_on_colab_an_optional_notebook_alone_downloads_its_files_and_runs_top_to_bottom(
        notebook, tmp_path, colab_kernel_env):
    name = Path(notebook).name
    folder = _alone_in(tmp_path / "content", nbformat.read(COURSE_ROOT / notebook, as_version=4), name)
    # LSTM_EPOCH_BATCHES shortens the Shakespeare notebook's extra epoch to a few batches
    done = execute(nbformat.read(folder / name, as_version=4), folder,
                   env=dict(colab_kernel_env, LSTM_EPOCH_BATCHES="2"))

    files = COLAB_NOTEBOOKS[notebook]
    assert f"Downloaded {len(files)} course files into {folder}" in text_of(_setup_cell(done))
    present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and
                     "__pycache__" not in p.parts)
    assert present == sorted([name, *files])
    assert sorted(_Mirror.requested) == sorted(f"/{f}" for f in files)


def _run_setup_cell(folder, env, colab_session):
    """Run the release's setup cell in a fresh interpreter in folder, on Colab or not."""
    source = _setup_cell(nbformat.read(RELEASE_DIR / f"{ASSIGNMENT}.ipynb", as_version=4)).source
    prelude = "import sys, types; sys.modules['google.colab'] = types.ModuleType('google.colab')\n"
    return subprocess.run([sys.executable, "-c", (prelude if colab_session else "") + source], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=60)


def test_off_colab_the_setup_cell_does_nothing(tmp_path):
    done = _run_setup_cell(tmp_path, {colab.URL_VARIABLE: "http://127.0.0.1:9"}, colab_session=False)
    assert done.returncode == 0 and done.stdout == done.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_on_colab_a_failed_download_names_the_address(tmp_path, mirror):
    done = _run_setup_cell(tmp_path, {colab.URL_VARIABLE: f"{mirror}/no-such-fork"}, colab_session=True)
    assert done.returncode != 0
    assert (f"RuntimeError: could not download {mirror}/no-such-fork/release/{ASSIGNMENT}/utils/__init__.py "
            "(HTTP Error 404") in done.stderr
