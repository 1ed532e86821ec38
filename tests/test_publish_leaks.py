"""The student edition leaks nothing: no line of a solution or of a hidden test of any source
notebook, no hidden case's arguments or expected values, no line of the cases' code, and no file
that is not on the published list (which is written here from the course's data, not read from
the publishing code). Each check is also shown to catch a planted leak, so none passes vacuously."""

import io
import json
import re
import shutil
import tokenize
from functools import lru_cache

import nbformat
import numpy as np
import pytest

from autograder.course import COLAB_NOTEBOOKS, COURSE_ROOT, assignments
from autograder.grading import scoring

BLOCKS = {"### BEGIN SOLUTION": "### END SOLUTION", "### BEGIN HIDDEN TESTS": "### END HIDDEN TESTS"}
MIN_LINE = 8  # characters of a normalised line below which it is too common to mean anything ("returnx")
MIN_DIGITS = 6  # significant digits of a number below which a match could be chance
LAB_SETTINGS = ["lab_settings/pyproject.toml", "lab_settings/labconfig/nbgrader_student.json",
                "lab_settings/server/nbgrader_student.json"]


def published_list():
    """The files the student edition may hold, from the course's data."""
    allowed = {"README.md", ".gitignore", "requirements.txt", "data/PROVENANCE.md", *LAB_SETTINGS}
    for assignment in assignments().values():
        for edition in assignment.editions:
            folder = edition.release_dir.name
            allowed |= {f"{folder}/{edition.notebook.name}", *(f"{folder}/{f}" for f in assignment.support_files)}
    for notebook, needed in COLAB_NOTEBOOKS.items():
        allowed |= {notebook, *needed}
    return allowed


def normalised(line):
    """A code line without its comment and without any whitespace, so that reformatting a leaked
    line does not hide it; "" for a line that tokenize cannot read alone (part of a string)."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(line.strip()).readline)
                  if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                    tokenize.DEDENT, tokenize.ENDMARKER)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.sub(r"\s+", "", line)
    return "".join(t.string for t in tokens)


def _blocks(source):
    """(lines inside the solution and hidden-test blocks of a cell's source, the other lines)."""
    inside, outside, end = [], [], None
    for line in source.splitlines():
        marker = line.strip()
        if end is None and marker in BLOCKS:
            end = BLOCKS[marker]
        elif end is not None and marker == end:
            end = None
        else:
            (inside if end else outside).append(line)
    return inside, outside


@lru_cache(maxsize=None)
def secret_lines():
    """{normalised line: where it comes from} of the solutions and hidden tests of every source
    notebook that do not also appear, as given code, outside those blocks; and the code lines of
    every assignment's cases.py but those its support files share with it (the public tests
    build their examples with the same lines; hidden cases differ by their values, checked apart)."""
    secrets = {}
    for assignment in assignments().values():
        nb = nbformat.read(assignment.source_notebook, as_version=4)
        given = set()
        for cell in nb.cells:
            inside, outside = _blocks(cell.source)
            given |= {normalised(line) for line in outside}
            secrets.update({normalised(line): f"{assignment.source_notebook.name}, cell {cell.id}" for line in inside})
        secrets = {line: where for line, where in secrets.items() if line not in given}
        cases = assignment.folder / "cases.py"
        public = {normalised(line) for name in assignment.support_files if name.endswith(".py")
                  for line in (COURSE_ROOT / name).read_text(encoding="utf-8").splitlines()}
        secrets.update({normalised(line): cases.name for line in cases.read_text(encoding="utf-8").splitlines()
                        if normalised(line) not in public and
                        not line.lstrip().startswith(("import ", "from ", "def ", "return ", '"""', "#"))})
    return {line: where for line, where in secrets.items() if len(line) >= MIN_LINE}


def _floats(value):
    """Every float in value (plain data, arrays, nested lists and dicts) that is not a whole number."""
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, (list, tuple)):
        return [f for v in value for f in _floats(v)]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return [float(v) for v in value.ravel() if v != round(v)]
    if isinstance(value, float) and value != round(value):
        return [value]
    return []


@lru_cache(maxsize=None)
def hidden_values():
    """({rounded text: where} of the floats of every hidden case's arguments and expected values,
    at every precision from MIN_DIGITS to 17 significant digits; {printed line: where})."""
    numbers, printed = {}, {}
    for assignment in assignments().values():
        for exercise, cases in assignment.cases.items():
            for index, case in enumerate(cases):
                if case.public:
                    continue
                where = f"{assignment.name}, hidden case {index} of {exercise}"
                expected = scoring.expected(assignment, exercise, index)
                for value in _floats(case.build()) + _floats(expected):
                    numbers.update({f"{abs(value):.{digits}g}": where for digits in range(MIN_DIGITS, 18)})
                printed.update({line.strip(): where for line in expected.get("printed", "").splitlines()
                                if len(line.strip()) >= MIN_LINE})
    return numbers, printed


def text_lines(path):
    """The lines of a published file that a reader sees: a notebook's cell sources and outputs,
    a text file's lines; none for a binary file."""
    data = path.read_bytes()
    if path.suffix == ".ipynb":
        nb = json.loads(data)
        texts = ["".join(cell["source"]) for cell in nb["cells"]]
        texts += [json.dumps(output) for cell in nb["cells"] for output in cell.get("outputs", [])]
        return "\n".join(texts).splitlines()
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return []


def leaks(folder):
    """Every leak in folder, one message each (empty: none)."""
    found = []
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    found += [f"{name}: not on the published list" for name in files if name not in published_list()]
    secrets = secret_lines()
    numbers, printed = hidden_values()
    number = re.compile(r"\d+\.\d+(?:[eE][-+]?\d+)?")
    for name in files:
        for line in text_lines(folder / name):
            if normalised(line) in secrets:
                found.append(f"{name}: {line.strip()!r} is from {secrets[normalised(line)]}")
            if line.strip() in printed:
                found.append(f"{name}: {line.strip()!r} is printed by {printed[line.strip()]}")
            for match in number.finditer(line):
                digits = len(re.sub(r"[^0-9]", "", match.group().split("e")[0].split("E")[0]).lstrip("0"))
                if digits >= MIN_DIGITS and f"{float(match.group()):.{digits}g}" in numbers:
                    found.append(f"{name}: {match.group()} is a value of {numbers[f'{float(match.group()):.{digits}g}']}")
    return found


def test_the_student_edition_holds_exactly_the_published_list(published):
    files = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert files == published_list()
    assert not {"source", "autograder", "tests", "release", ".git"} & {part for f in files for part in f.split("/")}


def test_nothing_secret_is_in_the_student_edition(published):
    assert secret_lines() and hidden_values()[0], "the check must have something to look for"
    assert leaks(published) == []


@pytest.fixture
def edition_copy(published, tmp_path):
    copy = tmp_path / "edition"
    shutil.copytree(published, copy)
    return copy


def test_a_solution_line_is_found_even_reformatted(edition_copy):
    assignment = next(iter(assignments().values()))
    line, where = next((line, where) for line, where in secret_lines().items()
                       if ".ipynb" in where and not set("'\"") & set(line))
    helper = edition_copy / assignment.editions[0].release_dir.name / "utils" / "text.py"
    spaced = " ".join(line) + "  # spaced out"  # every character apart, and a comment
    helper.write_text(helper.read_text(encoding="utf-8") + f"\n    {spaced}\n", encoding="utf-8")
    found = leaks(edition_copy)
    assert len(found) == 1 and f"is from {where}" in found[0]


def test_a_hidden_expected_value_is_found_at_any_precision(edition_copy):
    value = next(iter(hidden_values()[0]))
    readme = edition_copy / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\nThe answer is {value}.\n", encoding="utf-8")
    found = leaks(edition_copy)
    assert len(found) == 1 and found[0].startswith("README.md: ") and "hidden case" in found[0]


def test_a_file_off_the_list_is_found(edition_copy):
    (edition_copy / "dinosaur_island").mkdir(exist_ok=True)
    (edition_copy / "gradebook.db").write_bytes(b"SQLite format 3\0")
    assert leaks(edition_copy) == ["gradebook.db: not on the published list"]
