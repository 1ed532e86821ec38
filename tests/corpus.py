"""A corpus of submissions for the grader, built from the release notebook.

Each entry is a student: how their folder is made, and the exact points the grader must give
each exercise. It covers right answers in several styles, stubs and partial work, every
tampering trick of the research notes (toolchain.md §4), faults (crashes, hangs, memory bombs)
and malformed files. Entries whose point is not the model leave it as the stub, which fails at
once: the corpus grades in seconds.
"""

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.notebooks import marker_number
from tests.submissions import DINO, FULL, edited, solutions, submission

CHEAP = ("clip", "sample", "optimize")  # solved in most entries; the model's stub costs nothing


@dataclass(frozen=True)
class Entry:
    write: Callable[[Path], None]  # writes the student's files into their (empty) folder
    points: dict  # {exercise: points} the grader must give
    says: tuple = ()  # phrases the student's feedback must contain


def scores(**changes):
    """FULL for the cheap exercises, 0 for the model, with changes applied."""
    return {**FULL, "model": 0, **changes}


def notebook(nb, name=f"{DINO.name}.ipynb"):
    """A writer of nb (a notebook node or a plain dict) as the student's notebook file."""

    def write(folder):
        (folder / name).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")

    return write


def raw(data, name=f"{DINO.name}.ipynb"):
    def write(folder):
        (folder / name).write_bytes(data)

    return write


def solved(*names, **replace):
    """The release with `names` solved and the cells in `replace` ({exercise: source}) set."""
    return submission(solved=names, replace=replace)


def graded_cell(nb, exercise):
    return next(
        c for c in nb.cells if c.cell_type == "code" and marker_number(c.source) == DINO.exercises[exercise].number
    )


def with_cells(nb, change):
    """A copy of nb whose list of cells is change(cells)."""
    nb = copy.deepcopy(nb)
    nb.cells = change(nb.cells)
    return nb


def stripped(nb):
    """What some editors save: no notebook or cell metadata, no cell ids."""
    nb = copy.deepcopy(nb)
    nb.metadata = {}
    nb.nbformat_minor = 4
    for cell in nb.cells:
        cell.metadata = {}
        cell.pop("id", None)
    return nb


def relabelled(nb, exercise, first_line):
    """nb with the marker line of exercise's cell replaced by first_line."""
    nb = copy.deepcopy(nb)
    cell = graded_cell(nb, exercise)
    cell.source = first_line + "\n" + cell.source.split("\n", 1)[1]
    return nb


def as_markdown(nb, exercise):
    nb = copy.deepcopy(nb)
    cell = graded_cell(nb, exercise)
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return nb


def with_extra_cell(nb, source, before=None):
    """nb with a code cell of source added (before exercise `before`'s cell, or at the end)."""
    nb = copy.deepcopy(nb)
    cell = copy.deepcopy(graded_cell(nb, "clip"))
    cell.source, cell.metadata = source, {}
    cell["id"] = "extra-cell"
    at = nb.cells.index(graded_cell(nb, before)) if before else len(nb.cells)
    nb.cells.insert(at, cell)
    return nb


def cell_code(exercise, body):
    """A graded cell for exercise: its marker line, then body."""
    return f"# {DINO.exercises[exercise].marker} (UNIQUE CELL IDENTIFIER, DO NOT EDIT)\n{body}"


CLIP_ZEROS = cell_code(
    "clip",
    "def clip(gradients, maxValue):\n"
    "    return {k: np.zeros_like(gradients[k]) for k in ('dWaa', 'dWax', 'dWya', 'db', 'dby')}\n",
)


def cheats(patch, where="cell"):
    """A wrong clip (all zeros) with `patch`, run before it in its cell or in an extra cell."""
    if where == "cell":
        return notebook(solved(*CHEAP, clip=cell_code("clip", patch + "\n" + CLIP_ZEROS.split("\n", 1)[1])))
    return notebook(with_extra_cell(solved(*CHEAP, clip=CLIP_ZEROS), patch, before="clip"))


def with_local_utils(folder):
    """The solved notebook next to a utils/ of the student's own that breaks on import."""
    notebook(solved(*CHEAP))(folder)
    (folder / "utils").mkdir()
    (folder / "utils" / "__init__.py").write_text("raise ImportError('the student copy of utils was imported')\n")


def two_notebooks(folder):
    notebook(solved(*CHEAP))(folder)
    notebook(submission(), "Untitled.ipynb")(folder)


def utf8_broken(where):
    """The solved notebook's bytes with a lone 0xff byte in a markdown cell or in clip's code."""
    text = json.dumps(solved(*CHEAP), indent=1, ensure_ascii=False)
    anchor = "# Dinosaur Island" if where == "markdown" else "clipped = {}"
    assert anchor in text, anchor
    return raw(text.replace(anchor, anchor.replace(" ", " \udcff", 1), 1).encode("utf-8", "surrogateescape"))


STYLES = {
    "clip": edited(
        "clip",
        'for name in ("dWaa", "dWax", "dWya", "db", "dby"):\n'
        "        clipped[name] = np.clip(gradients[name], -maxValue, maxValue)",
        "for name in ['dWaa', 'dWax', 'dWya', 'db', 'dby']:\n"
        "        clipped[name] = np.minimum(np.maximum(gradients[name], -maxValue), maxValue)",
    ),
    "sample": edited(
        "sample", "a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)", "a = np.tanh(Wax @ x + Waa @ a_prev + b)"
    ),
    "optimize": edited("optimize", "gradients = clip(gradients, 5)", "gradients = clip(gradients, maxValue=5)"),
    "model": edited(
        "model",
        "single_example_ix = [char_to_ix[ch] for ch in single_example]",
        "single_example_ix = list(map(char_to_ix.get, single_example))",
    ),
}
HANG = cell_code(
    "optimize", "def optimize(X, Y, a_prev, parameters, learning_rate=0.01):\n    while True:\n        pass\n"
)
STUBBORN = cell_code(
    "sample",
    "import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n"
    "    signal.signal(s, signal.SIG_IGN)\n"
    "def sample(parameters, char_to_ix, seed):\n    while True:\n        pass\n",
)

CORPUS = {
    # right answers
    "solved": Entry(notebook(solved(*FULL)), FULL),
    "other_styles": Entry(notebook(solved(*FULL, **STYLES)), FULL),
    "no_metadata": Entry(notebook(stripped(solved(*FULL))), FULL),
    "reordered": Entry(notebook(with_cells(solved(*CHEAP), lambda cells: cells[::-1])), scores()),
    "duplicated": Entry(
        notebook(with_extra_cell(solved(*CHEAP), CLIP_ZEROS, before="clip")),
        scores(),
        ("UNQ_C1 marks 2 cells", "the last one"),
    ),
    "marker_slips": Entry(
        notebook(relabelled(relabelled(solved(*CHEAP), "clip", "#unq_c1"), "sample", "#  UNQ C2 (...)")),
        scores(),
        ("the marker line reads '#unq_c1'",),
    ),
    "marker_lost": Entry(
        notebook(relabelled(solved(*CHEAP), "optimize", "# my optimize")),
        scores(),
        ("found by its nbgrader id 'optimize'",),
    ),
    "markdown_cell": Entry(notebook(as_markdown(solved(*CHEAP), "sample")), scores(), ("is a markdown cell",)),
    "extra_cells": Entry(notebook(with_extra_cell(solved(*CHEAP), "raise SystemExit('an extra cell')")), scores()),
    # stubs and partial work
    "untouched": Entry(notebook(submission()), dict.fromkeys(FULL, 0), ("raised NotImplementedError",)),
    "half": Entry(notebook(solved("clip", "sample")), scores(optimize=0)),
    "clip_misses_a_bound": Entry(
        notebook(solved(*CHEAP, clip=edited("clip", "-maxValue, maxValue)", "-10, 10)"))), scores(clip=0.66)
    ),  # 1 of the 3 hidden cases (maxValue 100)
    "clip_keeps_extra_keys": Entry(
        notebook(
            solved(
                *CHEAP,
                clip=edited("clip", 'for name in ("dWaa", "dWax", "dWya", "db", "dby"):', "for name in gradients:"),
            )
        ),
        scores(clip=1.33),
        ("should have exactly the keys",),
    ),  # 2 of the 3 hidden cases
    "wrong_clip_right_rest": Entry(notebook(solved(*FULL, clip=CLIP_ZEROS)), {**FULL, "clip": 0}),
    "cell_deleted": Entry(
        notebook(with_cells(solved(*CHEAP), lambda cells: [c for c in cells if c.get("id") != "optimize"])),
        scores(optimize=0),
        ("no cell is marked UNQ_C3",),
    ),
    # faults: each costs its own exercise only
    "syntax_error": Entry(
        notebook(solved(*CHEAP, clip=edited("clip", "clipped = {}", "clipped = {"))),
        scores(clip=0),
        ("syntax error on line",),
    ),
    "raises": Entry(
        notebook(solved(*CHEAP, sample=edited("sample", "vocab_size = by.shape[0]", "vocab_size = by.shape[7]"))),
        scores(sample=0),
        ("raised IndexError", "of your cell"),
    ),
    "crash_at_import": Entry(
        notebook(solved(*CHEAP, clip=cell_code("clip", "raise RuntimeError('boom')\n"))),
        scores(clip=0),
        ("running the cell raised RuntimeError: boom",),
    ),
    "os_exit": Entry(
        notebook(
            solved(*CHEAP, sample=edited("sample", "    indices = []", "    import os; os._exit(3)\n    indices = []"))
        ),
        scores(sample=0),
        ("exited with status 3",),
    ),
    "sys_exit": Entry(
        notebook(solved(*CHEAP, clip=edited("clip", "    clipped = {}", "    raise SystemExit(0)"))),
        scores(clip=0),
        ("raised SystemExit",),
    ),
    "hangs": Entry(notebook(solved("clip", "sample", optimize=HANG)), scores(optimize=0), ("time limit",)),
    "ignores_signals": Entry(notebook(solved("clip", "optimize", sample=STUBBORN)), scores(sample=0), ("time limit",)),
    "memory_bomb": Entry(
        notebook(
            solved(
                *CHEAP,
                clip=edited(
                    "clip", "    clipped = {}", "    hog = [bytearray(2**20) for _ in range(10**6)]\n    clipped = {}"
                ),
            )
        ),
        scores(clip=0),
        ("MemoryError",),
    ),
    "noisy": Entry(
        notebook(
            solved(
                *CHEAP,
                clip=edited(
                    "clip",
                    "    return clipped",
                    "    import sys, warnings\n    warnings.warn('a warning')\n"
                    "    print('debug' * 10**5, file=sys.stderr)\n    print('x' * 10**6)\n    return clipped",
                ),
            )
        ),
        scores(),
    ),
    "magics": Entry(
        notebook(
            solved(
                *CHEAP,
                clip="%time\n" + solutions()["clip"].replace("    clipped = {}", "    clipped = {}\n    !echo hi"),
            )
        ),
        scores(),
        ("IPython commands",),
    ),
    # tampering (toolchain.md §4): a wrong clip that fooled nbgrader, and each trick with it
    "patches_numpy": Entry(
        cheats(
            "np.allclose = np.isclose = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\nnp.array_equal = lambda *a, **k: True"
        ),
        scores(clip=0),
    ),
    "patches_builtins": Entry(
        cheats("import builtins\nbuiltins.abs = lambda v: 0\nbuiltins.AssertionError = Exception"), scores(clip=0)
    ),
    "patches_in_extra_cell": Entry(
        cheats("np.allclose = lambda *a, **k: True\nimport builtins\nbuiltins.abs = lambda v: 0", where="extra cell"),
        scores(clip=0),
    ),
    "input_transformer": Entry(
        cheats("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])", where="extra cell"),
        scores(clip=0),
    ),
    "input_transformer_in_cell": Entry(
        cheats("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"),
        scores(clip=0),
        ("NameError",),
    ),
    "equals_anything": Entry(
        notebook(
            solved(
                *CHEAP,
                clip=cell_code(
                    "clip",
                    "class Anything(dict):\n    def __eq__(self, other):\n"
                    "        return True\ndef clip(gradients, maxValue):\n"
                    "    return Anything()\n",
                ),
            )
        ),
        scores(clip=0),
    ),
    "reads_the_solution": Entry(
        notebook(
            solved(
                *CHEAP,
                clip=cell_code(
                    "clip",
                    "import json\n"
                    f"cells = json.load(open({str(DINO.source_notebook)!r}))['cells']\n"
                    "exec(next(''.join(c['source']) for c in cells\n"
                    "          if 'GRADED FUNCTION: clip' in ''.join(c['source'])))\n",
                ),
            )
        ),
        scores(clip=0),
        ("No such file or directory",),
    ),  # the source is not mounted where graded code runs
    "imports_the_grader": Entry(
        notebook(
            solved(
                *CHEAP,
                clip=cell_code(
                    "clip",
                    "from autograder.grading.reference import solution_namespace\n"
                    "from autograder.course import assignment\n"
                    "clip = solution_namespace(assignment('dinosaur_island'))['clip']\n",
                ),
            )
        ),
        scores(clip=0),
        ("may not import the grading package",),
    ),
    "kills_the_grader": Entry(
        notebook(solved(*CHEAP, clip=cell_code("clip", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"))),
        scores(clip=0),
        ("os.kill is not allowed",),
    ),
    "own_utils": Entry(with_local_utils, scores()),
    "custom_exception_handler": Entry(
        cheats("get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)", where="extra cell"),
        scores(clip=0),
    ),
    "test_cell_deleted": Entry(
        notebook(
            with_cells(solved(*CHEAP, clip=CLIP_ZEROS), lambda cells: [c for c in cells if c.get("id") != "test_clip"])
        ),
        scores(clip=0),
    ),
    "test_cell_emptied": Entry(
        notebook(
            with_cells(
                solved(*CHEAP, clip=CLIP_ZEROS),
                lambda cells: [c if c.get("id") != "test_clip" else {**c, "source": "pass"} for c in cells],
            )
        ),
        scores(clip=0),
    ),
    # malformed files: the student scores 0 with a message naming the file
    "invalid_json": Entry(raw(json.dumps(solved(*CHEAP)).encode()[:5000]), dict.fromkeys(FULL, 0), ("invalid JSON",)),
    "empty_file": Entry(raw(b""), dict.fromkeys(FULL, 0), ("the file is empty",)),
    "not_a_notebook": Entry(raw(b'["a", "list"]'), dict.fromkeys(FULL, 0), ("not a notebook",)),
    "no_cells": Entry(raw(b'{"cells": [], "metadata": {}}'), dict.fromkeys(FULL, 0), ("has no cells",)),
    "no_notebook": Entry(
        lambda folder: (folder / "notes.txt").write_text("oops"), dict.fromkeys(FULL, 0), ("no .ipynb file",)
    ),
    "bad_byte_in_markdown": Entry(utf8_broken("markdown"), scores(), ("not UTF-8",)),
    "bad_byte_in_code": Entry(utf8_broken("code"), scores(clip=0), ("not UTF-8", "syntax error")),
    "two_notebooks": Entry(two_notebooks, scores(), ("2 notebooks in the folder",)),
}


def write_tree(root, entries=CORPUS):
    """nbgrader's submitted/ layout under root: <student>/<assignment>/<files>."""
    for student, entry in entries.items():
        folder = Path(root) / student / DINO.name
        folder.mkdir(parents=True)
        entry.write(folder)
    return root
