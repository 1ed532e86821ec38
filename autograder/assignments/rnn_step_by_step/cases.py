"""The grading cases of *Building a recurrent network step by step*, for every way of grading.

A case builds its arguments from a fixed seed, and its expected result is what the reference
solution (the source notebook's, the same functions utils/rnn.py gives Dinosaur Island) does with
the same arguments on the same machine. The public cases are the examples of utils/rnn_tests.py
(numpy's global seed, drawn in the same order); the hidden ones have seeds and shapes of their
own: other hidden sizes and vocabularies, a single step, a None inside X, saturated states.
What the cases say is in MESSAGES, in every language of the assignment's editions.
"""

import numpy as np

from ...grading.checks import Case, close, dict_of_arrays, same_dict_of_arrays
from ...grading.messages import say

GRADIENT_KEYS = ("dWax", "dWaa", "dWya", "db", "dby", "da_next")


# ---------------------------------------------------------------------------------------------
# building arguments (rng is a RandomState, or np.random itself after np.random.seed, as the
# public tests draw)


def _parameters(rng, n_a, vocab_size, scale=0.5):
    """Wax, Waa, Wya, b, by drawn in that order; Waa scaled by 1/sqrt(n_a) keeps tanh unsaturated."""
    return {
        "Wax": rng.randn(n_a, vocab_size) * scale,
        "Waa": rng.randn(n_a, n_a) * scale / np.sqrt(n_a),
        "Wya": rng.randn(vocab_size, n_a) * scale,
        "b": rng.randn(n_a, 1) * 0.1,
        "by": rng.randn(vocab_size, 1) * 0.1,
    }


def _one_hot(index, size):
    x = np.zeros((size, 1))
    if index is not None:
        x[index] = 1
    return x


def _cache(rng, X, n_a, vocab_size):
    """A cache as rnn_forward returns it, drawn at random: what rnn_backward reads from it is
    y_hat (columns that sum to 1), the states a[-1]..a[T-1] (in (-1, 1)) and the one-hot inputs."""
    T = len(X)
    scores = rng.randn(vocab_size, T)
    probs = np.exp(scores) / np.exp(scores).sum(axis=0)
    y_hat = {t: probs[:, t : t + 1].copy() for t in range(T)}
    a = {t: np.tanh(rng.randn(n_a, 1)) for t in range(-1, T)}
    x = {t: _one_hot(X[t], vocab_size) for t in range(T)}
    return y_hat, a, x


def _rng(public, seed):
    if public:
        np.random.seed(seed)
        return np.random
    return np.random.RandomState(seed)


# ---------------------------------------------------------------------------------------------
# rnn_cell_forward


def _check_cell_forward(got, want, public):
    problems = close(say("a_next"), got["result"], want["result"], public, rtol=1e-10, atol=1e-12)
    if not _same_arrays(got["parameters_after"], want["parameters_after"]):
        problems.append(say("changed_parameters"))
    return problems


def _same_arrays(got, want):
    return (
        isinstance(got, dict)
        and sorted(got) == sorted(want)
        and all(isinstance(got[k], np.ndarray) and np.array_equal(got[k], want[k]) for k in want)
    )


def _cell_forward_case(title, public, seed, n_a, vocab_size, index, scale=0.5):
    def build():
        rng = _rng(public, seed)
        parameters = _parameters(rng, n_a, vocab_size, scale)
        a_prev = np.tanh(rng.randn(n_a, 1))
        return {"parameters": parameters, "a_prev": a_prev, "x": _one_hot(index, vocab_size)}

    return Case(title, public, build, _check_cell_forward)


def _cell_forward_cases():
    return [
        _cell_forward_case(say("public_example", seed=1), True, 1, 5, 3, 1),
        _cell_forward_case(say("sizes", n_a=12, vocabulary=27), False, 31, 12, 27, 20),
        _cell_forward_case(say("zero_input", n_a=7), False, 32, 7, 4, None),
        _cell_forward_case(say("saturated", n_a=6), False, 33, 6, 5, 2, scale=4.0),
    ]


# ---------------------------------------------------------------------------------------------
# rnn_forward


def _check_steps(label, got, want, public):
    """Messages unless got is a dict of (n, 1) arrays with want's time steps, each close to want's."""
    problems = dict_of_arrays(label, got, list(want))
    if problems:
        return problems
    return [
        m for t in want for m in close(say("step", label=label, t=t), got[t], want[t], public, rtol=1e-9, atol=1e-12)
    ]


def _check_forward(got, want, public):
    result, expected = got["result"], want["result"]
    shaped = isinstance(result, list) and len(result) == 2 and isinstance(result[1], list) and len(result[1]) == 3
    if not shaped:
        return [say("forward_not_pair")]
    problems = close(say("the_loss"), result[0], expected[0], public, rtol=1e-9, atol=0)
    for name, got_steps, want_steps in zip(("y_hat", "a", "x"), result[1], expected[1]):
        problems += _check_steps(say("cache_entry", name=name), got_steps, want_steps, public)
    if not np.array_equal(got["a0_after"], want["a0_after"]):
        problems.append(say("changed_a0"))
    return problems


def _forward_case(title, public, seed, n_a, vocab_size, X, Y, scale=0.5):
    def build():
        rng = _rng(public, seed)
        parameters = _parameters(rng, n_a, vocab_size, scale)
        a0 = np.tanh(rng.randn(n_a, 1))
        return {"X": list(X), "Y": list(Y), "a0": a0, "parameters": parameters}

    return Case(title, public, build, _check_forward)


def _forward_cases():
    return [
        _forward_case(say("public_example", seed=2), True, 2, 5, 4, [None, 2, 1, 3], [2, 1, 3, 0]),
        _forward_case(
            say("a_name", n_a=16, vocabulary=27, steps=6),
            False,
            41,
            16,
            27,
            [None, 20, 18, 5, 24, 1],
            [20, 18, 5, 24, 1, 0],
        ),
        _forward_case(say("one_step", n_a=4), False, 42, 4, 6, [None], [3]),
        _forward_case(
            say("none_inside", n_a=9, vocabulary=5), False, 43, 9, 5, [1, 4, None, 2, 2, 3, 1], [4, 0, 2, 2, 3, 1, 0]
        ),
    ]


# ---------------------------------------------------------------------------------------------
# rnn_cell_backward


def _check_cell_backward(got, want, public):
    result, expected = got["result"], want["result"]
    if not isinstance(result, list) or len(result) != 2:
        return [say("cell_backward_not_pair")]
    return close(say("dz"), result[0], expected[0], public, rtol=1e-10, atol=1e-12) + close(
        say("da_prev"), result[1], expected[1], public, rtol=1e-10, atol=1e-12
    )


def _cell_backward_case(title, public, seed, n_a, scale=1.0):
    def build():
        rng = _rng(public, seed)
        parameters = _parameters(rng, n_a, 3)
        a_next = np.tanh(rng.randn(n_a, 1) * scale)
        da_next = rng.randn(n_a, 1)
        return {"da_next": da_next, "a_next": a_next, "parameters": parameters}

    return Case(title, public, build, _check_cell_backward)


def _cell_backward_cases():
    return [
        _cell_backward_case(say("public_example", seed=3), True, 3, 5),
        _cell_backward_case(say("hidden_units", n_a=20), False, 51, 20),
        _cell_backward_case(say("saturated", n_a=8), False, 52, 8, scale=5.0),
        _cell_backward_case(say("hidden_units", n_a=1), False, 53, 1),
    ]


# ---------------------------------------------------------------------------------------------
# rnn_backward


def _check_backward(got, want, public):
    result, expected = got["result"], want["result"]
    if not isinstance(result, list) or len(result) != 2:
        return [say("backward_not_pair")]
    problems = same_dict_of_arrays(
        say("the_gradients"), result[0], expected[0], GRADIENT_KEYS, public, rtol=1e-9, atol=1e-12
    )
    return problems + _check_steps(say("returned_states"), result[1], expected[1], public)


def _backward_case(title, public, seed, n_a, vocab_size, X, Y):
    def build():
        rng = _rng(public, seed)
        parameters = _parameters(rng, n_a, vocab_size)
        return {"X": list(X), "Y": list(Y), "parameters": parameters, "cache": _cache(rng, X, n_a, vocab_size)}

    return Case(title, public, build, _check_backward)


def _backward_cases():
    return [
        _backward_case(say("public_example", seed=4), True, 4, 5, 4, [None, 2, 1, 3], [2, 1, 3, 0]),
        _backward_case(
            say("a_name", n_a=16, vocabulary=27, steps=6),
            False,
            61,
            16,
            27,
            [None, 20, 18, 5, 24, 1],
            [20, 18, 5, 24, 1, 0],
        ),
        _backward_case(say("one_step", n_a=4), False, 62, 4, 6, [None], [3]),
        _backward_case(
            say("none_inside", n_a=9, vocabulary=5), False, 63, 9, 5, [1, 4, None, 2, 2, 3, 1], [4, 0, 2, 2, 3, 1, 0]
        ),
    ]


CASES = {
    "rnn_cell_forward": _cell_forward_cases(),
    "rnn_forward": _forward_cases(),
    "rnn_cell_backward": _cell_backward_cases(),
    "rnn_backward": _backward_cases(),
}


# What the cases say, in the languages of the editions (see autograder/grading/messages.py).
MESSAGES = {
    # labels
    "a_next": {"en": "a_next", "zh-CN": "a_next"},
    "the_loss": {"en": "the loss", "zh-CN": "损失（loss）"},
    "cache_entry": {"en": "the cache's {name}", "zh-CN": "cache 中的 {name}"},
    "step": {"en": "{label}[{t}]", "zh-CN": "{label}[{t}]"},
    "dz": {"en": "dz", "zh-CN": "dz"},
    "da_prev": {"en": "da_prev", "zh-CN": "da_prev"},
    "the_gradients": {"en": "the gradients", "zh-CN": "梯度（gradients）"},
    "returned_states": {"en": "the hidden states returned", "zh-CN": "返回的隐藏状态"},
    # case titles
    "public_example": {"en": "the public example (seed {seed})", "zh-CN": "公开示例（种子 {seed}）"},
    "sizes": {
        "en": "n_a {n_a}, a vocabulary of {vocabulary} characters",
        "zh-CN": "n_a 为 {n_a}，词表有 {vocabulary} 个字符",
    },
    "zero_input": {"en": "the zero input of a first step, n_a {n_a}", "zh-CN": "第一步的全零输入，n_a 为 {n_a}"},
    "saturated": {"en": "large weights that saturate tanh, n_a {n_a}", "zh-CN": "权重很大、tanh 饱和，n_a 为 {n_a}"},
    "a_name": {
        "en": "a name of {steps} steps, n_a {n_a}, a vocabulary of {vocabulary} characters",
        "zh-CN": "一个 {steps} 步的名字，n_a 为 {n_a}，词表有 {vocabulary} 个字符",
    },
    "one_step": {"en": "a single time step, n_a {n_a}", "zh-CN": "只有一个时间步，n_a 为 {n_a}"},
    "none_inside": {
        "en": "a None in the middle of X, n_a {n_a}, a vocabulary of {vocabulary} characters",
        "zh-CN": "X 中间有一个 None，n_a 为 {n_a}，词表有 {vocabulary} 个字符",
    },
    "hidden_units": {"en": "n_a {n_a}", "zh-CN": "n_a 为 {n_a}"},
    # what the checks say
    "changed_parameters": {
        "en": "rnn_cell_forward must not change the parameters",
        "zh-CN": "rnn_cell_forward 不能修改参数",
    },
    "forward_not_pair": {
        "en": "rnn_forward should return (loss, (y_hat, a, x))",
        "zh-CN": "rnn_forward 应当返回 (loss, (y_hat, a, x))",
    },
    "changed_a0": {
        "en": "the caller's a0 was changed: a[-1] must be a copy of it (np.copy)",
        "zh-CN": "调用者的 a0 被改动了：a[-1] 必须是它的副本（np.copy）",
    },
    "cell_backward_not_pair": {
        "en": "rnn_cell_backward should return (dz, da_prev)",
        "zh-CN": "rnn_cell_backward 应当返回 (dz, da_prev)",
    },
    "backward_not_pair": {
        "en": "rnn_backward should return (gradients, a)",
        "zh-CN": "rnn_backward 应当返回 (gradients, a)",
    },
}
