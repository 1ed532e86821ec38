"""A test of the public tests: every wrong answer of tests/mistakes.py fails its public test with
the hint for its mistake, and correct answers in other styles pass it.

The public tests are run directly on functions defined from the edited solution cells, as the
notebook defines them (on top of the notebook's setup); whole notebooks run in
test_public_tests_notebook.py.
"""

import re

import numpy as np
import pytest

from autograder.grading.reference import solution_namespace
from tests.mistakes import MISTAKES, STYLES
from tests.submissions import DINO, edited, solutions
from utils import public_tests
from utils.public_tests import MESSAGES, PublicTestFailed

TESTS = {
    "clip": public_tests.clip_test,
    "sample": public_tests.sample_test,
    "optimize": public_tests.optimize_test,
    "model": public_tests.model_test,
}


def _defined(exercise, source):
    """The function that source (a graded cell) defines, in a namespace of the notebook's setup
    and the reference solutions of the other exercises."""
    namespace = solution_namespace(DINO)
    exec(compile(source, f"<cell {exercise}>", "exec"), namespace)
    return namespace[exercise]


def _pattern(key):
    """A regular expression matching MESSAGES[key] in English, whatever its fields are filled with."""
    parts = re.split(r"\{[^}]*\}", MESSAGES[key][0])
    return ".+?".join(re.escape(part) for part in parts)


def _run(exercise, fn, capsys):
    """(the error the public test raised or None, what it printed)."""
    try:
        TESTS[exercise](fn)
        error = None
    except Exception as raised:  # a failed check (PublicTestFailed) or the student's own error
        error = raised
    return error, capsys.readouterr().out


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_wrong_answer_fails_with_its_hint(mistake, capsys):
    fn = _defined(mistake.exercise, edited(mistake.exercise, mistake.old, mistake.new))
    error, printed = _run(mistake.exercise, fn, capsys)
    assert error is not None, f"the public test passed a wrong answer:\n{printed}"
    assert "All tests passed" not in printed
    hints = re.findall(r"^ {8}hint: (.*)$", printed, flags=re.M)
    assert any(re.fullmatch(_pattern(mistake.hint), hint) for hint in hints), printed
    if isinstance(error, PublicTestFailed):
        assert re.search(r"^  FAIL  ", printed, flags=re.M), printed
    else:  # the student's own error goes on to the notebook, after its FAIL line
        assert re.search(r"^FAIL  calling \w+ raised ", printed, flags=re.M), printed


def test_there_are_at_least_30_mistakes_covering_every_exercise():
    assert len(MISTAKES) >= 30
    assert {m.exercise for m in MISTAKES} == set(TESTS)
    assert len({m.name for m in MISTAKES}) == len(MISTAKES)


@pytest.mark.parametrize("exercise", TESTS)
def test_the_solution_passes_and_shows_every_check(exercise, capsys):
    error, printed = _run(exercise, _defined(exercise, solutions()[exercise]), capsys)
    assert error is None, printed
    assert "All tests passed" in printed and "FAIL" not in printed
    assert len(re.findall(r"^  PASS  ", printed, flags=re.M)) >= 5


STYLED = [(exercise, i, edits) for exercise, styles in STYLES.items() for i, edits in enumerate(styles)]


@pytest.mark.parametrize("exercise, number, edits", STYLED, ids=[f"{e}-{i}" for e, i, _ in STYLED])
def test_correct_answer_in_another_style_passes(exercise, number, edits, capsys):
    source = solutions()[exercise]
    for old, new in edits:
        assert old in source, old
        source = source.replace(old, new)
    error, printed = _run(exercise, _defined(exercise, source), capsys)
    assert error is None, printed


def test_a_failure_shows_expected_and_got_side_by_side_even_below_print_precision(capsys):
    """optimize returning a loss 1e-12 off: the two numbers print differently."""
    source = edited("optimize", "return loss, gradients", "return loss * (1 + 1e-8), gradients")
    error, printed = _run("optimize", _defined("optimize", source), capsys)
    assert isinstance(error, PublicTestFailed)
    failure = printed[printed.index("FAIL  the loss") :]
    expected = re.search(r"^ {8}expected: (.*)$", failure, flags=re.M).group(1)
    got = re.search(r"^ {8}got +: (.*)$", failure, flags=re.M).group(1)
    assert expected != got and float(expected) != float(got), printed


def test_messages_have_both_languages_and_the_same_fields():
    for key, (english, chinese) in MESSAGES.items():
        assert re.findall(r"\{(\w*)", english) == re.findall(r"\{(\w*)", chinese) or sorted(
            re.findall(r"\{(\w*)", english)
        ) == sorted(re.findall(r"\{(\w*)", chinese)), key
        if key not in ("expected", "got", "clip_detail"):  # words, not only code, are translated
            assert re.search("[\u4e00-\u9fff]", chinese), key


def test_the_language_follows_the_notebook_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert public_tests.notebook_language() == "en"  # no notebook: English
    for edition in DINO.editions:
        (tmp_path / "dinosaur_island.ipynb").write_bytes(edition.notebook.read_bytes())
        assert public_tests.notebook_language() == edition.language


def test_the_public_tests_leave_the_global_random_functions_as_they_were(capsys):
    seed, choice = np.random.seed, np.random.choice
    public_tests.sample_test(_defined("sample", solutions()["sample"]))
    assert np.random.seed is seed and np.random.choice is choice
