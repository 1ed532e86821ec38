"""Finding the graded cells of a notebook by their "# UNQ_Cn" marker.

The marker is the primary key of a graded cell because it is part of the cell's text: it
survives editors that drop or rewrite cell metadata (Colab, VS Code), reordering and copying.
"""

import re

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


def setup_sources(nb):
    """The sources of the cells tagged "setup": the imports and data every graded cell needs."""
    return [c.source for c in nb.cells if c.cell_type == "code" and "setup" in c.metadata.get("tags", [])]
