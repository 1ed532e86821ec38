"""Finding the submissions in what an instructor collected, and reading each notebook.

Three layouts are accepted: nbgrader's `<student>/<assignment>/*.ipynb` tree (the student id is
the folder), a flat folder of `.ipynb` files (the id is the file's stem), and a `.zip` of
either. Nothing here writes next to the submissions, and no notebook is trusted to be valid:
each reading problem becomes a message that names the file.
"""

import json
import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .cells import Cell, locate
from .course import ASSIGNMENT

MAX_NOTEBOOK_BYTES = 64 * 2**20  # larger files are refused unread
MAX_ZIP_BYTES = 4 * 2**30  # uncompressed; a zip that expands to more is refused
SKIPPED = (".ipynb_checkpoints", "__MACOSX")  # editor and archiver droppings


class Unreadable(Exception):
    """SUBMISSIONS itself cannot be read: the grader cannot run (not one student's problem)."""


@dataclass
class Submission:
    student: str
    shown: str  # the notebook's path relative to SUBMISSIONS, as messages name it
    path: Path = None  # None when the student's folder holds no notebook
    found: dict = None  # {exercise: cells.Found}; None when the notebook could not be read
    notes: list = field(default_factory=list)  # about the file as a whole
    fatal: str = None  # why nothing of this submission could be graded


def discover(root, scratch):
    """The submissions under root (a folder or a .zip), sorted by student id.

    scratch -- an empty folder the zip is extracted into (the caller removes it)
    Raises Unreadable when root is neither a readable folder nor a readable zip.
    """
    root = Path(root)
    if root.is_file() and zipfile.is_zipfile(root):
        root = _unwrapped(_extract(root, Path(scratch)))
    elif not root.is_dir():
        raise Unreadable(f"{root}: not a folder of submissions or a .zip of one")
    try:
        entries = sorted(p for p in root.iterdir() if not _skipped(p.name))
    except OSError as error:
        raise Unreadable(f"{root}: {error.strerror}") from None

    submissions = []
    for entry in entries:
        if entry.is_file() and entry.suffix == ".ipynb":
            submissions.append(Submission(_safe_id(entry.stem), entry.name, entry))
        elif entry.is_dir():
            submissions.append(_from_folder(root, entry))
    return _unique(submissions)


def _skipped(name):
    return name.startswith(".") or name in SKIPPED


def _from_folder(root, folder):
    """The submission in a student's folder: its assignment's notebook, preferably."""
    notebooks = sorted(p for p in folder.rglob("*.ipynb")
                       if p.is_file() and not any(_skipped(part) for part in p.relative_to(folder).parts))
    student = _safe_id(folder.name)
    if not notebooks:
        return Submission(student, folder.name, fatal=f"{folder.name}/: no .ipynb file in this folder")
    preferred = ([p for p in notebooks if p.name == f"{ASSIGNMENT}.ipynb"]
                 or [p for p in notebooks if p.parent.name == ASSIGNMENT] or notebooks)
    chosen = preferred[0]
    submission = Submission(student, chosen.relative_to(root).as_posix(), chosen)
    if len(notebooks) > 1:
        others = ", ".join(p.relative_to(root).as_posix() for p in notebooks if p != chosen)
        submission.notes.append(f"{len(notebooks)} notebooks in the folder; graded {submission.shown}, "
                                f"not {others}")
    return submission


def _safe_id(name):
    """A student id usable as a folder name under OUT."""
    cleaned = re.sub(r"[^\w.@+-]", "_", name).strip(".") or "_"
    return cleaned


def _unique(submissions):
    seen = {}
    for s in submissions:
        if s.student in seen:
            seen[s.student] += 1
            s.notes.append(f"another submission is also named {s.student!r}; this one is graded as "
                           f"{s.student}~{seen[s.student]}")
            s.student = f"{s.student}~{seen[s.student]}"
        else:
            seen[s.student] = 1
    return submissions


def _extract(archive, into):
    """Extract the regular files of a zip into `into`, refusing paths that would leave it."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
                raise Unreadable(f"{archive}: expands to more than {MAX_ZIP_BYTES // 2**30} GB")
            for member in members:
                parts = PurePosixPath(member.filename.replace("\\", "/")).parts
                is_link = stat.S_ISLNK(member.external_attr >> 16)
                if is_link or not parts or parts[0] == "/" or ".." in parts or ":" in parts[0]:
                    continue
                target = into.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise Unreadable(f"{archive}: cannot be extracted ({error})") from None
    return into


def _unwrapped(folder):
    """Step into folders that only wrap the submissions, as LMS zips often have them:
    a folder whose only entry is a folder holding two or more submissions."""
    while True:
        entries = [p for p in folder.iterdir() if not _skipped(p.name)]
        if len(entries) != 1 or not entries[0].is_dir():
            return folder
        inner = [p for p in entries[0].iterdir() if not _skipped(p.name)]
        if len(inner) < 2:
            return folder
        folder = entries[0]


def read(submission):
    """Fill in submission.found (or .fatal) from its notebook file; never raises for bad input."""
    if submission.fatal:
        return submission
    try:
        cells, notes = read_cells(submission.path)
        submission.found = locate(cells)
    except NotANotebook as error:
        submission.fatal = f"{submission.shown}: {error}"
    except Exception as error:  # a file this reader did not foresee: this student only, never the batch
        submission.fatal = f"{submission.shown}: could not be read ({type(error).__name__}: {error})"
    else:
        submission.notes += notes
    return submission


class NotANotebook(Exception):
    """The file cannot be read as a notebook; the message says why."""


def read_cells(path):
    """(cells, notes) of the notebook at path, read as leniently as the file allows.

    Bytes that are not UTF-8 are read as U+FFFD and reported with the cells that hold them;
    cells that are not well-formed are skipped with a note. Raises NotANotebook when there is
    no notebook to speak of (empty, not JSON, no cells).
    """
    try:
        size = os.path.getsize(path)
        if size > MAX_NOTEBOOK_BYTES:
            raise NotANotebook(f"the file is {size / 2**20:.0f} MB; notebooks over "
                               f"{MAX_NOTEBOOK_BYTES // 2**20} MB are not read")
        raw = Path(path).read_bytes()
    except OSError as error:
        raise NotANotebook(f"cannot be read ({error.strerror})") from None
    if not raw.strip():
        raise NotANotebook("the file is empty: the notebook was not saved before it was submitted")
    text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotANotebook(f"not a notebook: invalid JSON at line {error.lineno}, column {error.colno} "
                           f"({error.msg}); the file may have been cut off while saving") from None
    except RecursionError:
        raise NotANotebook("not a notebook: its JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise NotANotebook(f"not a notebook: the file holds a JSON {type(data).__name__}, not an object")
    raw_cells = data.get("cells")
    if raw_cells is None and isinstance(data.get("worksheets"), list) and data["worksheets"]:
        raw_cells = data["worksheets"][0].get("cells") if isinstance(data["worksheets"][0], dict) else None
    if not isinstance(raw_cells, list) or not raw_cells:
        raise NotANotebook("not a notebook: it has no cells")

    cells, notes, skipped, undecodable = [], [], [], []
    for number, raw_cell in enumerate(raw_cells, start=1):
        cell = _cell(number, raw_cell)
        if cell is None:
            skipped.append(number)
            continue
        if _BAD_BYTES.search(cell.source):
            undecodable.append(number)
            cell = Cell(number, cell.cell_type, _BAD_BYTES.sub("\ufffd", cell.source), cell.metadata)
        cells.append(cell)
    if skipped:
        notes.append(f"{_numbers(skipped)} of the notebook are not well-formed and were skipped")
    if _BAD_BYTES.search(text):
        where = _numbers(undecodable) if undecodable else "the notebook's metadata or outputs"
        notes.append(f"the file has bytes that are not UTF-8 (in {where}); they were read as \ufffd")
    return cells, notes


_BAD_BYTES = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8


def _numbers(numbers):
    """'cell 3' or 'cells 3, 7'."""
    return ("cell " if len(numbers) == 1 else "cells ") + ", ".join(map(str, numbers))


def _cell(number, raw):
    """A Cell from one entry of the notebook's cells list, or None if it is not a cell."""
    if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
        return None
    source = raw.get("source", raw.get("input", ""))  # "input": code cells of nbformat 3
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        return None
    metadata = raw.get("metadata")
    return Cell(number, raw["cell_type"], source, metadata if isinstance(metadata, dict) else {})
