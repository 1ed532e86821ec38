"""Generating the student releases from the source notebook with nbgrader.

`python -m autograder release` first refreshes the generated parts of the sources
(prepare_sources): the Colab badge and setup cell of the English notebook, rendered from
REPOSITORY and BRANCH in course.py; the Chinese notebook in source/dinosaur_island_zh/, built from
the English one and the translation file; the Colab cells of the notebooks in COLAB_NOTEBOOKS.
Then, for each of the two assignments, generate() links the support files into the source folder
and runs `nbgrader generate_assignment`, which strips the solutions and hidden tests, embeds the
figures (EmbedFigures) and copies the notebook and the files it needs into release/<assignment>/.
"""

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from . import colab, translation
from ..course import (ASSIGNMENT, ASSIGNMENTS, COLAB_NOTEBOOKS, COURSE_ROOT, SOURCE_NOTEBOOK, SUPPORT_FILES,
                     ZH_SOURCE_NOTEBOOK)

# A markdown image whose target is a relative path to a PNG (no scheme, so not yet embedded).
FIGURE = re.compile(r"(!\[[^\[\]]*\])\(([^()\s:]+\.png)\)")


def english_source():
    """The English source notebook with its Colab cells as the current setting renders them.

    Its setup cell downloads the English release's files; the Chinese edition keeps that cell
    byte for byte (code cells are shared), which is right since both releases hold the same files.
    """
    nb = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    return colab.add_colab_cells(nb, f"release/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", f"release/{ASSIGNMENT}",
                                 SUPPORT_FILES)


def prepare_sources():
    """Write the generated parts of the sources (see the module docstring).

    Returns the translation's problems (missing or stale cells, which stay in English) so that
    the caller can report them.
    """
    english, translations = english_source(), translation.load()
    _write_if_changed(english, SOURCE_NOTEBOOK)
    ZH_SOURCE_NOTEBOOK.parent.mkdir(exist_ok=True)
    _write_if_changed(translation.translated(english, translations), ZH_SOURCE_NOTEBOOK)
    for notebook, files in COLAB_NOTEBOOKS.items():
        colab.apply_to_file(COURSE_ROOT / notebook, notebook, "", files)
    return translation.problems(english, translations)


def _write_if_changed(nb, path):
    """Write nb to path unless the file already holds exactly it (keeps timestamps and diffs quiet)."""
    text = nbformat.writes(nb) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def link_support_files(source_dir):
    """Make source_dir (a source/<assignment>/ folder) hold a symlink for each support file, and nothing stale."""
    for folder in {Path(f).parts[0] for f in SUPPORT_FILES}:
        for path in sorted((source_dir / folder).rglob("*"), reverse=True):
            if path.relative_to(source_dir).as_posix() not in SUPPORT_FILES and (path.is_symlink() or path.is_file()):
                path.unlink()
    for name in SUPPORT_FILES:
        target = COURSE_ROOT / name
        if not target.is_file():
            raise FileNotFoundError(f"{target} is missing; the release needs it (listed in autograder/course.py)")
        link = source_dir / name
        link.parent.mkdir(parents=True, exist_ok=True)
        relative = os.path.relpath(target, link.parent)
        if link.is_symlink() and os.readlink(link) == relative:
            continue
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(relative)


class EmbedFigures(NbGraderPreprocessor):
    """An nbgrader generate_assignment step (see nbgrader_config.py): each figure that a markdown
    cell shows from a relative path is replaced by the image itself, as a data URI.

    Colab opens a notebook alone and shows neither images at relative paths nor cell attachments;
    an embedded image shows everywhere (Colab, JupyterLab, nbgrader's feedback), offline too,
    wherever the repository is published. The source notebooks keep the paths, so that
    instructors see the figures while editing. Being part of nbgrader's own pipeline, the step
    also runs when an instructor calls `nbgrader generate_assignment` or formgrader directly.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            base = Path(resources["metadata"]["path"])  # the source notebook's folder
            cell.source = FIGURE.sub(lambda match: self._embedded(match, base, cell), cell.source)
        return cell, resources

    @staticmethod
    def _embedded(match, base, cell):
        figure = base / match.group(2)
        if not figure.is_file():
            raise FileNotFoundError(f"cell {cell.get('id')!r} shows {match.group(2)}, but {figure} is missing")
        return f"{match.group(1)}(data:image/png;base64,{base64.b64encode(figure.read_bytes()).decode()})"


def generate(root=None):
    """Write release/<assignment>/ under root (default: the repository) from the sources, for both
    assignments (English and Chinese).

    nbgrader also records the assignments in root/gradebook.db, which `nbgrader autograde`
    needs. With another root, the fresh releases (and their gradebook) are written there and the
    repository's are untouched. Returns the English release folder.
    """
    root = Path(root or COURSE_ROOT).resolve()
    for assignment in ASSIGNMENTS:
        link_support_files(COURSE_ROOT / "source" / assignment)
        done = run_nbgrader(["generate_assignment", assignment, "--force"], root)
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{done.stdout}\n{done.stderr}")
    return root / "release" / ASSIGNMENT


def run_nbgrader(args, root=None):
    """Run `nbgrader ARGS` on the course at root (default: the repository); returns the process.

    The course's source is always the repository's; root decides where nbgrader's working
    folders (release/, submitted/, autograded/, feedback/) and gradebook.db live.
    """
    root = Path(root or COURSE_ROOT).resolve()
    command = [
        sys.executable, "-m", "nbgrader", *args,
        f"--CourseDirectory.root={root}",
        f"--CourseDirectory.source_directory={COURSE_ROOT / 'source'}",
        f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}",
    ]
    # nbgrader calls the `alembic` command by name: make sure this Python's scripts are on
    # PATH even when its environment is not activated.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return subprocess.run(command, cwd=COURSE_ROOT, capture_output=True, text=True, env=env)
