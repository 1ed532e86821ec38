"""The course: where it lives and the graded assignments it holds.

An assignment is data. Each one is a folder `autograder/assignments/<name>/` with
- `assignment.toml`: its title, its graded exercises (marker, points, dependencies, the arguments
  whose state after the call matters), its support files (and, for a file the release holds under
  another path than the course, where the course keeps it) and its editions;
- `cases.py`: its grading cases and their checks (`CASES = {exercise: [Case, ...]}`);
and, as nbgrader has it, its source notebook `source/<name>/<name>.ipynb` with the solutions and
hidden tests. Everything else (the graders, the release, the report, the gradebook) reads an
Assignment from here; nothing else names an exercise.
"""

import importlib
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import tomllib

TITLE = "Dinosaur Island: character-level language models in numpy"  # the course's, as its READMEs begin
COURSE_ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS_DIR = Path(__file__).resolve().parent / "assignments"
DATA_DIR = COURSE_ROOT / "data"

# Notebooks that students open straight from the repository rather than from an nbgrader release
# (the optional ones in notebooks/), each with the files, relative to the repository root, that
# it needs: its Colab setup cell downloads them, and `python -m autograder publish` publishes them
# beside it. `python -m autograder release` gives each its badge and setup cell.
COLAB_NOTEBOOKS = {
    "notebooks/shakespeare_lstm.ipynb": (
        "utils/__init__.py",
        "utils/rnn.py",  # utils/__init__.py imports it
        "utils/activations.py",  # utils/rnn.py imports it
        "utils/text.py",
        "utils/lstm.py",
        "utils/gradient_check.py",
        "utils/train_lstm.py",
        "data/shakespeare.txt",
        "data/shakespeare_lstm.npz",
        "data/shakespeare_lstm.json",
    ),
}

MARKER = re.compile(r"UNQ_C([1-9][0-9]*)")
LANGUAGE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")


class CourseError(ValueError):
    """An assignment's data is missing or wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Exercise:
    name: str  # the graded function's name; the nbgrader ids of its cells are name and test_<name>
    number: int  # n of its cell's "# UNQ_Cn" marker
    points: float
    uses: tuple  # graded functions of other exercises it calls; grading gives it the reference ones
    watch: tuple  # arguments whose state after the call is part of the contract

    @property
    def marker(self):
        return f"UNQ_C{self.number}"


@dataclass(frozen=True)
class Edition:
    language: str  # "en", "zh-CN": the language of the notebook's prose and of its feedback
    release_dir: Path  # where the release of this edition is written
    notebook: Path  # the released notebook: release_dir / <assignment>.ipynb
    translation: Path = None  # the translation file it is generated from; None for the source's own
    title: str = None  # the assignment's title in this language; None for the source's own


@dataclass(frozen=True, eq=False)  # one object per folder (load is cached): compared and hashed by identity
class Assignment:
    name: str
    title: str
    place: int  # in the series
    folder: Path  # autograder/assignments/<name>/
    exercises: dict  # {name: Exercise}, in notebook order
    support_files: tuple  # paths in the release folder; the course's file of the same path unless support_sources says
    editions: tuple  # Edition, the source's own language first
    support_sources: dict  # {path in the release: the course's path of that file}, for files kept elsewhere

    def support_source(self, name):
        """The course's copy (absolute path) of the support file at path `name` of the release."""
        return COURSE_ROOT / self.support_sources.get(name, name)

    @property
    def source_dir(self):
        return COURSE_ROOT / "source" / self.name

    @property
    def source_notebook(self):
        return self.source_dir / f"{self.name}.ipynb"

    @property
    def release_dir(self):
        """The release of the source's own edition (the one graders load their setup from)."""
        return self.editions[0].release_dir

    @property
    def max_points(self):
        return sum(e.points for e in self.exercises.values())

    def edition(self, language):
        return next(e for e in self.editions if e.language == language)

    def title_in(self, language):
        """The title in the language of one of its editions (the assignment's own title otherwise)."""
        return next((e.title for e in self.editions if e.language == language and e.title), self.title)

    @cached_property
    def catalog(self):
        """The messages.Catalog its graders speak from: the common messages and its cases.py's MESSAGES."""
        from .grading.messages import COMMON, Catalog

        module = importlib.import_module(f"autograder.assignments.{self.name}.cases")
        return Catalog(COMMON, getattr(module, "MESSAGES", {}))

    @cached_property
    def cases(self):
        """{exercise name: [Case, ...]} from the assignment's cases.py, checked against its exercises."""
        module = importlib.import_module(f"autograder.assignments.{self.name}.cases")
        cases = module.CASES
        where = self.folder / "cases.py"
        if list(cases) != list(self.exercises):
            raise CourseError(
                f"{where}: CASES has the exercises {list(cases)}, assignment.toml has {list(self.exercises)}"
            )
        for name, found in cases.items():
            if not any(not case.public for case in found):
                raise CourseError(f"{where}: {name} has no hidden case, so nothing could score its points")
        return cases


def assignments():
    """{name: Assignment} of every folder under autograder/assignments/, in the order of the series."""
    found = [load(folder) for folder in sorted(ASSIGNMENTS_DIR.iterdir()) if (folder / "assignment.toml").is_file()]
    return {a.name: a for a in sorted(found, key=lambda a: (a.place, a.name))}


def assignment(name=None):
    """The assignment called name; without a name, the course's only one. CourseError otherwise."""
    known = assignments()
    if name is None:
        if len(known) == 1:
            return next(iter(known.values()))
        raise CourseError(f"the course has {len(known)} assignments; name one of: {', '.join(known)}")
    if name not in known:
        raise CourseError(f"no assignment {name!r}; the course has: {', '.join(known) or 'none'}")
    return known[name]


@cache
def load(folder):
    """The Assignment described by folder/assignment.toml; CourseError naming the file and entry."""
    folder = Path(folder)
    path = folder / "assignment.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CourseError(f"{path}: {error}") from None
    name = folder.name
    _only(data, {"title", "place", "support_files", "support_sources", "exercises", "editions"}, path)
    title = _field(data, "title", str, path)
    place = _field(data, "place", int, path)
    exercises = {}
    for number, entry in enumerate(_field(data, "exercises", list, path), start=1):
        where = f"{path}, exercise {number}"
        if not isinstance(entry, dict):
            raise CourseError(f"{where}: expected a table")
        _only(entry, {"name", "marker", "points", "uses", "watch"}, where)
        marker = MARKER.fullmatch(_field(entry, "marker", str, where))
        if marker is None:
            raise CourseError(f"{where}: marker must look like UNQ_C1")
        exercise = Exercise(
            name=_field(entry, "name", str, where),
            number=int(marker.group(1)),
            points=_field(entry, "points", (int, float), where),
            uses=tuple(_strings(entry, "uses", where)),
            watch=tuple(_strings(entry, "watch", where)),
        )
        if exercise.points <= 0:
            raise CourseError(f"{where}: points must be positive")
        if exercise.name in exercises or any(e.number == exercise.number for e in exercises.values()):
            raise CourseError(f"{where}: {exercise.name} or {exercise.marker} is already taken")
        exercises[exercise.name] = exercise
    for exercise in exercises.values():
        unknown = set(exercise.uses) - set(exercises) | ({exercise.name} & set(exercise.uses))
        if unknown:
            raise CourseError(
                f"{path}, exercise {exercise.name}: uses {sorted(unknown)}, "
                "which are not other exercises of the assignment"
            )
    support_files = tuple(_strings(data, "support_files", path))
    support_sources = data.get("support_sources", {})
    if not (isinstance(support_sources, dict) and all(isinstance(v, str) for v in support_sources.values())):
        raise CourseError(f"{path}: 'support_sources' must be a table of strings")
    unknown = sorted(set(support_sources) - set(support_files))
    if unknown:
        raise CourseError(f"{path}: support_sources names {unknown}, which are not among the support_files")
    for file in support_files:
        source = support_sources.get(file, file)
        for where in {file, source}:
            if Path(where).is_absolute() or ".." in Path(where).parts:
                raise CourseError(f"{path}: support file {where!r} is not a file of the course")
        if not (COURSE_ROOT / source).is_file():
            raise CourseError(f"{path}: support file {source!r} is not a file of the course")
    editions = []
    for number, entry in enumerate(_field(data, "editions", list, path), start=1):
        where = f"{path}, edition {number}"
        if not isinstance(entry, dict):
            raise CourseError(f"{where}: expected a table")
        _only(entry, {"language", "release", "translation", "title"}, where)
        language = _field(entry, "language", str, where)
        if not LANGUAGE.fullmatch(language):
            raise CourseError(f"{where}: language {language!r} is not like 'en' or 'zh-CN'")
        release = COURSE_ROOT / _field(entry, "release", str, where)
        translation = entry.get("translation")
        if (translation is None) != (number == 1):
            raise CourseError(f"{where}: the first edition is the source's own; every other needs a translation")
        own_title = entry.get("title")
        if own_title is not None and not isinstance(own_title, str):
            raise CourseError(f"{where}: 'title' must be a string")
        editions.append(
            Edition(
                language,
                release,
                release / f"{name}.ipynb",
                None if translation is None else COURSE_ROOT / translation,
                own_title,
            )
        )
    if len({e.language for e in editions}) != len(editions):
        raise CourseError(f"{path}: two editions have the same language")
    return Assignment(name, title, place, folder, exercises, support_files, tuple(editions), dict(support_sources))


def _only(table, keys, where):
    """CourseError for keys of table that are not among keys (a typo, or a key in the wrong table)."""
    unknown = sorted(set(table) - keys)
    if unknown:
        raise CourseError(f"{where}: unknown {', '.join(map(repr, unknown))}; expected some of {sorted(keys)}")


def _field(table, key, kind, where):
    if key not in table:
        raise CourseError(f"{where}: missing {key!r}")
    value = table[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CourseError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
    return value


def _strings(table, key, where):
    values = _field(table, key, list, where)
    if not all(isinstance(v, str) for v in values):
        raise CourseError(f"{where}: {key!r} must be a list of strings")
    return values
