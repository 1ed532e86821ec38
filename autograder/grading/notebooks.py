"""Reading notebooks leniently, and finding their graded cells by the "# UNQ_Cn" marker.

The marker is the primary key of a graded cell because it is part of the cell's text: it
survives editors that drop or rewrite cell metadata (Colab, VS Code), reordering and copying.
"""

import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .messages import say

# "# UNQ_C3 (UNIQUE CELL IDENTIFIER, DO NOT EDIT)", tolerating spacing and case slips such as
# "#unq_c3" or "#  UNQ C3"
MARKER = re.compile(r"^\s*#\s*unq[\s_-]*c\s*(\d+)\b", re.IGNORECASE)
MARKER_LINES = 3  # the marker must be on one of the first lines of the cell


def marker_number(source):
    """n of the first "# UNQ_Cn" marker on the first lines of source, or None."""
    for line in source.splitlines()[:MARKER_LINES]:
        match = MARKER.match(line)
        if match:
            return int(match.group(1))
    return None


def setup_sources(cells):
    """The sources of the cells tagged "setup": the imports and data every graded cell needs."""
    return [c.source for c in cells if c.cell_type == "code" and "setup" in c.metadata.get("tags", [])]


@dataclass(frozen=True)
class Cell:
    """One cell of a submitted notebook, as read by a tolerant reader (any field may be odd)."""

    number: int  # 1-based position in the notebook, as messages name it
    cell_type: str
    source: str
    metadata: dict


@dataclass
class Found:
    """Where an exercise's graded cell was found, and what had to be repaired to find it."""

    cell: Cell = None  # None: no cell holds the exercise
    notes: list = field(default_factory=list)  # messages.Message


def locate(cells, exercises):
    """{exercise name: Found} for the graded cells among cells; exercises -- {name: course.Exercise}.

    The marker comes first: the last code cell marked "# UNQ_Cn" is the exercise's cell. When no
    code cell carries the marker, the last code cell whose nbgrader grade_id is the exercise's
    name is used, then a markdown or raw cell carrying the marker (a cell whose type was
    switched by accident). Each of these repairs, and a missing cell, is described in notes.
    """
    found = {}
    for exercise in exercises.values():
        marked = [c for c in cells if marker_number(c.source) == exercise.number]
        code = [c for c in marked if c.cell_type == "code"]
        by_id = [
            c
            for c in cells
            if c.cell_type == "code" and marker_number(c.source) is None and _grade_id(c) == exercise.name
        ]
        here = Found()
        if code:
            here.cell = code[-1]
            if len(code) > 1:
                here.notes.append(
                    say(
                        "duplicate_marker",
                        marker=exercise.marker,
                        count=len(code),
                        cells=[c.number for c in code],
                        cell=here.cell.number,
                    )
                )
            line = _marker_line(here.cell.source)
            if not line.startswith(f"# {exercise.marker}"):
                here.notes.append(say("marker_line", cell=here.cell.number, line=line, marker=exercise.marker))
        elif by_id:
            here.cell = by_id[-1]
            here.notes.append(say("found_by_id", marker=exercise.marker, cell=here.cell.number, name=exercise.name))
        elif marked:
            here.cell = marked[-1]
            here.notes.append(
                say("wrong_cell_type", cell=here.cell.number, marker=exercise.marker, cell_type=here.cell.cell_type)
            )
        else:
            here.notes.append(say("no_cell", marker=exercise.marker, name=exercise.name))
        found[exercise.name] = here
    return found


def _grade_id(cell):
    nbgrader = cell.metadata.get("nbgrader") if isinstance(cell.metadata, dict) else None
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def _marker_line(source):
    return next(line.strip() for line in source.splitlines()[:MARKER_LINES] if MARKER.match(line))


# ---------------------------------------------------------------------------------------------
# reading a notebook file that nobody promised is valid

MAX_NOTEBOOK_BYTES = 64 * 2**20  # larger files are refused unread


class NotANotebook(Exception):
    """The file cannot be read as a notebook; .message (a messages.Message) says why."""

    def __init__(self, message):
        super().__init__(message.key)
        self.message = message


def read_cells(path):
    """(cells, notes) of the notebook at path, read as leniently as the file allows.

    Bytes that are not UTF-8 are read as U+FFFD and reported with the cells that hold them;
    cells that are not well-formed are skipped with a note (notes are messages.Message). Raises
    NotANotebook when there is no notebook to speak of (empty, not JSON, no cells).
    """
    try:
        size = os.path.getsize(path)
        if size > MAX_NOTEBOOK_BYTES:
            raise NotANotebook(say("too_big", size=size / 2**20, limit=MAX_NOTEBOOK_BYTES // 2**20))
        raw = Path(path).read_bytes()
    except OSError as error:
        raise NotANotebook(say("cannot_read", reason=error.strerror or type(error).__name__)) from None
    if not raw.strip():
        raise NotANotebook(say("empty_file"))
    text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotANotebook(say("invalid_json", line=error.lineno, column=error.colno, reason=error.msg)) from None
    except RecursionError:
        raise NotANotebook(say("json_too_deep")) from None
    if not isinstance(data, dict):
        raise NotANotebook(say("json_not_object", kind=type(data).__name__))
    raw_cells = data.get("cells")
    if raw_cells is None and isinstance(data.get("worksheets"), list) and data["worksheets"]:
        raw_cells = data["worksheets"][0].get("cells") if isinstance(data["worksheets"][0], dict) else None
    if not isinstance(raw_cells, list) or not raw_cells:
        raise NotANotebook(say("no_cells"))

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
        notes.append(say("cells_skipped", cells=skipped))
    if _BAD_BYTES.search(text):
        notes.append(say("bad_bytes", cells=undecodable) if undecodable else say("bad_bytes_elsewhere"))
    return cells, notes


_BAD_BYTES = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8


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


def edition_of(cells, assignment):
    """The Edition of assignment that cells (a submitted notebook's) come from: the one whose
    released notebook shares the most markdown cells with it, word for word. The code cells of
    all editions are the same; their prose is not. Ties (a notebook with its prose deleted) go to
    the first edition."""
    prose = {c.source for c in cells if c.cell_type == "markdown"}
    return max(assignment.editions, key=lambda edition: len(prose & _released_prose(edition.notebook)))


@cache
def _released_prose(notebook):
    """The markdown sources of a released notebook; empty if it is not there (not released yet)."""
    try:
        cells, _ = read_cells(notebook)
    except NotANotebook:
        return frozenset()
    return frozenset(c.source for c in cells if c.cell_type == "markdown")
