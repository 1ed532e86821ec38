"""Where the course lives and what it grades: paths and the four graded exercises."""

from dataclasses import dataclass
from pathlib import Path

# Where the course is published: the GitHub repository ("owner/name") and branch that the "Open in
# Colab" badges open and that the notebooks' Colab setup cell downloads helper code and data from.
# Set them to your repository (or your fork) and run `python -m autograder release`. The default
# owner is on purpose not a possible GitHub account name (no underscores there), so an unset copy
# fails with a clear download error instead of fetching somebody else's files.
REPOSITORY = "YOUR_ACCOUNT/dinosaur-island"
BRANCH = "main"

COURSE_ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "dinosaur_island"
SOURCE_DIR = COURSE_ROOT / "source" / ASSIGNMENT
SOURCE_NOTEBOOK = SOURCE_DIR / f"{ASSIGNMENT}.ipynb"
RELEASE_DIR = COURSE_ROOT / "release" / ASSIGNMENT
DATA_DIR = COURSE_ROOT / "data"

# The Chinese edition is a second nbgrader assignment generated from the English source and the
# translation file (see autograder/translation.py): same code cells, so the same grading.
ZH_ASSIGNMENT = "dinosaur_island_zh"
ZH_SOURCE_NOTEBOOK = COURSE_ROOT / "source" / ZH_ASSIGNMENT / f"{ZH_ASSIGNMENT}.ipynb"
TRANSLATION_FILE = COURSE_ROOT / "source" / f"{ASSIGNMENT}.zh-CN.yml"
ASSIGNMENTS = (ASSIGNMENT, ZH_ASSIGNMENT)


@dataclass(frozen=True)
class Exercise:
    name: str  # the graded function's name
    number: int  # n of the cell's "# UNQ_Cn" marker
    points: float
    uses: tuple  # graded functions of other exercises it calls; grading gives it the reference ones

    @property
    def marker(self):
        return f"UNQ_C{self.number}"


EXERCISES = {
    e.name: e
    for e in (
        Exercise("clip", 1, 2, ()),
        Exercise("sample", 2, 3, ()),
        Exercise("optimize", 3, 3, ("clip",)),
        Exercise("model", 4, 4, ("optimize", "sample", "clip")),
    )
}

# What a release folder holds besides the notebook, and what its Colab setup cell downloads. The
# source folders have these as symlinks to the one copy at the repository root (nbgrader copies the
# files they point to). The figures are not among them: the release embeds them in the notebook.
SUPPORT_FILES = (
    "utils/__init__.py",
    "utils/rnn.py",
    "utils/text.py",
    "utils/public_tests.py",
    "data/dinos.txt",
    "data/swiss_first_names.txt",
)

# Notebooks that students open straight from the repository rather than from an nbgrader release
# (the optional ones in notebooks/), each with the files, relative to the repository root, that
# its Colab setup cell downloads. `python -m autograder release` gives each its badge and setup cell.
COLAB_NOTEBOOKS = {
    "notebooks/shakespeare_lstm.ipynb": (
        "utils/__init__.py",
        "utils/rnn.py",  # utils/__init__.py imports it
        "utils/text.py",
        "utils/lstm.py",
        "utils/gradient_check.py",
        "utils/train_lstm.py",
        "data/shakespeare.txt",
        "data/shakespeare_lstm.npz",
        "data/shakespeare_lstm.json",
    ),
}
