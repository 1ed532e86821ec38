"""Putting nbgrader's cell metadata back into a notebook that lost it.

Colab, VS Code and some other editors save a notebook without nbgrader's cell metadata (and
Colab without cell ids). nbgrader then finds none of the assignment's cells in it; its autograde
crashes (KeyError in OverwriteCells.add_missing_grade_cells) and formgrader has nothing to show.
restore() finds each cell of the released notebook again in the student's notebook and gives it
the release's nbgrader metadata: a graded cell by its "# UNQ_Cn" marker (notebooks.locate), any
other cell (the setup and test cells) by its cell id, else by its exact text. Cells it cannot
find stay missing; nbgrader's OverwriteCells.add_missing_cells (on in nbgrader_config.py) puts
them back. Cells that still have their metadata are left as they are.

RestoreMetadata runs restore() as the first step of `nbgrader autograde` (nbgrader_config.py).
"""

import copy
from functools import cache

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from ..course import CourseError
from ..course import assignment as find_assignment
from .notebooks import Cell, edition_of, locate


@cache
def release_notebook(path):
    return nbformat.read(path, as_version=4)


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def grade_id_of(cell):
    nbgrader = cell.get("metadata", {}).get("nbgrader")
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def restore(nb, assignment):
    """Give the cells of nb (an nbformat NotebookNode, changed in place) that lost their nbgrader
    metadata the metadata of the release cells they are; returns the grade ids restored.

    assignment -- the course.Assignment; the release of nb's edition is the reference
    """
    cells = [
        Cell(number, c.get("cell_type", ""), _source(c), dict(c.get("metadata") or {}))
        for number, c in enumerate(nb.cells, start=1)
    ]
    release = release_notebook(edition_of(cells, assignment).notebook)
    present = {grade_id_of(c) for c in nb.cells} - {None}
    found = locate(cells, assignment.exercises)
    restored = []
    for reference in release.cells:
        grade_id = grade_id_of(reference)
        if grade_id is None or grade_id in present:
            continue
        if grade_id in assignment.exercises:
            cell = found[grade_id].cell
            candidates = [cell.number - 1] if cell is not None and cell.cell_type == reference.cell_type else []
        else:
            candidates = [
                i
                for i, c in enumerate(nb.cells)
                if c.get("cell_type") == reference.cell_type
                and reference.get("id") in (c.get("id"), c.get("metadata", {}).get("id"))
            ]
            candidates = candidates or [
                i
                for i, c in enumerate(nb.cells)
                if c.get("cell_type") == reference.cell_type and _source(c) == reference.source
            ]
        candidates = [i for i in candidates if grade_id_of(nb.cells[i]) is None]
        if candidates:
            nb.cells[candidates[-1]].setdefault("metadata", {})["nbgrader"] = copy.deepcopy(reference.metadata.nbgrader)
            restored.append(grade_id)
    return restored


class RestoreMetadata(NbGraderPreprocessor):
    """The first step of `nbgrader autograde` (see nbgrader_config.py): restore() on the submitted
    notebook of one of the course's assignments; any other notebook passes unchanged."""

    def preprocess(self, nb, resources):
        try:
            assignment = find_assignment(resources["nbgrader"]["assignment"])
        except (CourseError, KeyError):
            return nb, resources
        restored = restore(nb, assignment)
        if restored:
            self.log.warning(
                "The notebook had lost the nbgrader metadata of %d cells (an editor such as Colab "
                "drops it); restored from the release: %s",
                len(restored),
                ", ".join(restored),
            )
        return nb, resources
