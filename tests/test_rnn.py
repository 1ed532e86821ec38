"""utils.rnn: the helpers against the straightforward ones, the course's numbers,
and the errors bad input gets.

benchmarks/straightforward_rnn.py is the oracle: the plain, one-step-at-a-time reading of the
math. Both sum in different orders, so they agree to rounding (checked at 1e-12 relative, on
weights of the size training produces; with large random weights the recurrence amplifies
rounding and no two summation orders agree that closely).
"""

import copy

import numpy as np
import pytest

from benchmarks import straightforward_rnn as plain
from utils import rnn

RTOL = 1e-12


def assert_close(actual, expected, rtol=RTOL):
    """|actual - expected| <= rtol * max|expected|, elementwise, shapes equal."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = max(np.max(np.abs(expected)), np.finfo(float).tiny)
    error = np.max(np.abs(actual - expected)) / scale
    assert error <= rtol, f"relative error {error:.2e}"


def random_case(seed, n_a, vocab, T, leading_none=True, inner_none=False, scale=0.5):
    """(X, Y, a0, parameters) drawn from seed; Waa ~ N(0, scale^2 / n_a) keeps tanh unsaturated."""
    rng = np.random.default_rng(seed)
    parameters = {
        "Wax": rng.standard_normal((n_a, vocab)) * scale,
        "Waa": rng.standard_normal((n_a, n_a)) * scale / np.sqrt(n_a),
        "Wya": rng.standard_normal((vocab, n_a)) * scale,
        "b": rng.standard_normal((n_a, 1)) * 0.1,
        "by": rng.standard_normal((vocab, 1)) * 0.1,
    }
    X = [int(ix) for ix in rng.integers(0, vocab, T)]
    if leading_none:
        X[0] = None
    if inner_none and T > 2:
        X[T // 2] = None
    Y = [int(ix) for ix in rng.integers(0, vocab, T)]
    a0 = rng.standard_normal((n_a, 1)) * 0.5
    return X, Y, a0, parameters


CASES = [
    # seed, n_a, vocab, T, leading None, None inside
    (0, 50, 27, 13, True, False),
    (1, 50, 27, 1, True, False),
    (2, 100, 27, 6, False, False),
    (3, 7, 5, 20, True, True),
    (4, 1, 2, 9, False, True),
    (5, 64, 38, 27, True, False),
    (6, 3, 60, 4, False, False),
    (7, 33, 11, 40, True, True),
]


def assert_same_forward(fast, slow, T):
    (loss, (y_hat, a, x)), (ref_loss, (ref_y_hat, ref_a, ref_x)) = fast, slow
    assert isinstance(loss, float)
    assert_close(loss, ref_loss)
    assert sorted(y_hat) == sorted(x) == list(range(T)) and sorted(a) == list(range(-1, T))
    for t in range(T):
        assert_close(y_hat[t], ref_y_hat[t])
        assert_close(x[t], ref_x[t])
    for t in range(-1, T):
        assert_close(a[t], ref_a[t])


def assert_same_gradients(gradients, expected):
    assert list(gradients) == ["dWax", "dWaa", "dWya", "db", "dby", "da_next"]
    for name, value in expected.items():
        assert_close(gradients[name], value)


@pytest.mark.parametrize("seed, n_a, vocab, T, leading_none, inner_none", CASES)
def test_forward_and_backward_agree_with_the_straightforward_version(seed, n_a, vocab, T, leading_none, inner_none):
    X, Y, a0, parameters = random_case(seed, n_a, vocab, T, leading_none, inner_none)
    fast = rnn.rnn_forward(X, Y, a0, parameters)
    slow = plain.rnn_forward(X, Y, a0, parameters, vocab)
    assert_same_forward(fast, slow, T)
    gradients, a = rnn.rnn_backward(X, Y, parameters, fast[1])
    ref_gradients, _ = plain.rnn_backward(X, Y, parameters, slow[1])
    assert_same_gradients(gradients, ref_gradients)
    assert a is fast[1][1]


def test_the_cache_follows_the_contract():
    X, Y, a0, parameters = random_case(10, 6, 4, 5, inner_none=True)
    _, (y_hat, a, x) = rnn.rnn_forward(X, Y, a0, parameters)
    assert all(type(d) is dict for d in (y_hat, a, x))
    np.testing.assert_array_equal(a[-1], a0)
    a0 += 1  # a[-1] is a copy of a0, not a view of it
    assert not np.allclose(a[-1], a0)
    for t, ix in enumerate(X):
        expected = np.zeros((4, 1))
        if ix is not None:
            expected[ix] = 1
        np.testing.assert_array_equal(x[t], expected)
        assert y_hat[t].shape == (4, 1) and abs(y_hat[t].sum() - 1) < 1e-15
        assert a[t].shape == (6, 1) and np.all(np.abs(a[t]) < 1)


def test_the_loss_is_summed_over_the_steps():
    X, Y, a0, parameters = random_case(11, 8, 6, 7)
    loss, (y_hat, _, _) = rnn.rnn_forward(X, Y, a0, parameters)
    assert loss == pytest.approx(-sum(np.log(y_hat[t][Y[t], 0]) for t in range(7)), rel=RTOL)


def in_place_changes(cache):
    """Change the cache in place through its views: values, not dict entries."""
    y_hat, a, x = cache
    y_hat[1] *= 0.5
    a[-1][:] = 0.25
    a[2] += 0.1
    x[0][1] = 1


def replaced_entries(cache):
    """Replace dict entries with other arrays: copies, swaps, arrays of another layout."""
    y_hat, a, x = cache
    a[0], a[1] = a[1], a[0]
    y_hat[2] = np.asfortranarray(y_hat[2] * 2)
    x[1] = x[1].copy()


@pytest.mark.parametrize("change", [in_place_changes, replaced_entries])
def test_backward_follows_changes_made_to_the_cache(change):
    X, Y, a0, parameters = random_case(12, 9, 5, 6)
    cache = rnn.rnn_forward(X, Y, a0, parameters)[1]
    change(cache)
    expected = copy.deepcopy(cache)  # plain arrays, as the straightforward version keeps them
    gradients, _ = rnn.rnn_backward(X, Y, parameters, cache)
    assert_same_gradients(gradients, plain.rnn_backward(X, Y, parameters, expected)[0])


def test_backward_accepts_a_cache_built_by_hand():
    X, Y, a0, parameters = random_case(13, 10, 7, 8, inner_none=True)
    cache = plain.rnn_forward(X, Y, a0, parameters, 7)[1]
    gradients, a = rnn.rnn_backward(X, Y, parameters, cache)
    assert a is cache[1]
    assert_same_gradients(gradients, plain.rnn_backward(X, Y, parameters, cache)[0])


def test_backward_of_an_older_forward_uses_that_forward():
    first = random_case(14, 12, 9, 10)
    second = random_case(15, 12, 9, 4)
    cache = rnn.rnn_forward(*first)[1]
    rnn.rnn_forward(*second)
    X, Y, _, parameters = first
    gradients, _ = rnn.rnn_backward(X, Y, parameters, cache)
    expected = plain.rnn_backward(X, Y, parameters, plain.rnn_forward(*first, 9)[1])[0]
    assert_same_gradients(gradients, expected)


def test_backward_uses_the_parameters_it_is_given():
    X, Y, a0, parameters = random_case(16, 5, 4, 6)
    cache = rnn.rnn_forward(X, Y, a0, parameters)[1]
    other = {name: value * 1.5 for name, value in parameters.items()}
    gradients, _ = rnn.rnn_backward(X, Y, other, cache)
    assert_same_gradients(gradients, plain.rnn_backward(X, Y, other, copy.deepcopy(cache))[0])


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """The graded optimize, built from the helpers: forward, backward, clip at 5, update."""
    loss, cache = rnn.rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn.rnn_backward(X, Y, parameters, cache)
    gradients = {k: np.clip(gradients[k], -5, 5) for k in ("dWaa", "dWax", "dWya", "db", "dby")}
    rnn.update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


def test_the_course_optimize_test_numbers():
    # facts 2.3: seed 1; a_prev first, then Wax, Waa, Wya, b, by, all unscaled randn
    np.random.seed(1)
    vocab_size, n_a = 27, 100
    a_prev = np.random.randn(n_a, 1)
    Wax = np.random.randn(n_a, vocab_size)
    Waa = np.random.randn(n_a, n_a)
    Wya = np.random.randn(vocab_size, n_a)
    b, by = np.random.randn(n_a, 1), np.random.randn(vocab_size, 1)
    parameters = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}
    Wya_before = Wya.copy()
    X, Y = [12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26]

    loss, gradients, a_last = optimize(X, Y, a_prev, parameters, learning_rate=0.01)

    assert loss == pytest.approx(126.50397572165389, rel=1e-12)
    assert gradients["dWaa"][1][2] == pytest.approx(0.19470931534713587, rel=1e-10)
    assert np.argmax(gradients["dWax"]) == 93
    assert gradients["dWya"][1][2] == pytest.approx(-0.007773876032002162, rel=1e-10)
    assert gradients["db"][4] == pytest.approx([-0.06809825], abs=5e-9)
    assert gradients["dby"][1] == pytest.approx([0.01538192], abs=5e-9)
    assert a_last[4] == pytest.approx([-1.0], abs=1e-12)
    assert all(np.all(np.abs(g) <= 5) for g in gradients.values())
    assert not np.allclose(parameters["Wya"], Wya_before)


def train(helpers, steps, n_a=20, vocab=7):
    """steps of SGD with clipping on a fixed stream of examples; the final parameters."""
    rng = np.random.default_rng(17)
    parameters = helpers.initialize_parameters(n_a, vocab, vocab)
    a_prev = np.zeros((n_a, 1))
    for _ in range(steps):
        X = [None] + [int(ix) for ix in rng.integers(1, vocab, rng.integers(2, 12))]
        Y = X[1:] + [0]
        _, cache = helpers.rnn_forward(X, Y, a_prev, parameters, vocab)
        gradients, a = helpers.rnn_backward(X, Y, parameters, cache)
        gradients = {k: np.clip(gradients[k], -5, 5) for k in ("dWaa", "dWax", "dWya", "db", "dby")}
        helpers.update_parameters(parameters, gradients, 0.05)
        a_prev = a[len(X) - 1]
    return parameters


def test_training_follows_the_straightforward_version():
    trained, expected = train(rnn, 300), train(plain, 300)
    for name in rnn.PARAMETER_NAMES:
        assert_close(trained[name], expected[name], rtol=1e-10)
    assert not np.allclose(trained["Waa"], plain.initialize_parameters(20, 7, 7)["Waa"])


def test_initialize_parameters_draws_with_seed_1():
    parameters = rnn.initialize_parameters(5, 4, 3)
    after = np.random.randn()
    np.random.seed(1)
    expected = {
        "Wax": np.random.randn(5, 4) * 0.01,
        "Waa": np.random.randn(5, 5) * 0.01,
        "Wya": np.random.randn(3, 5) * 0.01,
        "b": np.zeros((5, 1)),
        "by": np.zeros((3, 1)),
    }
    assert list(parameters) == list(expected)
    for name, value in expected.items():
        np.testing.assert_array_equal(parameters[name], value)
    assert after == np.random.randn()  # the global generator is left where the draws leave it


def test_parameters_from_initialize_parameters_can_be_changed_or_replaced():
    X, Y, a0, _ = random_case(18, 6, 5, 7)
    parameters = rnn.initialize_parameters(6, 5, 5)
    parameters["Waa"] += 0.3  # in place: the stacked weights follow
    parameters["b"][2] = 0.5
    parameters["Wya"] = parameters["Wya"] * 40  # replaced
    by_hand = {name: np.array(value) for name, value in parameters.items()}
    rnn.initialize_parameters(6, 5, 5)  # another model: the first one must still be right
    for params in (parameters, copy.deepcopy(parameters)):
        fast = rnn.rnn_forward(X, Y, a0, params)
        assert_same_forward(fast, plain.rnn_forward(X, Y, a0, by_hand, 5), 7)
        assert_same_gradients(
            rnn.rnn_backward(X, Y, params, fast[1])[0],
            plain.rnn_backward(X, Y, by_hand, plain.rnn_forward(X, Y, a0, by_hand, 5)[1])[0],
        )


def test_update_parameters_steps_in_place():
    _, _, _, parameters = random_case(19, 4, 3, 2)
    before = {name: value.copy() for name, value in parameters.items()}
    arrays = {name: value for name, value in parameters.items()}
    gradients = {"d" + name: np.full_like(value, 0.5) for name, value in parameters.items()}
    assert rnn.update_parameters(parameters, gradients, 0.1) is parameters
    for name, value in parameters.items():
        assert value is arrays[name]
        np.testing.assert_array_equal(value, before[name] + -0.1 * gradients["d" + name])


def test_softmax_normalises_each_column_after_subtracting_its_max():
    x = np.array([[1.0, 4.0], [2.0, -3.0], [3.0, 0.5]])
    e = np.exp(x - [3.0, 4.0])  # each column's own max: a column far below the others keeps its mass
    np.testing.assert_array_equal(rnn.softmax(x), e / e.sum(axis=0))
    far_apart = np.array([[0.0, 2000.0], [1.0, 2001.0]])  # one global max would leave 0/0 in column 0
    np.testing.assert_allclose(
        rnn.softmax(far_apart), [[1 / (1 + np.e), 1 / (1 + np.e)]] * 2 * np.array([[1], [np.e]]), rtol=1e-15
    )
    assert rnn.softmax(x.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(rnn.softmax(x).sum(axis=0), 1, rtol=1e-15)
    big = np.array([[1000.0], [999.0], [1001.0]])  # exp(1001) would overflow
    total = 1 + np.exp(-1) + np.exp(-2)
    expected = [np.exp(-1) / total, np.exp(-2) / total, 1 / total]
    np.testing.assert_allclose(rnn.softmax(big).ravel(), expected, rtol=1e-15)


def test_smooth_and_the_initial_loss():
    assert rnn.smooth(10.0, 20.0) == 10.0 * 0.999 + 20.0 * 0.001
    assert rnn.get_initial_loss(27, 7) == pytest.approx(23.070858062030304, rel=1e-15)
    assert rnn.get_initial_loss(2, 1) == pytest.approx(np.log(2), rel=1e-15)


@pytest.mark.parametrize(
    "X, Y, message",
    [
        (
            [None, 3, 27],
            [3, 26, 0],
            r"X\[2\] is 27, which is not a character index: expected ints in \[0, 27\) or None",
        ),
        ([None, -1, 2], [1, 2, 0], r"X\[1\] is -1"),
        ([None, 1, None, 30], [1, 2, 3, 0], r"X\[3\] is 30"),
        ([None, 2.0, 2], [1, 2, 0], r"X\[1\] is 2.0"),
        ([None, "a"], [1, 0], r"X\[1\] is 'a'"),
        (
            [None, 1, 2],
            [1, 2, 27],
            r"Y\[2\] is 27, which is not a character index: expected ints in \[0, 27\)$",
        ),
        ([None, 1, 2], [1, None, 0], r"Y\[1\] is None"),
        ([None, 1, 2], [1, 2], r"X has 3 steps and Y has 2; they must have the same length"),
        ([], [], r"X has 0 steps and Y has 0; .* at least 1"),
    ],
)
def test_forward_rejects_bad_indices_and_lengths(X, Y, message):
    parameters = rnn.initialize_parameters(5, 27, 27)
    with pytest.raises(ValueError, match=message):
        rnn.rnn_forward(X, Y, np.zeros((5, 1)), parameters)


def test_backward_rejects_bad_targets_and_lengths():
    X, Y, a0, parameters = random_case(20, 5, 6, 4)
    cache = rnn.rnn_forward(X, Y, a0, parameters)[1]
    message = r"Y\[3\] is 6, which is not a character index: expected ints in \[0, 6\)"
    with pytest.raises(ValueError, match=message):
        rnn.rnn_backward(X, Y[:3] + [6], parameters, cache)
    with pytest.raises(ValueError, match=r"X has 4 steps and Y has 3"):
        rnn.rnn_backward(X, Y[:3], parameters, cache)


def test_backward_rejects_a_cache_that_does_not_fit():
    X, Y, a0, parameters = random_case(21, 5, 6, 4)
    y_hat, a, x = rnn.rnn_forward(X, Y, a0, parameters)[1]
    del a[-1]
    with pytest.raises(ValueError, match=r"the cache's a has no time step -1; expected keys -1\.\.3"):
        rnn.rnn_backward(X, Y, parameters, (y_hat, a, x))
    a[-1] = np.zeros(5)
    with pytest.raises(ValueError, match=r"the cache's a\[-1\] has shape \(5,\); expected \(5, 1\)"):
        rnn.rnn_backward(X, Y, parameters, (y_hat, a, x))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.pop("by"), r"parameters is missing \['by'\]"),
        (lambda p: p.update(Waa=np.zeros((5, 4))), r"\['Waa'\] has shape \(5, 4\); .* must be \(5, 5\)"),
        (lambda p: p.update(b=np.zeros(5)), r"\['b'\] has shape \(5,\); .* must be \(5, 1\)"),
        (lambda p: p.update(Wya=np.zeros((3, 4))), r"\['Wya'\] has shape \(3, 4\); .* must be \(3, 5\)"),
        (lambda p: p.update(Wax=np.zeros(5)), r"parameters\['Wax'\] must be a 2-D array"),
        (lambda p: p.update(by=[[0.0]] * 3), r"parameters must hold numpy arrays"),
    ],
)
def test_bad_parameters_are_named(change, message):
    parameters = {name: np.array(v) for name, v in rnn.initialize_parameters(5, 3, 3).items()}
    change(parameters)
    with pytest.raises(ValueError, match=message):
        rnn.rnn_forward([None, 1], [1, 0], np.zeros((5, 1)), parameters)
    with pytest.raises(ValueError, match=message):
        rnn.rnn_backward([None, 1], [1, 0], parameters, ({}, {}, {}))


def test_forward_rejects_a_bad_initial_state_and_vocab_size():
    parameters = rnn.initialize_parameters(5, 3, 3)
    with pytest.raises(ValueError, match=r"a0 has shape \(5,\); expected \(5, 1\)"):
        rnn.rnn_forward([None, 1], [1, 0], np.zeros(5), parameters)
    with pytest.raises(ValueError, match="vocab_size is 27 but Wax has 3 columns"):
        rnn.rnn_forward([None, 1], [1, 0], np.zeros((5, 1)), parameters, vocab_size=27)
