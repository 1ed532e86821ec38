"""The grading cases of Dinosaur Island's four exercises, defined once for every way of grading.

A case builds its arguments from a fixed seed, and its expected result is what the reference
solution does with the same arguments on the same machine. Its check compares the two and
returns a list of messages, empty when the case passes. The messages of a public case may show
expected values (the students have them already); those of a hidden case say which property
failed and by how much, never what the expected value is.

The nbgrader hidden test cells (autograder.grading.kernel) and the project's grader both use
CASES; nothing else defines a case.
"""

import string

import numpy as np

from ...course import DATA_DIR
from ...grading.checks import Case, close, dict_of_arrays, is_array, same_dict_of_arrays

GRADIENT_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
PARAMETER_KEYS = ("Wax", "Waa", "Wya", "b", "by")


# ---------------------------------------------------------------------------------------------
# building arguments


def _vocabulary(chars):
    """Plain char_to_ix and ix_to_char dicts, the newline first, then sorted characters."""
    ordered = ["\n"] + sorted(set(chars) - {"\n"})
    return {c: i for i, c in enumerate(ordered)}, {i: c for i, c in enumerate(ordered)}


def _parameters(rng, n_a, vocab_size, scale=1.0):
    """Wax, Waa, Wya, b, by drawn in that order from rng (a RandomState, or np.random itself
    after np.random.seed, as the public tests do)."""
    return {
        "Wax": rng.randn(n_a, vocab_size) * scale,
        "Waa": rng.randn(n_a, n_a) * scale,
        "Wya": rng.randn(vocab_size, n_a) * scale,
        "b": rng.randn(n_a, 1) * scale,
        "by": rng.randn(vocab_size, 1) * scale,
    }


def _public_gradients():
    """The public test's gradients: seed 3, drawn in the order dWax, dWaa, dWya, db, dby."""
    np.random.seed(3)
    shapes = {"dWax": (5, 3), "dWaa": (5, 5), "dWya": (2, 5), "db": (5, 1), "dby": (2, 1)}
    return {k: np.random.randn(*s) * 10 for k, s in shapes.items()}


def _gradients(seed, n_a, vocab_size, scale, extra_key=False):
    rng = np.random.RandomState(seed)
    shapes = {"dWaa": (n_a, n_a), "dWax": (n_a, vocab_size), "dWya": (vocab_size, n_a),
              "db": (n_a, 1), "dby": (vocab_size, 1)}
    gradients = {k: rng.randn(*s) * scale for k, s in shapes.items()}
    if extra_key:
        gradients["da_next"] = rng.randn(n_a, 1) * scale  # rnn_backward returns this key too
    return gradients


def _synthetic_names(seed, count, letters):
    """count pronounceable-looking names made of letters, alternating consonant and vowel."""
    rng = np.random.RandomState(seed)
    vowels = [c for c in letters if c in "aeiou"]
    consonants = [c for c in letters if c not in "aeiou"]
    names = []
    for _ in range(count):
        length = rng.randint(3, 9)
        names.append("".join(rng.choice(consonants if i % 2 == 0 else vowels) for i in range(length)))
    return names


# ---------------------------------------------------------------------------------------------
# clip


def _check_clip(got, want, public):
    problems = same_dict_of_arrays("the returned dict", got["result"], want["result"], GRADIENT_KEYS,
                                    public, rtol=0, atol=0)
    if any(
        not np.array_equal(got["gradients_after"][k], want["gradients_after"][k]) for k in GRADIENT_KEYS
    ):
        problems.append("the caller's gradients were changed: clip must leave its argument's arrays as they are")
    return problems


def _clip_cases():
    def public(max_value):
        return lambda: {"gradients": _public_gradients(), "maxValue": max_value}

    return [
        Case("the public example, maxValue 10", True, public(10), _check_clip),
        Case("the public example, maxValue 5", True, public(5), _check_clip),
        Case("other shapes (n_a 12, vocabulary 9), maxValue 1.5", False,
             lambda: {"gradients": _gradients(11, 12, 9, 4.0), "maxValue": 1.5}, _check_clip),
        Case("gradients with the extra key 'da_next', maxValue 0.5", False,
             lambda: {"gradients": _gradients(12, 6, 4, 1.0, extra_key=True), "maxValue": 0.5}, _check_clip),
        Case("nothing to clip (maxValue 100)", False,
             lambda: {"gradients": _gradients(13, 8, 27, 1.0), "maxValue": 100}, _check_clip),
    ]


# ---------------------------------------------------------------------------------------------
# sample


def _check_sample(got, want, public):
    indices, expected = got["result"], want["result"]
    newline = expected[-1]  # the reference always ends with the newline index
    vocab_size = want["parameters_after"]["by"].shape[0]
    if not isinstance(indices, list):
        return [f"sample should return a list, got {type(indices).__name__}"]
    problems = []
    if not all(type(ix) is int for ix in indices):
        problems.append("every index should be an int")
    elif not all(0 <= ix < vocab_size for ix in indices):
        problems.append("every index should be in [0, vocab_size)")
    if len(indices) > 51:
        problems.append(f"at most 50 characters plus the newline may be sampled, got {len(indices)} indices")
    if not indices or indices[-1] != newline:
        problems.append("the indices must end with the newline index")
    if not problems and indices != expected:
        first = next((i for i, (a, b) in enumerate(zip(indices, expected)) if a != b), min(len(indices), len(expected)))
        if public:
            problems.append(f"sampled {indices}, expected {expected}")
        else:
            problems.append(f"the sampled indices differ from the expected ones from position {first} on "
                            "(check the seeding protocol and the RNN step)")
    if not _parameters_unchanged(got["parameters_after"], want["parameters_after"]):
        problems.append("sample must not change the parameters")
    return problems


def _parameters_unchanged(got, want):
    return isinstance(got, dict) and all(
        k in got and is_array(got[k]) and np.array_equal(got[k], want[k]) for k in PARAMETER_KEYS
    )


def _sample_case(title, public, seed, n_a, chars, sample_seed, scale=1.0, never_end=False):
    def build():
        char_to_ix, _ = _vocabulary(chars)
        if public:  # the public test draws from numpy's global seed
            np.random.seed(seed)
        rng = np.random if public else np.random.RandomState(seed)
        parameters = _parameters(rng, n_a, len(char_to_ix), scale)
        if never_end:
            parameters["by"][char_to_ix["\n"]] = -1e3  # the newline is never drawn
        return {"parameters": parameters, "char_to_ix": char_to_ix, "seed": sample_seed}

    return Case(title, public, build, _check_sample)


def _sample_cases():
    letters = "\n" + string.ascii_lowercase
    return [
        _sample_case("the public example (seed 24, n_a 100)", True, 24, 100, letters, 0),
        _sample_case("n_a 30, another seed", False, 5, 30, letters, 7, scale=0.7),
        _sample_case("a vocabulary of 9 characters", False, 9, 16, "\nabcdefgh", 2, scale=0.5),
        _sample_case("a model that never writes a newline (stop at 50)", False, 21, 10, letters, 4),
    ]


# ---------------------------------------------------------------------------------------------
# optimize


def _check_optimize(got, want, public):
    result, expected = got["result"], want["result"]
    if not isinstance(result, list) or len(result) != 3:
        return ["optimize should return a tuple (loss, gradients, a_last)"]
    loss, gradients, a_last = result
    exp_loss, exp_gradients, exp_a_last = expected
    problems = []
    if type(loss) not in (int, float):
        problems.append(f"the loss should be a number, got {type(loss).__name__}")
    elif not np.isclose(loss, exp_loss, rtol=1e-9, atol=0):
        if public:
            problems.append(f"the loss is {loss!r}, expected {exp_loss!r}")
        else:
            problems.append(f"the loss differs from the expected value by {abs(loss - exp_loss) / abs(exp_loss):.1e} (relative)")
    problems += same_dict_of_arrays("the gradients", gradients, exp_gradients, GRADIENT_KEYS, public)
    if isinstance(gradients, dict) and all(is_array(gradients.get(k)) for k in GRADIENT_KEYS):
        if any(np.abs(gradients[k]).max() > 5 for k in GRADIENT_KEYS):
            problems.append("the gradients returned are not clipped to [-5, 5]")
    problems += close("a_last", a_last, exp_a_last, public)
    problems += same_dict_of_arrays("the parameters after the step", got["parameters_after"],
                                     want["parameters_after"], PARAMETER_KEYS, public)
    return problems


def _optimize_case(title, public, seed, n_a, vocab_size, X, Y, lr, scale=1.0, a_scale=1.0):
    def build():
        if public:  # the public test draws a_prev first, then the parameters, from the global seed
            np.random.seed(seed)
            a_prev = np.random.randn(n_a, 1)
            parameters = _parameters(np.random, n_a, vocab_size)
        else:
            rng = np.random.RandomState(seed)
            a_prev = np.tanh(rng.randn(n_a, 1) * a_scale)
            parameters = _parameters(rng, n_a, vocab_size, scale)
        return {"X": list(X), "Y": list(Y), "a_prev": a_prev, "parameters": parameters, "learning_rate": lr}

    return Case(title, public, build, _check_optimize)


def _optimize_cases():
    return [
        _optimize_case("the public example (seed 1)", True, 1, 100, 27,
                       [12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26], 0.01),
        _optimize_case("a name starting with None, n_a 20, learning rate 0.05", False, 2, 20, 27,
                       [None, 20, 18, 5, 24], [20, 18, 5, 24, 0], 0.05, scale=0.3),
        _optimize_case("large weights: the gradients must be clipped at 5", False, 3, 12, 27,
                       [None, 1, 14, 11, 25, 12, 15, 19, 1, 21, 18, 21, 19],
                       [1, 14, 11, 25, 12, 15, 19, 1, 21, 18, 21, 19, 0], 0.01, scale=3.0),
        _optimize_case("a vocabulary of 9 characters, n_a 7, learning rate 0.1", False, 4, 7, 9,
                       [None, 3, 1, 8, 8], [3, 1, 8, 8, 0], 0.1, scale=0.5, a_scale=0.5),
    ]


# ---------------------------------------------------------------------------------------------
# model


def _check_model(got, want, public):
    result, expected = got["result"], want["result"]
    if not isinstance(result, list) or len(result) != 2:
        return ["model should return a tuple (parameters, last_dino_name)"]
    parameters, last_name = result
    problems = same_dict_of_arrays("the trained parameters", parameters, expected[0], PARAMETER_KEYS,
                                    public, rtol=1e-6, atol=1e-9)
    if not isinstance(last_name, str):
        problems.append(f"last_dino_name should be a str, got {type(last_name).__name__}")
    elif last_name != expected[1]:
        if public:
            problems.append(f"last_dino_name is {last_name!r}, expected {expected[1]!r}")
        else:
            problems.append("last_dino_name is not the name the reference samples last"
                            + ("" if last_name.endswith("\n") else " (it should keep its trailing newline)"))
    return problems


def _model_case(title, public, names, num_iterations, n_a, dino_names):
    def build():
        data_x = names()
        char_to_ix, ix_to_char = _vocabulary("".join(data_x))
        return {"data_x": data_x, "ix_to_char": ix_to_char, "char_to_ix": char_to_ix,
                "num_iterations": num_iterations, "n_a": n_a, "dino_names": dino_names,
                "vocab_size": len(char_to_ix), "verbose": False}

    return Case(title, public, build, _check_model)


def _dino_names():
    return (DATA_DIR / "dinos.txt").read_text(encoding="utf-8").lower().split("\n")


def _model_cases():
    def some_dinos():
        names = _dino_names()
        picked = np.random.RandomState(4).choice(len(names), 40, replace=False)
        return [names[i] for i in sorted(picked)]

    # Every grader runs these for every student, so they train briefly: the public test's 2001
    # iterations on all the names (model_test in the notebook) cost a second per student. A
    # mistake in the order of the examples, X and Y, the learning rate or the hidden state
    # carried from one step to the next shows in the trained parameters after a few steps; the
    # two shorter lists are gone through more than twice, which checks the wrap-around.
    return [
        _model_case("the dinosaur names, 101 iterations, n_a 50, 7 names per print", False, _dino_names, 101, 50, 7),
        _model_case("40 of the names, 101 iterations, n_a 16, 3 names per print", False, some_dinos, 101, 16, 3),
        _model_case("other names with a vocabulary of 10 characters, 71 iterations, n_a 12", False,
                    lambda: _synthetic_names(6, 30, "aeioustrnk"), 71, 12, 2),
    ]


CASES = {
    "clip": _clip_cases(),
    "sample": _sample_cases(),
    "optimize": _optimize_cases(),
    "model": _model_cases(),
}
