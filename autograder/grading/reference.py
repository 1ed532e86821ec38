"""The reference solution: the instructor's graded cells, run on top of the notebook's setup.

The source notebook is the one copy of the solution. Expected values are computed from it on
the grading machine, so no expected value depends on another machine's floating point.
"""

import contextlib
import io
import re
import sys
from functools import lru_cache

from ..course import COURSE_ROOT, EXERCISES, SOURCE_NOTEBOOK
from .notebooks import marker_number, read_cells, setup_sources


@lru_cache(maxsize=1)
def _sources():
    """(setup sources, {exercise name: solution source}) read once from the source notebook.

    The notebook is read as plain JSON (notebooks.read_cells), not with nbformat, whose import
    takes seconds: this runs in every nbgrader kernel and in every run of the grader.
    """
    cells, _ = read_cells(SOURCE_NOTEBOOK)
    by_number = {marker_number(c.source): c.source for c in cells if c.cell_type == "code"}
    solutions = {}
    for exercise in EXERCISES.values():
        if exercise.number not in by_number:
            raise RuntimeError(f"{SOURCE_NOTEBOOK}: no cell marked {exercise.marker} ({exercise.name})")
        solutions[exercise.name] = by_number[exercise.number]
    return setup_sources(cells), solutions


def solution_sources():
    """{exercise name: the source of its solution cell}."""
    return dict(_sources()[1])


def solution_namespace(overrides=None):
    """A fresh namespace holding the setup's names and the four reference functions.

    overrides -- optional {name: object} bound after the setup and before the solutions are
                 defined, e.g. {"rnn_forward": other_forward} to run the solutions on other helpers
    """
    if "utils" not in sys.modules and str(COURSE_ROOT) not in sys.path:
        sys.path.insert(0, str(COURSE_ROOT))  # the repository's utils, when no notebook's is loaded
    setup, solutions = _sources()
    namespace = {"__name__": "reference_solution"}
    with contextlib.redirect_stdout(io.StringIO()):  # the setup greets the student; not here
        for source in setup:
            exec(compile(source, f"<{SOURCE_NOTEBOOK.name}: setup>", "exec"), namespace)
    namespace.update(overrides or {})
    for name, source in solutions.items():
        exec(compile(source, f"<{SOURCE_NOTEBOOK.name}: {name}>", "exec"), namespace)
    return namespace


# The training log of the original assignment's passing run (facts file, section 2.4): the
# smoothed loss and the seven sampled names at every print step. Every platform agrees up to
# iteration 12000; later values depend on the BLAS build's order of summation.
PUBLISHED_LOG = {
    0: ("23.087336", "Nkzxwtdmfqoeyhsqwasjkjvu Kneb Kzxwtdmfqoeyhsqwasjkjvu Neb"
                     " Zxwtdmfqoeyhsqwasjkjvu Eb Xwtdmfqoeyhsqwasjkjvu"),
    2000: ("27.884160", "Liusskeomnolxeros Hmdaairus Hytroligoraurus Lecalosapaus Xusicikoraurus"
                        " Abalpsamantisaurus Tpraneronxeros"),
    4000: ("25.901815", "Mivrosaurus Inee Ivtroplisaurus Mbaaisaurus Wusichisaurus Cabaselachus"
                        " Toraperlethosdarenitochusthiamamumamaon"),
    6000: ("24.608779", "Onwusceomosaurus Lieeaerosaurus Lxussaurus Oma Xusteonosaurus Eeahosaurus"
                        " Toreonosaurus"),
    8000: ("24.070350", "Onxusichepriuon Kilabersaurus Lutrodon Omaaerosaurus Xutrcheps Edaksoje"
                        " Trodiktonus"),
    10000: ("23.844446", "Onyusaurus Klecalosaurus Lustodon Ola Xusodonia Eeaeosaurus"
                         " Troceosaurus"),
    12000: ("23.291971", "Onyxosaurus Kica Lustrepiosaurus Olaagrraiansaurus Yuspangosaurus"
                         " Eealosaurus Trognesaurus"),
}
LAST_PORTABLE_ITERATION = 12000


def training_log(printed, last=LAST_PORTABLE_ITERATION):
    """{iteration: (loss, names joined by spaces)} from what model() printed, up to last."""
    steps = {}
    for block in re.split(r"(?=Iteration: )", printed)[1:]:
        head, *names = block.split("\n")
        iteration, loss = re.fullmatch(r"Iteration: (\d+), Loss: (\S+)", head).groups()
        if int(iteration) <= last:
            steps[int(iteration)] = (loss, " ".join(name for name in names if name))
    return steps
