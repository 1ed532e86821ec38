"""Generating the student releases of an assignment, in every edition, with nbgrader.

`python -m autograder release [ASSIGNMENT ...]` first refreshes the generated parts of each
source notebook (prepare_sources): the points of its test cells, from assignment.toml; its Colab
badge and setup cell, pointing at colab.UNPUBLISHED until `python -m autograder publish` renders
them for the student repository; and the Colab cells of the notebooks in COLAB_NOTEBOOKS. Then
generate() writes each edition's release: the source's own edition by `nbgrader generate_assignment`
on the course, which also records the assignment in its gradebook; every other edition by the
same command on a scratch course holding the translated notebook, so that nbgrader's gradebook
knows one assignment, whatever edition a student hands in.
nbgrader strips the solutions and hidden tests, embeds the figures (EmbedFigures) and copies the
notebook and its support files into the release folder.
"""

import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from ..course import COLAB_NOTEBOOKS, COURSE_ROOT
from . import colab, translation

# A markdown image whose target is a relative path to a PNG (no scheme, so not yet embedded).
FIGURE = re.compile(r"(!\[[^\[\]]*\])\(([^()\s:]+\.png)\)")


def english_source(assignment):
    """The assignment's source notebook with its generated parts as the settings render them:
    the points of its test cells (assignment.toml) and its Colab cells.

    The setup cell downloads the first edition's release files; every edition keeps that cell
    byte for byte (code cells are shared), which is right since all releases hold the same files.
    """
    nb = nbformat.read(assignment.source_notebook, as_version=4)
    _set_points(nb, assignment)
    first = assignment.editions[0]
    return colab.add_colab_cells(
        nb, _in_course(first.notebook), _in_course(first.release_dir), assignment.support_files
    )


def _set_points(nb, assignment):
    """Write each exercise's points into the nbgrader metadata of its test cell (grade id test_<name>)."""
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for name, exercise in assignment.exercises.items():
        cell = cells.get(f"test_{name}")
        if cell is None or not cell.metadata["nbgrader"].get("grade"):
            raise ValueError(f"{assignment.source_notebook}: no graded test cell with the nbgrader id test_{name}")
        cell.metadata["nbgrader"]["points"] = exercise.points


def _in_course(path):
    """path as the course names it: relative to its root, with forward slashes."""
    return Path(path).relative_to(COURSE_ROOT).as_posix()


def edition_source(assignment, edition, english):
    """The source notebook of an edition: english itself, or its translation with the badge that opens it."""
    if edition.translation is None:
        return english
    return translation.translated(english, translation.load(edition.translation), _in_course(edition.notebook))


def prepare_sources(assignment):
    """Write the generated parts of the assignment's source notebook (see the module docstring).

    Returns the translations' problems (missing or stale cells, which stay in English) so that
    the caller can report them.
    """
    english = english_source(assignment)
    _write_if_changed(english, assignment.source_notebook)
    problems = []
    for edition in assignment.editions[1:]:
        problems += [
            f"{edition.language} edition: {problem}"
            for problem in translation.problems(english, translation.load(edition.translation), edition.translation)
        ]
    return problems


def prepare_colab_notebooks():
    """Give each notebook of COLAB_NOTEBOOKS its Colab cells (see colab.apply_to_file)."""
    for notebook, files in COLAB_NOTEBOOKS.items():
        colab.apply_to_file(COURSE_ROOT / notebook, notebook, "", files)


def _write_if_changed(nb, path):
    """Write nb to path unless the file already holds exactly it (keeps timestamps and diffs quiet)."""
    text = nbformat.writes(nb) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def link_support_files(source_dir, assignment):
    """Make source_dir hold a symlink to the course's copy of each of assignment's support files, and nothing stale."""
    support_files = assignment.support_files
    for folder in {Path(f).parts[0] for f in support_files}:
        for path in sorted((source_dir / folder).rglob("*"), reverse=True):
            if path.relative_to(source_dir).as_posix() not in support_files and (path.is_symlink() or path.is_file()):
                path.unlink()
    for name in support_files:
        target = assignment.support_source(name)
        if not target.is_file():
            raise FileNotFoundError(f"{target} is missing; the release needs it (listed in assignment.toml)")
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


def generate(assignment, root=None):
    """Write the release of every edition of assignment under root (default: the course).

    nbgrader also records the assignment in root/gradebook.db, which `nbgrader autograde` needs.
    With another root, the fresh releases (and their gradebook) are written there and the course's
    are untouched. Returns the release folders, the source's own edition first.
    """
    root = Path(root or COURSE_ROOT).resolve()
    link_support_files(assignment.source_dir, assignment)
    _nbgrader_release(assignment.name, root, COURSE_ROOT / "source")
    folders = [root / _in_course(assignment.editions[0].release_dir)]
    english = nbformat.read(assignment.source_notebook, as_version=4)
    for edition in assignment.editions[1:]:
        with tempfile.TemporaryDirectory(prefix="edition-") as scratch:
            scratch = Path(scratch)
            source_dir = scratch / "source" / assignment.name
            source_dir.mkdir(parents=True)
            nbformat.write(edition_source(assignment, edition, english), source_dir / assignment.source_notebook.name)
            link_support_files(source_dir, assignment)
            (scratch / "images").symlink_to(COURSE_ROOT / "images")  # the figures, at the same relative paths
            _nbgrader_release(assignment.name, scratch, scratch / "source")
            folder = root / _in_course(edition.release_dir)
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(scratch / "release" / assignment.name, folder)
            folders.append(folder)
    return folders


def _nbgrader_release(name, root, source_directory):
    done = run_nbgrader(["generate_assignment", name, "--force"], root, source_directory)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{done.stdout}\n{done.stderr}")


def run_nbgrader(args, root=None, source_directory=None):
    """Run `nbgrader ARGS` on the course at root (default: the repository); returns the process.

    The course's source is the repository's unless source_directory says otherwise; root decides
    where nbgrader's working folders (release/, submitted/, autograded/, feedback/) and
    gradebook.db live.
    """
    root = Path(root or COURSE_ROOT).resolve()
    command = [
        sys.executable,
        "-m",
        "nbgrader",
        *args,
        f"--CourseDirectory.root={root}",
        f"--CourseDirectory.source_directory={source_directory or COURSE_ROOT / 'source'}",
        f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}",
    ]
    # nbgrader calls the `alembic` command by name: make sure this Python's scripts are on
    # PATH even when its environment is not activated.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return subprocess.run(command, cwd=COURSE_ROOT, capture_output=True, text=True, env=env)
