"""Where the course lives and what it grades: paths and the four graded exercises."""

from dataclasses import dataclass
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "dinosaur_island"
SOURCE_DIR = COURSE_ROOT / "source" / ASSIGNMENT
SOURCE_NOTEBOOK = SOURCE_DIR / f"{ASSIGNMENT}.ipynb"
RELEASE_DIR = COURSE_ROOT / "release" / ASSIGNMENT
DATA_DIR = COURSE_ROOT / "data"


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

# What the release folder holds besides the notebook. The source folder has these as symlinks
# to the one copy at the repository root (nbgrader copies the files they point to); the images
# are the ones the notebook's markdown shows.
SUPPORT_FILES = (
    "utils/__init__.py",
    "utils/rnn.py",
    "utils/text.py",
    "utils/public_tests.py",
    "data/dinos.txt",
    "data/swiss_first_names.txt",
)
