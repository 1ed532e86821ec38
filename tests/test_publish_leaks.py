"""The student edition leaks nothing: no line of a solution or of a hidden test of any source
notebook, no hidden case's arguments or expected values, no line of the cases' code, and no file
that is not on the published list (which is written here from the course's data, not read from
the publishing code). Each check is also shown to catch a planted leak, so none passes vacuously."""

import json
import re
from functools import cache

import numpy as np
import pytest

from autograder.authoring import answers, publish
from autograder.authoring.answers import normalised
from autograder.course import COLAB_NOTEBOOKS, assignments
from autograder.grading import scoring
from tests.conftest import ALL_DUE, STUDENT_SITE

MIN_DIGITS = 6  # significant digits of a number below which a match could be chance
LAB_SETTINGS = [
    "lab_settings/pyproject.toml",
    "lab_settings/labconfig/nbgrader_student.json",
    "lab_settings/server/nbgrader_student.json",
]


def published_list(chosen=None):
    """The files the student edition of the chosen assignments (default: all, with the optional
    notebooks) may hold, from the course's data."""
    chosen = chosen or list(assignments().values())
    allowed = {"README.md", ".gitignore", "requirements.txt", "data/PROVENANCE.md", *LAB_SETTINGS}
    for assignment in chosen:
        for edition in assignment.editions:
            folder = edition.release_dir.name
            allowed |= {f"{folder}/{edition.notebook.name}", *(f"{folder}/{f}" for f in assignment.support_files)}
    if len(chosen) == len(assignments()):
        for notebook, needed in COLAB_NOTEBOOKS.items():
            allowed |= {notebook, *needed}
    return allowed


@cache
def secret_lines():
    """{normalised line: (the assignment whose secret it is, whether it is an answer, where it comes
    from)}: the answers of every source notebook (solution and hidden-test lines it does not also
    give outside those blocks), and the lines of every cases.py that hold a number (the hidden cases' seeds, sizes
    and settings) but those the support files share with it (the public tests build their examples
    with the same lines)."""
    public = {
        normalised(line)
        for assignment in assignments().values()
        for name in assignment.support_files
        if name.endswith(".py")
        for line in (assignment.release_dir / name).read_text(encoding="utf-8").splitlines()
    }
    secrets = {}
    for assignment in assignments().values():
        secrets.update(
            {
                line: (assignment, True, f"{assignment.source_notebook.name}, cell {cell}")
                for line, cell in answers.answer_lines(assignment).items()
            }
        )
        cases = (assignment.folder / "cases.py").read_text(encoding="utf-8").splitlines()
        secrets.update(
            {
                normalised(line): (assignment, False, f"{assignment.name}'s cases.py")
                for line in cases
                if re.search(r"\b\d", line)
                and normalised(line) not in public
                and len(normalised(line)) >= answers.MIN_LINE
                and not line.lstrip().startswith("#")
            }
        )
    return secrets


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


@cache
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
                printed.update(
                    {
                        line.strip(): where
                        for line in expected.get("printed", "").splitlines()
                        if len(line.strip()) >= answers.MIN_LINE
                    }
                )
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


def _owner(name):
    """The assignment whose edition folder holds the published file name; None for the others."""
    return next(
        (a for a in assignments().values() for e in a.editions if name.startswith(f"{e.release_dir.name}/")), None
    )


def handed_out(name, assignment):
    """Whether the published file name may hold answers of assignment: it is helper code (not a
    notebook) of a later assignment of the series, or of the optional notebooks, which come after
    every assignment."""
    owner = _owner(name)
    if owner is None:
        return any(name in needed for needed in COLAB_NOTEBOOKS.values())
    return not name.endswith(".ipynb") and owner.place > assignment.place


def leaks(folder, chosen=None):
    """Every leak in folder, the edition of the chosen assignments (default: all), one message each
    (empty: none). Answers of an earlier assignment in the helper code of a later one are not
    leaks; given_away(folder) lists them."""
    found = []
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    found += [f"{name}: not on the published list" for name in files if name not in published_list(chosen)]
    secrets = secret_lines()
    numbers, printed = hidden_values()
    number = re.compile(r"\d+\.\d+(?:[eE][-+]?\d+)?")
    for name in files:
        for line in text_lines(folder / name):
            assignment, answer, where = secrets.get(normalised(line), (None, False, None))
            if where and not (answer and handed_out(name, assignment)):
                found.append(f"{name}: {line.strip()!r} is from {where}")
            if line.strip() in printed:
                found.append(f"{name}: {line.strip()!r} is printed by {printed[line.strip()]}")
            for match in number.finditer(line):
                digits = len(re.sub(r"[^0-9]", "", match.group().split("e")[0].split("E")[0]).lstrip("0"))
                rounded = f"{float(match.group()):.{digits}g}"
                if digits >= MIN_DIGITS and rounded in numbers:
                    found.append(f"{name}: {match.group()} is a value of {numbers[rounded]}")
    return found


def given_away(folder):
    """{assignment name: the files of folder holding its answers as helper code of a later one}."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        for line in text_lines(path):
            assignment, answer, _ = secret_lines().get(normalised(line), (None, False, None))
            if answer and handed_out(name, assignment):
                found.setdefault(assignment.name, set()).add(name)
    return {key: sorted(names) for key, names in found.items()}


def test_the_student_edition_holds_exactly_the_published_list(published):
    files = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert files == published_list()
    assert not {"source", "autograder", "tests", "release", ".git"} & {part for f in files for part in f.split("/")}


def test_nothing_secret_is_in_the_student_edition(published):
    assert secret_lines() and hidden_values()[0], "the check must have something to look for"
    assert leaks(published) == []


def test_publishing_says_which_answers_helper_code_hands_out(published, tmp_path):
    """The series' helper code may hold an earlier assignment's answers: publishing names each file."""
    changes = publish.publish(tmp_path / "again", STUDENT_SITE, revealed=ALL_DUE)
    assert changes.given_away == given_away(published)


def test_answers_in_helper_code_are_refused_until_their_assignment_is_said_due(published, tmp_path):
    handed_out = given_away(published)
    assert handed_out, "this series hands out answers (Dinosaur Island's utils/rnn.py): the refusal is checked"
    for name, files in handed_out.items():
        others = tuple(other for other in ALL_DUE if other != name)
        with pytest.raises(publish.PublishError) as refused:
            publish.publish(tmp_path / name, STUDENT_SITE, revealed=others)
        said = str(refused.value)
        assert all(file in said for file in files) and f"--reveal-answers-of {name}" in said
        assert not (tmp_path / name).exists(), "nothing is written when publishing is refused"


def test_the_first_assignment_of_the_series_alone_leaks_nothing_at_all(tmp_path):
    first = [next(iter(assignments().values()))]
    changes = publish.publish(tmp_path / "first", STUDENT_SITE, first)
    assert changes.given_away == {} and given_away(tmp_path / "first") == {}
    assert leaks(tmp_path / "first", first) == []
    whole_series = len(assignments()) == 1
    assert (tmp_path / "first" / "notebooks").exists() == whole_series, "the optional notebooks come with all"


def test_a_solution_line_is_found_even_reformatted(edition_copy):
    assignment = next(iter(assignments().values()))
    line, where = next(
        (line, where) for line, (_, answer, where) in secret_lines().items() if answer and not set("'\"") & set(line)
    )
    own = next(name for name in assignment.support_files if name.endswith(".py"))
    helper = edition_copy / assignment.editions[0].release_dir.name / own  # its own helper code
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
