"""Finding the graded cells of a notebook by their "# UNQ_Cn" marker, and its setup cells.

The marker is the primary key of a graded cell because it is part of the cell's text: it
survives editors that drop or rewrite cell metadata (Colab, VS Code), reordering and copying.
"""

import re
from dataclasses import dataclass, field

from .course import EXERCISES

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


def locate(cells):
    """{exercise name: Found} for the graded cells among cells.

    The marker comes first: the last code cell marked "# UNQ_Cn" is the exercise's cell. When no
    code cell carries the marker, the last code cell whose nbgrader grade_id is the exercise's
    name is used, then a markdown or raw cell carrying the marker (a cell whose type was
    switched by accident). Each of these repairs, and a missing cell, is described in notes.
    """
    found = {}
    for exercise in EXERCISES.values():
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
