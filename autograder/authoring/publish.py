"""The student edition: the folder that students get, pushed as a repository of its own.

`python -m autograder publish DIR [ASSIGNMENT ...] --repository OWNER/NAME [--branch B]` writes into
DIR what a student needs and nothing else: the released notebook of every edition of every assignment
(or of those named), each in a folder named like its release folder with the support files it lists;
when every assignment is published, the optional notebooks of COLAB_NOTEBOOKS with the files they
need, at their paths in the course; the provenance of the
data; and a student README, .gitignore, requirements.txt and JupyterLab settings (lab_settings/),
from the templates in student_edition/. The notebooks' Open in Colab badges and setup cells are
rendered for OWNER/NAME at B, at their paths in DIR.

The instructor's repository stays private: solutions (source/), hidden cases (autograder/), the
tests, gradebooks, grades and its git history never enter DIR. Everything published is read from
the committed releases, which nbgrader stripped of solutions and hidden tests. Re-running updates
DIR in place: files of the edition are rewritten when they changed, files the instructor added
are left as they are (and listed). A series may hand out an earlier assignment's answers as helper
code of a later one (see answers.py: Dinosaur Island's utils/rnn.py is the step-by-step notebook's
functions). Publishing refuses such a file, naming it, unless the instructor says the earlier
assignment is due (revealed); so the series goes out assignment by assignment, each after the one
before is due.
"""

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course import COLAB_NOTEBOOKS, COURSE_ROOT, DATA_DIR, TITLE, assignments
from . import answers, colab

TEMPLATES = Path(__file__).resolve().parent / "student_edition"
# Copied as they are: {path in the student edition: path under TEMPLATES}
STATIC_FILES = {
    ".gitignore": "gitignore",
    "lab_settings/pyproject.toml": "lab_settings/pyproject.toml",
    "lab_settings/labconfig/nbgrader_student.json": "lab_settings/labconfig/nbgrader_student.json",
    "lab_settings/server/nbgrader_student.json": "lab_settings/server/nbgrader_student.json",
}
# What students install, pinned as in the instructor's requirements.txt: the notebooks' packages,
# JupyterLab, and nbgrader for its Validate button.
STUDENT_PACKAGES = ("numpy", "matplotlib", "tqdm", "jupyterlab", "ipykernel", "nbgrader")
LANGUAGE_NAMES = {"en": "English", "zh-CN": "简体中文 (Simplified Chinese)"}
# Folders at the top of the student edition that are not an edition's: no release folder may be called so
TOP_FOLDERS = {"notebooks", "data", "utils", "lab_settings"}
# Folders of DIR that are nobody's content: git's, and what working in DIR leaves behind
NOT_CONTENT = {".git", ".venv", "__pycache__", ".ipynb_checkpoints", "build"}


class PublishError(ValueError):
    """The student edition cannot be written; the message says why and what to do."""


@dataclass
class Changes:
    """What writing the student edition did, each a sorted list of paths relative to DIR."""

    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    others: list = field(default_factory=list)  # files in DIR that are not part of the edition: left alone
    # {assignment name: published files that hold its answers}: helper code of a later assignment,
    # published because the instructor said that assignment is due
    given_away: dict = field(default_factory=dict)


def edition_folder(edition):
    """The folder of an edition in the student edition: its release folder's name."""
    return edition.release_dir.name


def contents(site, chosen=None):
    """{path in the student edition (str, with /): its bytes}, everything that is published.

    site   -- colab.Site of the student repository, which the badges and setup cells point at
    chosen -- the Assignments to publish (default: all); the optional notebooks come with all only
    """
    everything = list(assignments().values())
    chosen = everything if chosen is None else list(chosen)
    files = {}
    for assignment in chosen:
        for edition in assignment.editions:
            folder = edition_folder(edition)
            if folder in {Path(name).parts[0] for name in files} | TOP_FOLDERS:
                raise PublishError(
                    f"{assignment.folder / 'assignment.toml'}: the release folder of the "
                    f"{edition.language} edition, {folder!r}, is taken in the student edition"
                )
            if not edition.notebook.is_file():
                raise PublishError(f"{edition.notebook} is missing: run `python -m autograder release` first")
            notebook = f"{folder}/{edition.notebook.name}"
            files[notebook] = _notebook_bytes(edition.notebook, notebook, folder, assignment.support_files, site)
            for name in assignment.support_files:
                files[f"{folder}/{name}"] = (edition.release_dir / name).read_bytes()
    notebooks = COLAB_NOTEBOOKS if set(chosen) == set(everything) else {}
    for notebook, needed in notebooks.items():
        files[notebook] = _notebook_bytes(COURSE_ROOT / notebook, notebook, "", needed, site)
        files.update({name: (COURSE_ROOT / name).read_bytes() for name in needed})
    files["data/PROVENANCE.md"] = (DATA_DIR / "PROVENANCE.md").read_bytes()
    files.update({name: (TEMPLATES / template).read_bytes() for name, template in STATIC_FILES.items()})
    files["requirements.txt"] = student_requirements().encode()
    files["README.md"] = student_readme(site, chosen, notebooks).encode()
    return files


def _notebook_bytes(path, notebook, folder, support_files, site):
    """The notebook at path with its Colab cells pointing at site (see colab.add_colab_cells)."""
    nb = nbformat.read(path, as_version=4)
    colab.add_colab_cells(nb, notebook, folder, support_files, site)
    return (nbformat.writes(nb) + "\n").encode()


def student_requirements(instructor_requirements=COURSE_ROOT / "requirements.txt"):
    """The student requirements.txt: STUDENT_PACKAGES with the instructor's pins, and lab_settings/."""
    pins = {}
    for line in instructor_requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    missing = [name for name in STUDENT_PACKAGES if name not in pins]
    if missing:
        raise PublishError(f"{instructor_requirements}: no pinned version (name==version) of {', '.join(missing)}")
    lines = [
        "# What the notebooks need: `pip install -r requirements.txt` in a fresh environment (see README.md).",
        *(f"{name}=={pins[name]}" for name in STUDENT_PACKAGES),
        "# JupyterLab settings for students: nbgrader's Validate button, without its teacher tools",
        "./lab_settings",
    ]
    return "\n".join(lines) + "\n"


def student_readme(site, chosen, notebooks):
    """The student README: the template with the published notebooks and the repository filled in.

    chosen    -- the Assignments published
    notebooks -- the optional notebooks published (paths, as in COLAB_NOTEBOOKS)
    """
    return string.Template((TEMPLATES / "README.md").read_text(encoding="utf-8")).substitute(
        title=TITLE,
        repository=site.repository,
        name=site.repository.split("/")[1],
        notebook_table=_notebook_table(site, chosen, notebooks),
    )


def _notebook_table(site, chosen, notebooks):
    """The markdown table of the published notebooks: each edition of each assignment, then the optional ones."""
    rows = ["| notebook | language | open in JupyterLab | open on Colab |", "|---|---|---|---|"]
    for assignment in chosen:
        for edition in assignment.editions:
            notebook = f"{edition_folder(edition)}/{edition.notebook.name}"
            rows.append(
                f"| {assignment.title_in(edition.language)} (graded) | "
                f"{LANGUAGE_NAMES.get(edition.language, edition.language)} | `{notebook}` | "
                f"{colab.badge_source(notebook, site)} |"
            )
    for notebook in notebooks:
        title = nbformat.read(COURSE_ROOT / notebook, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
        rows.append(f"| {title} (optional) | English | `{notebook}` | {colab.badge_source(notebook, site)} |")
    return "\n".join(rows)


def publish(directory, site, chosen=None, revealed=()):
    """Write the student edition into directory (created if missing); returns its Changes.

    directory -- a folder outside the instructor's repository: a clone of the student repository,
                 or any folder to zip
    site      -- colab.Site of the student repository
    chosen    -- the Assignments to publish (default: all), as for contents
    revealed  -- names of assignments that are due: their answers may be published as helper code of
                 a later assignment. Any other assignment's answers stop publishing before a file is
                 written (PublishError naming the files).
    """
    directory = Path(directory).resolve()
    if directory == COURSE_ROOT or COURSE_ROOT in directory.parents or directory in COURSE_ROOT.parents:
        raise PublishError(
            f"{directory} is not outside the instructor's repository ({COURSE_ROOT}): the student "
            "edition goes into a folder of its own, such as a clone of the student repository"
        )
    files = contents(site, chosen)
    changes = Changes()
    for assignment in assignments().values():
        holding = answers.files_holding_answers(files, assignment)
        if holding and assignment.name not in revealed:
            raise PublishError(
                f"{', '.join(holding)} would give away the answers of {assignment.name} (helper code of a "
                f"later assignment holds its functions). Publish {assignment.name} alone until it is due; "
                f"once it is, add --reveal-answers-of {assignment.name}. Nothing was written."
            )
        if holding:
            changes.given_away[assignment.name] = holding
    for name, data in sorted(files.items()):
        target = directory / name
        for parent in [target, *target.parents]:
            if parent == directory:
                break
            if parent.is_symlink() or (parent != target and parent.exists() and not parent.is_dir()):
                raise PublishError(f"{parent} is in the way of {name}: move it away and publish again")
        if target.is_dir():
            raise PublishError(f"{target} is a folder, but the student edition has a file there: move it away")
        if not target.exists():
            changes.added.append(name)
        elif target.read_bytes() != data:
            changes.updated.append(name)
        else:
            changes.unchanged.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    changes.others = sorted(name for name in _content_files(directory) if name not in files)
    return changes


def _content_files(directory):
    """The paths (relative, with /) of the files in directory, but for those of NOT_CONTENT and
    what installing lab_settings/ leaves (*.egg-info)."""
    for path in directory.rglob("*"):
        parts = path.relative_to(directory).parts
        if path.is_file() and not NOT_CONTENT & set(parts) and not any(p.endswith(".egg-info") for p in parts):
            yield "/".join(parts)
