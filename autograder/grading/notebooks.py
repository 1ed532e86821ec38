"""Reading notebooks leniently, and finding their graded cells by the "# UNQ_Cn" marker.

The marker is the primary key of a graded cell because it is part of the cell's text: it
survives editors that drop or rewrite cell metadata (Colab, VS Code), reordering and copying.
"""

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


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
    notes: list = field(default_factory=list)


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
        by_id = [c for c in cells if c.cell_type == "code" and marker_number(c.source) is None
                 and _grade_id(c) == exercise.name]
        here = Found()
        if code:
            here.cell = code[-1]
            if len(code) > 1:
                numbers = ", ".join(str(c.number) for c in code[:-1])
                here.notes.append(f"{exercise.marker} marks {len(code)} cells ({numbers} and {here.cell.number}); "
                                  f"the last one, cell {here.cell.number}, was graded")
            line = _marker_line(here.cell.source)
            if not line.startswith(f"# {exercise.marker}"):
                here.notes.append(f"cell {here.cell.number}: the marker line reads {line!r}; "
                                  f"it should start with '# {exercise.marker}'")
        elif by_id:
            here.cell = by_id[-1]
            here.notes.append(f"no cell starts with the {exercise.marker} marker line; cell {here.cell.number} "
                              f"was found by its nbgrader id {exercise.name!r} and graded. Keep the marker line.")
        elif marked:
            here.cell = marked[-1]
            here.notes.append(f"cell {here.cell.number} ({exercise.marker}) is a {here.cell.cell_type} cell; "
                              "it was graded as code. Change it back to a code cell.")
        else:
            here.notes.append(f"no cell is marked {exercise.marker} ({exercise.name}): the cell was deleted or "
                              f"its first line changed, so {exercise.name} scores 0")
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


def edition_of(cells, assignment):
    """The Edition of assignment that cells (a submitted notebook's) come from: the one whose
    released notebook shares the most markdown cells with it, word for word. The code cells of
    all editions are the same; their prose is not. Ties (a notebook with its prose deleted) go to
    the first edition."""
    prose = {c.source for c in cells if c.cell_type == "markdown"}
    return max(assignment.editions, key=lambda edition: len(prose & _released_prose(edition.notebook)))


@lru_cache(maxsize=None)
def _released_prose(notebook):
    """The markdown sources of a released notebook; empty if it is not there (not released yet)."""
    try:
        cells, _ = read_cells(notebook)
    except NotANotebook:
        return frozenset()
    return frozenset(c.source for c in cells if c.cell_type == "markdown")
