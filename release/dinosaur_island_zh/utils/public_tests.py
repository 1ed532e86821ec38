"""The checks students run after each exercise of the dinosaur notebook.

Each test builds seeded inputs, calls the student's function, and compares what comes back
with the values the original assignment published. A failure raises AssertionError with a
message that says what was expected; a pass prints a short verdict. These are the public
checks only: grading adds hidden cases with other seeds, shapes and sizes.
"""

import contextlib
import io
import string

import numpy as np

from .text import build_vocabulary, load_corpus

GRADIENT_KEYS = {"dWaa", "dWax", "dWya", "db", "dby"}


def _passed(name):
    print(f"\033[92mAll tests passed for {name}.\033[0m")


def _random_parameters(n_a, vocab_size):
    """Draw Wax, Waa, Wya, b, by from the current numpy seed, in the order the tests use."""
    return {
        "Wax": np.random.randn(n_a, vocab_size),
        "Waa": np.random.randn(n_a, n_a),
        "Wya": np.random.randn(vocab_size, n_a),
        "b": np.random.randn(n_a, 1),
        "by": np.random.randn(vocab_size, 1),
    }


def _letters_vocabulary():
    """char_to_ix and ix_to_char for the newline and a-z, as built from the dinosaur names."""
    _, char_to_ix, ix_to_char = build_vocabulary("\n" + string.ascii_lowercase)
    return char_to_ix, ix_to_char


def clip_test(clip):
    """Clip seeded gradients at 10 and at 5 and compare with the published values."""
    # (key, index, expected value) for each maxValue, as published with the assignment
    expected = {
        10: [("dWaa", (1, 2), 10.0), ("dWax", (3, 1), -10.0), ("dWya", (1, 2), 0.2971381536101662),
             ("db", 4, [10.0]), ("dby", 1, [8.45833407])],
        5: [("dWaa", (1, 2), 5.0), ("dWax", (3, 1), -5.0), ("dWya", (1, 2), 0.2971381536101662),
            ("db", 4, [5.0]), ("dby", 1, [5.0])],
    }
    for max_value, values in expected.items():
        np.random.seed(3)
        gradients = {
            "dWax": np.random.randn(5, 3) * 10,
            "dWaa": np.random.randn(5, 5) * 10,
            "dWya": np.random.randn(2, 5) * 10,
            "db": np.random.randn(5, 1) * 10,
            "dby": np.random.randn(2, 1) * 10,
        }
        originals = {k: v.copy() for k, v in gradients.items()}
        clipped = clip(gradients, max_value)

        assert isinstance(clipped, dict), f"clip must return a dict, got {type(clipped).__name__}"
        assert set(clipped) == GRADIENT_KEYS, (
            f"clip must return exactly the keys {sorted(GRADIENT_KEYS)}, got {sorted(clipped)}"
        )
        for key, before in originals.items():
            assert np.array_equal(gradients[key], before), (
                f"clip changed the caller's gradients['{key}']: work on a copy, or let np.clip "
                "return a new array"
            )
            got = np.asarray(clipped[key])
            assert got.shape == before.shape, f"{key} has shape {got.shape}, expected {before.shape}"
            assert got.min() >= -max_value and got.max() <= max_value, (
                f"{key} has values outside [-{max_value}, {max_value}] after clip(..., {max_value})"
            )
            inside = np.abs(before) <= max_value
            assert np.array_equal(got[inside], before[inside]), (
                f"{key}: values already inside [-{max_value}, {max_value}] must not change"
            )
        shown = []
        for key, index, want in values:
            got = clipped[key][index]
            label = key + "".join(f"[{i}]" for i in np.atleast_1d(index))
            assert np.allclose(got, want), f"with maxValue={max_value}, {label} = {got}, expected {want}"
            shown.append(f"{label} = {got}")
        print(f"maxValue={max_value}: " + ", ".join(shown))
    _passed("clip")


def sample_test(sample):
    """Sample from seeded random parameters and compare with the published index list."""
    char_to_ix, ix_to_char = _letters_vocabulary()
    np.random.seed(24)
    parameters = _random_parameters(100, 27)
    originals = {k: v.copy() for k, v in parameters.items()}
    indices = sample(parameters, char_to_ix, 0)

    assert isinstance(indices, list), f"sample must return a list, got {type(indices).__name__}"
    assert all(isinstance(ix, (int, np.integer)) for ix in indices), "every index must be an int"
    assert all(0 <= ix < 27 for ix in indices), "every index must be in [0, vocab_size)"
    assert len(indices) <= 51, f"at most 50 characters plus the newline, got {len(indices)} indices"
    assert indices and indices[-1] == char_to_ix["\n"], "the list must end with the newline index"
    assert all(np.array_equal(parameters[k], v) for k, v in originals.items()), (
        "sample must not change the parameters"
    )
    expected = [23, 16, 26, 26, 24, 3, 21, 1, 7, 24, 15, 3, 25, 20, 6, 13, 10, 8, 20, 12, 2, 0]
    assert list(indices) == expected, (
        f"sampled indices {list(indices)}, expected {expected}. Check the seeding: "
        "np.random.seed(counter + seed) right before np.random.choice, and seed += 1 each step"
    )
    text = "".join(ix_to_char[ix] for ix in indices)
    print(f"list of sampled indices: {list(indices)}")
    print(f"list of sampled characters: {text!r}")
    _passed("sample")


def optimize_test(optimize):
    """One optimisation step from seeded parameters, compared with the published values."""
    np.random.seed(1)
    a_prev = np.random.randn(100, 1)
    parameters = _random_parameters(100, 27)
    Wya_before = parameters["Wya"].copy()
    X = [12, 3, 5, 11, 22, 3]
    Y = [4, 14, 11, 22, 25, 26]

    result = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
    assert isinstance(result, tuple) and len(result) == 3, "optimize must return (loss, gradients, a_last)"
    loss, gradients, a_last = result
    assert set(gradients) == GRADIENT_KEYS, (
        f"the gradients returned must be the clipped ones, with keys {sorted(GRADIENT_KEYS)}; "
        f"got {sorted(gradients)}"
    )
    for key, value in gradients.items():
        assert np.abs(value).max() <= 5, f"{key} is not clipped to [-5, 5]"
    assert not np.allclose(parameters["Wya"], Wya_before), (
        "optimize must update the parameters (update_parameters changes them in place)"
    )
    assert np.shape(a_last) == (100, 1), f"a_last has shape {np.shape(a_last)}, expected (100, 1)"
    checks = {
        "Loss": (loss, 126.50397572165389),
        'gradients["dWaa"][1][2]': (gradients["dWaa"][1][2], 0.19470931534713587),
        'np.argmax(gradients["dWax"])': (np.argmax(gradients["dWax"]), 93),
        'gradients["dWya"][1][2]': (gradients["dWya"][1][2], -0.007773876032002162),
        'gradients["db"][4]': (gradients["db"][4], [-0.06809825]),
        'gradients["dby"][1]': (gradients["dby"][1], [0.01538192]),
        "a_last[4]": (a_last[4], [-1.0]),
    }
    for label, (got, want) in checks.items():
        assert np.allclose(got, want), f"{label} = {got}, expected {want}"
        print(f"{label} = {got}")
    _passed("optimize")


def model_test(model):
    """Train for 2001 iterations on the dinosaur names and check what model returns."""
    data = load_corpus("dinos.txt")
    _, char_to_ix, ix_to_char = build_vocabulary(data)
    with contextlib.redirect_stdout(io.StringIO()):  # the training log is not the point here
        result = model(data.split("\n"), ix_to_char, char_to_ix, 2001, verbose=False)
    assert isinstance(result, tuple) and len(result) == 2, "model must return (parameters, last_dino_name)"
    parameters, last_name = result
    shapes = {"Wax": (50, 27), "Waa": (50, 50), "Wya": (27, 50), "b": (50, 1), "by": (27, 1)}
    assert isinstance(parameters, dict) and set(parameters) == set(shapes), (
        f"parameters must be a dict with keys {sorted(shapes)}"
    )
    for key, shape in shapes.items():
        assert parameters[key].shape == shape, f"parameters['{key}'] has shape {parameters[key].shape}, expected {shape}"
    expected = "Tpraneronxeros\n"
    assert last_name == expected, (
        f"after 2001 iterations the last sampled name is {last_name!r}, expected {expected!r}. "
        "Check the example order (seed 0 shuffle, j % len(examples)), X = [None] + indices, "
        "Y = X[1:] + [newline index], and the learning rate 0.01"
    )
    print(f"last dinosaur name after 2001 iterations: {last_name!r}")
    _passed("model")
