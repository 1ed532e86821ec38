"""Building a recurrent network step by step: its reference functions are utils/rnn.py's, its
solution notebook passes, its public tests and gradient check catch mistakes, and both graders
(stock nbgrader with the hidden tests, and the project's grader) give the same points."""

import ast
import inspect
import shutil
import zipfile

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook

from autograder.authoring.publish import edition_folder
from autograder.authoring.release import run_nbgrader
from autograder.course import COURSE_ROOT, assignment
from autograder.grading import grader
from autograder.grading.reference import solution_namespace, solution_sources
from tests.notebook_runner import execute, text_of
from tests.submissions import hand_in, submission
from tests.test_colab import _Mirror, colab_kernel_env, mirror, published_notebook  # noqa: F401 (the simulated Colab's fixtures)
from tests.test_gradescope import install_bundle, notebook_bytes, run
from utils import rnn, rnn_tests

STEP = assignment("rnn_step_by_step")
NAME = STEP.name
FULL = {name: exercise.points for name, exercise in STEP.exercises.items()}


def _function_ast(source, name):
    """The AST dump of the function `name` in source, without its docstring and without the
    input checks (calls of _check_* functions) that utils/rnn.py adds for Dinosaur Island."""
    tree = ast.parse(source)
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
    body = function.body[1:] if ast.get_docstring(function) is not None else function.body
    function.body = [
        s
        for s in body
        if not (
            isinstance(s, ast.Expr)
            and isinstance(s.value, ast.Call)
            and getattr(s.value.func, "id", "").startswith("_check")
        )
    ]
    return ast.dump(function)


@pytest.mark.parametrize("name", list(STEP.exercises))
def test_the_reference_functions_are_the_ones_utils_rnn_gives_dinosaur_island(name):
    source = solution_sources(STEP)[name]
    assert _function_ast(source, name) == _function_ast(inspect.getsource(getattr(rnn, name)), name)


def test_the_reference_passes_the_public_tests_and_the_gradient_check(capsys):
    ns = solution_namespace(STEP)
    for name in STEP.exercises:
        getattr(rnn_tests, f"{name}_test")(ns[name])
    errors = rnn_tests.gradient_check(ns["rnn_forward"], ns["rnn_backward"])
    assert capsys.readouterr().out.count("All tests passed") == len(STEP.exercises)
    assert sorted(errors) == sorted(rnn_tests.GRADIENT_NAMES) and max(errors.values()) < 1e-7


WRONG = {  # a mistake a student makes, in each exercise, and the hint the public test gives
    "rnn_cell_forward": ("np.tanh(np.dot(", "(np.dot(", "np.tanh"),
    "rnn_forward": (
        "rnn_cell_forward(parameters, a[t - 1], x[t])",
        "rnn_cell_forward(parameters, a[-1], x[t])",
        "a[t] from a[t - 1]",
    ),
    "rnn_cell_backward": ("(1 - a_next**2)", "(1 - a_next)", "derivative of tanh"),
    "rnn_backward": ("np.dot(dz, previous_states.T)", "np.dot(dz, states.T)", "a<t-1>"),
}


def _defined(source, name, namespace):
    namespace = dict(namespace)
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace[name]


@pytest.mark.parametrize("name", list(WRONG))
def test_a_public_test_fails_a_wrong_function_with_a_hint(name):
    old, new, hint = WRONG[name]
    source = solution_sources(STEP)[name]
    assert old in source
    wrong = _defined(source.replace(old, new), name, solution_namespace(STEP))
    with pytest.raises(AssertionError, match="expected") as failure:
        getattr(rnn_tests, f"{name}_test")(wrong)
    assert hint in str(failure.value)


def test_the_forward_test_notices_a0_shared_with_the_cache():
    source = solution_sources(STEP)["rnn_forward"].replace("{-1: np.copy(a0)}", "{-1: a0}")
    wrong = _defined(source, "rnn_forward", solution_namespace(STEP))

    def forward_then_change_the_cache(X, Y, a0, parameters):  # as a caller may, in place
        loss, cache = wrong(X, Y, a0, parameters)
        cache[1][-1] += 1
        return loss, cache

    with pytest.raises(AssertionError, match="a\\[-1\\] must be a copy of a0"):
        rnn_tests.rnn_forward_test(forward_then_change_the_cache)


def test_the_gradient_check_names_a_wrong_gradient(capsys):
    ns = solution_namespace(STEP)
    source = solution_sources(STEP)["rnn_backward"].replace("np.dot(dz, previous_states.T)", "np.dot(dz, states.T)")
    wrong = _defined(source, "rnn_backward", ns)
    errors = rnn_tests.gradient_check(ns["rnn_forward"], wrong)
    assert errors["dWaa"] > 1e-3 and max(v for k, v in errors.items() if k != "dWaa") < 1e-7
    assert "dWaa     relative error" in capsys.readouterr().out


def test_the_hidden_cases_differ_from_the_public_example_in_seed_and_shape():
    for name, cases in STEP.cases.items():
        public = [c.build() for c in cases if c.public]
        hidden = [c.build() for c in cases if not c.public]
        assert len(public) == 1 and len(hidden) >= 3, name

        def shape(args):
            return tuple(np.shape(v) for v in args["parameters"].values())

        shapes = {shape(args) for args in hidden}
        assert len(shapes) == len(hidden), f"{name}: every hidden case has parameters of its own shape"
        assert shape(public[0]) not in shapes, f"{name}: no hidden case has the public example's shape"


# ---------------------------------------------------------------------------------------------
# the notebook, run, and graded by both graders


def _submission(solved=(), replace=None):
    """The released notebook with the graded cells of `solved` set to the solution and those of
    replace ({exercise: source}) to the given source."""
    return submission(solved, replace, of=STEP)


def test_the_solution_notebook_runs_and_every_test_passes(tmp_path):
    folder = tmp_path / NAME
    shutil.copytree(STEP.release_dir, folder)
    source = nbformat.read(STEP.source_notebook, as_version=4)
    done = execute(source, folder, env={"PYTHONPATH": str(COURSE_ROOT)})  # the hidden tests import autograder
    printed = {c.id: text_of(c) for c in done.cells if c.cell_type == "code"}
    for name in STEP.exercises:
        text = printed[f"test_{name}"]
        assert "All tests passed" in text and "PASS [hidden]" in text and "FAIL" not in text, text
    assert printed["gradient-check"].count(" ok") == len(rnn_tests.GRADIENT_NAMES), printed["gradient-check"]
    assert "All tests passed for lstm_cell_forward" in printed["lstm-test"]


def test_the_untouched_release_fails_only_where_work_is_missing(tmp_path):
    folder = tmp_path / NAME
    shutil.copytree(STEP.release_dir, folder)
    done = execute(_submission(), folder, allow_errors=True)
    errors = {
        c.id: c.outputs[-1].ename
        for c in done.cells
        if c.cell_type == "code" and c.outputs and c.outputs[-1].output_type == "error"
    }
    assert set(errors.values()) == {"NotImplementedError"}
    assert set(errors) == {f"test_{name}" for name in STEP.exercises} | {"gradient-check"}
    optional = next(c for c in done.cells if c.id == "lstm-test")
    assert "optional and not written yet" in text_of(optional)


# Wrong only where the public test does not look (README: where the graders' scores may differ):
# the zero input is given at the first step instead of wherever X holds None, which the public
# example (None first only) cannot tell apart; the hidden case with a None inside X can.
WRONG_FORWARD = solution_sources(STEP)["rnn_forward"].replace("if X[t] is not None:", "if t > 0:")
STUDENTS = {
    "solved": _submission(solved=STEP.exercises),
    "untouched": _submission(),
    "wrong": _submission(solved=STEP.exercises, replace={"rnn_forward": WRONG_FORWARD}),
}
FORWARD_HIDDEN = [case for case in STEP.cases["rnn_forward"] if not case.public]
FORWARD_RIGHT = [case for case in FORWARD_HIDDEN if None not in case.build()["X"][1:]]
EXPECTED = {
    "solved": FULL,
    "untouched": dict.fromkeys(FULL, 0),
    # partial credit: rnn_forward's points are shared among its hidden cases
    "wrong": {**FULL, "rnn_forward": FULL["rnn_forward"] * len(FORWARD_RIGHT) / len(FORWARD_HIDDEN)},
}


@pytest.fixture(scope="module")
def nbgrader_course(course_copy):
    root = course_copy
    hand_in(root, NAME, STUDENTS)
    done = run_nbgrader(["autograde", NAME, "--force"], root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _scores(gradebook):
    with Gradebook(f"sqlite:///{gradebook}") as gb:
        return {
            student: {name: gb.find_grade(f"test_{name}", NAME, NAME, student).score for name in STEP.exercises}
            for student in STUDENTS
        }


@pytest.mark.slow
def test_nbgrader_and_the_projects_grader_give_the_same_points(nbgrader_course, tmp_path):
    root = nbgrader_course
    assert _scores(root / "gradebook.db") == EXPECTED
    gradebook = tmp_path / "gradebook.db"
    shutil.copy(root / "gradebook.db", gradebook)
    with Gradebook(f"sqlite:///{gradebook}") as gb:  # forget what nbgrader stored
        for student in STUDENTS:
            gb.remove_submission(NAME, student)
    grader.grade_submissions(STEP, root / "submitted", tmp_path / "out", gradebook=gradebook)
    assert _scores(gradebook) == EXPECTED


# ---------------------------------------------------------------------------------------------
# on Colab (the simulated session of tests/test_colab.py)


STEP_FOLDER = edition_folder(STEP.editions[0])  # the English edition's folder in the student edition


def test_on_colab_the_notebook_alone_downloads_its_files_and_passes_its_tests(tmp_path, published, colab_kernel_env):  # noqa: F811
    folder = tmp_path / "content"
    folder.mkdir()
    nb = published_notebook(published, f"{STEP_FOLDER}/{NAME}.ipynb", solved=STEP.exercises, assignment=STEP)
    nbformat.write(nb, folder / f"{NAME}.ipynb")
    done = execute(nbformat.read(folder / f"{NAME}.ipynb", as_version=4), folder, env=colab_kernel_env)
    printed = "".join(text_of(c) for c in done.cells)
    assert f"Downloaded {len(STEP.support_files)} course files into {folder}" in printed
    assert printed.count("All tests passed") == len(STEP.exercises)
    assert "lstm_cell_forward is optional and not written yet" in printed
    assert sorted(_Mirror.requested) == sorted(f"/{STEP_FOLDER}/{name}" for name in STEP.support_files)


# ---------------------------------------------------------------------------------------------
# in Gradescope's container (the set-up of tests/test_gradescope.py, with this assignment's bundle)


@pytest.mark.slow
def test_the_gradescope_bundle_grades_the_notebook(tmp_path):
    zip_path, root = install_bundle(NAME, tmp_path)
    with zipfile.ZipFile(zip_path) as archive:
        own_init = STEP.support_source("utils/__init__.py").read_bytes()
        assert archive.read(f"release/{NAME}/utils/__init__.py") == own_init
        assert not any(name.endswith("utils/rnn.py") for name in archive.namelist()), "the answers stay out"
    for student, points in EXPECTED.items():
        done, results = run(root, {f"{NAME}.ipynb": notebook_bytes(STUDENTS[student])})
        assert results is not None, done.stdout + done.stderr
        assert results["score"] == sum(points.values()), (student, results)
