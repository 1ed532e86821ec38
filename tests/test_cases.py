"""The grading cases tell right from wrong, grade each exercise on its own, and leak nothing."""

import numpy as np
import pytest

from autograder.grading.reference import solution_namespace
from autograder.grading.sandboxed.capture import capture, functions_from
from autograder.grading.scoring import reference_deps, run_case, score
from tests.submissions import DINO, edited, solutions

CASES = DINO.cases


def candidate(exercise, source):
    """The function defined by source, in a namespace with the notebook's setup and the
    reference solutions of the other exercises (as a student's notebook would have them)."""
    namespace = solution_namespace(DINO)
    exec(compile(source, f"<candidate {exercise}>", "exec"), namespace)
    return namespace[exercise]


def results(exercise, source):
    fn = candidate(exercise, source)
    deps = reference_deps(DINO, exercise)
    return [run_case(DINO, exercise, i, fn, deps) for i in range(len(CASES[exercise]))]


def english(message):
    return DINO.catalog.render(message, "en")


def failed_titles(exercise, source):
    """The English titles of the cases that source fails."""
    return {english(r.title) for r in results(exercise, source) if not r.passed}


@pytest.mark.parametrize("exercise", DINO.exercises)
def test_reference_passes_every_case(exercise):
    assert failed_titles(exercise, solutions()[exercise]) == set()


# (exercise, wrong edit of the solution, the cases it must fail; None = every case)
WRONG = [
    # clipping the caller's arrays in place: seen wherever something is clipped
    (
        "clip",
        ("-maxValue, maxValue)", "-maxValue, maxValue, out=gradients[name])"),
        {english(c.title) for c in CASES["clip"]} - {"nothing to clip (maxValue 100)"},
    ),
    # keeping rnn_backward's extra key: the public example has it too (utils/public_examples.py)
    (
        "clip",
        ('for name in ("dWaa", "dWax", "dWya", "db", "dby"):', "for name in gradients:"),
        {
            "gradients with the extra key 'da_next', maxValue 0.5",
            "the public example, maxValue 10",
            "the public example, maxValue 5",
        },
    ),
    (
        "clip",
        ("-maxValue, maxValue)", "-10, 10)"),
        {
            "the public example, maxValue 5",
            "other shapes (n_a 12, vocabulary 9), maxValue 1.5",
            "gradients with the extra key 'da_next', maxValue 0.5",
        },
    ),
    ("sample", ("np.random.choice(vocab_size,", "np.random.choice(27,"), {"a vocabulary of 9 characters"}),
    ("sample", ("idx = np.random.choice(vocab_size, p=y.ravel())", "idx = int(np.argmax(y))"), None),
    (
        "optimize",
        ("clip(gradients, 5)", "clip(gradients, 10)"),
        {"the public example (seed 1)", "large weights: the gradients must be clipped at 5"},
    ),
    (
        "optimize",
        ("update_parameters(parameters, gradients, learning_rate)", "update_parameters(parameters, gradients, 0.01)"),
        {
            "a name starting with None, n_a 20, learning rate 0.05",
            "a vocabulary of 9 characters, n_a 7, learning rate 0.1",
        },
    ),
    ("model", ('Y = X[1:] + [char_to_ix["\\n"]]', "Y = X[1:] + [0] if j else X[1:] + [1]"), None),
    ("model", ("learning_rate=0.01)", "learning_rate=0.02)"), None),
    # the brief hidden model cases still see the state carried between steps and the wrap-around
    ("model", ("curr_loss, gradients, a_prev = optimize(", "curr_loss, gradients, _ = optimize("), None),
    ("model", ("idx = j % len(examples)", "idx = j % 100"), None),
]


@pytest.mark.parametrize("exercise, edit, expected_failures", WRONG, ids=lambda v: str(v)[:40])
def test_wrong_answers_fail_the_cases_they_should(exercise, edit, expected_failures):
    every = {english(c.title) for c in CASES[exercise]}
    assert failed_titles(exercise, edited(exercise, *edit)) == (expected_failures or every)


# Right answers written differently must pass.
EQUIVALENT = [
    (
        "clip",
        (
            'for name in ("dWaa", "dWax", "dWya", "db", "dby"):\n'
            "        clipped[name] = np.clip(gradients[name], -maxValue, maxValue)",
            "gradients = copy.deepcopy(gradients)\n    for name in ['dWaa', 'dWax', 'dWya', 'db', 'dby']:\n"
            "        np.clip(gradients[name], -maxValue, maxValue, out=gradients[name])\n"
            "        clipped[name] = gradients[name]",
        ),
    ),
    ("sample", ("np.random.choice(vocab_size, p=y.ravel())", "np.random.choice(list(range(vocab_size)), p=y[:, 0])")),
    ("sample", ("a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)", "a = np.tanh(Wax @ x + Waa @ a_prev + b)")),
    (
        "model",
        (
            "single_example_ix = [char_to_ix[ch] for ch in single_example]",
            "single_example_ix = list(map(char_to_ix.get, single_example))",
        ),
    ),
]


@pytest.mark.parametrize("exercise, edit", EQUIVALENT, ids=lambda v: str(v)[:40])
def test_other_correct_styles_pass(exercise, edit):
    assert failed_titles(exercise, edited(exercise, *edit)) == set()


def test_a_stub_scores_zero_with_the_error_as_message():
    stub = solutions()["clip"].split("    clipped = {}")[0] + "    raise NotImplementedError()\n"
    rs = results("clip", stub)
    assert score(DINO.exercises["clip"].points, rs) == 0
    assert all([english(p) for p in r.problems] == ["raised NotImplementedError"] for r in rs)


def test_partial_credit_is_shared_among_the_hidden_cases():
    rs = results("clip", edited("clip", 'for name in ("dWaa", "dWax", "dWya", "db", "dby"):', "for name in gradients:"))
    # the public examples (which have the extra key too) fail, and are not scored
    assert [r.passed for r in rs] == [False, False, True, False, True]
    assert score(2, rs) == 1.33  # 2 of the 3 hidden cases of 2 points, rounded down


def test_a_copy_of_the_public_example_scores_nothing():
    # the public example's expected indices, returned whatever the arguments: what a student can read off
    public = next(c for c in CASES["sample"] if c.public)
    indices = solution_namespace(DINO)["sample"](**public.build())
    rs = results("sample", f"def sample(parameters, char_to_ix, seed):\n    return {indices!r}\n")
    assert [r.passed for r in rs if r.public] == [True]
    assert score(DINO.exercises["sample"].points, rs) == 0


def test_optimize_is_graded_with_the_reference_clip():
    broken_clip = "def clip(gradients, maxValue):\n    return {k: v * 0 for k, v in gradients.items()}\n"
    namespace = solution_namespace(DINO)
    exec(broken_clip, namespace)  # the student's own clip is wrong...
    deps = reference_deps(DINO, "optimize")
    rs = [run_case(DINO, "optimize", i, namespace["optimize"], deps) for i in range(len(CASES["optimize"]))]
    assert all(r.passed for r in rs)  # ...but optimize is right, and graded with the reference clip
    assert namespace["clip"].__code__.co_filename == "<string>", "the student's clip is restored afterwards"


def test_functions_from_restores_missing_names():
    namespace = {"a": 1}
    with functions_from(namespace, {"a": 2, "b": 3}):
        assert namespace == {"a": 2, "b": 3}
    assert namespace == {"a": 1}


def test_an_object_that_claims_to_equal_anything_is_refused():
    source = (
        "class Anything(dict):\n    def __eq__(self, other):\n        return True\n"
        "def clip(gradients, maxValue):\n    return Anything()\n"
    )
    rs = results("clip", source)
    assert not any(r.passed for r in rs)
    assert "has a key" not in english(rs[0].problems[0]) and "exactly the keys" in english(rs[0].problems[0])

    source = (
        "class Fake:\n    __eq__ = lambda self, other: True\n"
        "def sample(parameters, char_to_ix, seed):\n    return Fake()\n"
    )
    rs = results("sample", source)
    refused = "the result is of type Fake; expected numbers, lists, dicts or arrays"
    assert all([english(p) for p in r.problems] == [refused] for r in rs)


def test_hidden_messages_do_not_reveal_expected_values():
    rs = results("optimize", edited("optimize", "clip(gradients, 5)", "clip(gradients, 10)"))
    hidden = [r for r in rs if not r.public and not r.passed]
    assert hidden
    ns = solution_namespace(DINO)
    for r in hidden:
        index = [c.title for c in CASES["optimize"]].index(r.title)
        case = CASES["optimize"][index]
        loss = capture(ns["optimize"], case.build(), reference_deps(DINO, "optimize"))["result"][0]
        text = " ".join(english(p) + DINO.catalog.render(p, "zh-CN") for p in r.problems)
        assert repr(loss)[:8] not in text and "expected" not in text.replace("expected value", "")


def test_the_cases_exercise_what_their_titles_claim():
    ns = solution_namespace(DINO)
    large = next(c for c in CASES["optimize"] if english(c.title).startswith("large weights")).build()
    loss, cache = ns["rnn_forward"](large["X"], large["Y"], large["a_prev"], large["parameters"])
    gradients, _ = ns["rnn_backward"](large["X"], large["Y"], large["parameters"], cache)
    assert max(np.abs(gradients[k]).max() for k in ("dWaa", "dWax", "dWya", "db", "dby")) > 5

    never = next(c for c in CASES["sample"] if "never" in english(c.title)).build()
    assert len(ns["sample"](**never)) == 51

    nothing = next(c for c in CASES["clip"] if "nothing" in english(c.title)).build()
    assert max(np.abs(g).max() for g in nothing["gradients"].values()) < nothing["maxValue"]
