"""The checks students run after each exercise of *Building a recurrent network step by step*.

Each test draws seeded inputs, calls the student's function, and compares what comes back with
the values the reference solution gives (written down here: this file ships with the notebook,
the solutions do not). A failure raises AssertionError with a message saying what was expected
and where to look; a pass prints the values checked and a short verdict. These are the public
checks only: grading adds hidden cases with other seeds, shapes and sizes.
"""

import numpy as np

from .gradient_check import numerical_gradient, rel_error

PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")
GRADIENT_NAMES = ("dWax", "dWaa", "dWya", "db", "dby", "da_next")


def _passed(name):
    print(f"\033[92mAll tests passed for {name}.\033[0m")


def _parameters(n_a, vocab_size):
    """Wax, Waa, Wya, b, by drawn from numpy's current seed, in the order the tests use."""
    return {
        "Wax": np.random.randn(n_a, vocab_size) * 0.5,
        "Waa": np.random.randn(n_a, n_a) * 0.5 / np.sqrt(n_a),
        "Wya": np.random.randn(vocab_size, n_a) * 0.5,
        "b": np.random.randn(n_a, 1) * 0.1,
        "by": np.random.randn(vocab_size, 1) * 0.1,
    }


def _one_hot(index, size):
    x = np.zeros((size, 1))
    if index is not None:
        x[index] = 1
    return x


def _array(label, got, shape):
    """got as an array after checking that it is one, of the expected shape."""
    assert isinstance(got, np.ndarray), f"{label} should be a numpy array, got {type(got).__name__}"
    assert got.shape == shape, f"{label} has shape {got.shape}, expected {shape}"
    return got


def _compare(label, got, expected, hint):
    """Assert got (a number or array entry) is close to expected; print it when it is."""
    assert np.allclose(got, expected, rtol=1e-6, atol=1e-9), f"{label} = {got!r}, expected {expected!r}. {hint}"
    print(f"{label} = {got}")


def rnn_cell_forward_test(rnn_cell_forward):
    """One step from seeded parameters: a_next's shape, two entries and its sum."""
    np.random.seed(1)
    parameters = _parameters(5, 3)
    a_prev = np.tanh(np.random.randn(5, 1))
    originals = {k: v.copy() for k, v in parameters.items()}
    a_next = _array("a_next", rnn_cell_forward(parameters, a_prev, _one_hot(1, 3)), (5, 1))
    hint = "Check a<t> = tanh(Wax x<t> + Waa a<t-1> + b): np.dot for the products, np.tanh around the sum."
    for label, got, expected in [
        ("a_next[0]", a_next[0, 0], EXPECTED["cell_forward"][0]),
        ("a_next[4]", a_next[4, 0], EXPECTED["cell_forward"][1]),
        ("np.sum(a_next)", np.sum(a_next), EXPECTED["cell_forward"][2]),
    ]:
        _compare(label, got, expected, hint)
    assert all(np.array_equal(parameters[k], v) for k, v in originals.items()), (
        "rnn_cell_forward changed the parameters: a step only reads them"
    )
    _passed("rnn_cell_forward")


def rnn_forward_test(rnn_forward):
    """A name of 4 steps: the loss and the cache's structure and values."""
    np.random.seed(2)
    parameters = _parameters(5, 4)
    a0 = np.tanh(np.random.randn(5, 1))
    a0_before = a0.copy()
    X, Y = [None, 2, 1, 3], [2, 1, 3, 0]
    result = rnn_forward(X, Y, a0, parameters)
    assert isinstance(result, tuple) and len(result) == 2, "rnn_forward must return (loss, cache)"
    loss, cache = result
    assert isinstance(cache, tuple) and len(cache) == 3, "the cache must be the tuple (y_hat, a, x)"
    y_hat, a, x = cache
    assert sorted(y_hat) == sorted(x) == [0, 1, 2, 3], "y_hat and x must have the keys 0..T-1 (one per step)"
    assert sorted(a) == [-1, 0, 1, 2, 3], "a must have the keys -1..T-1: a[-1] is the initial state a0"
    for t in range(4):
        _array(f"y_hat[{t}]", y_hat[t], (4, 1))
        _array(f"a[{t}]", a[t], (5, 1))
        assert np.array_equal(x[t], _one_hot(X[t], 4)), (
            f"x[{t}] should be the one-hot vector of X[{t}] = {X[t]} (all zeros for None)"
        )
        assert np.isclose(y_hat[t].sum(), 1), f"y_hat[{t}] should sum to 1 (a softmax over the characters)"
    assert np.array_equal(a[-1], a0_before) and np.array_equal(a0, a0_before), (
        "a[-1] must be a copy of a0 (np.copy), and a0 must stay as it was"
    )
    # In the order of the computation, so the first difference points at the part to fix.
    expected = EXPECTED["forward"]
    _compare("a[3][1]", a[3][1, 0], expected[1], "Check the loop: a[t] from a[t - 1] and x[t], with rnn_cell_forward.")
    hint = "Check the output layer: y_hat<t> = softmax(Wya a<t> + by), column t of probs."
    _compare("y_hat[2][3]", y_hat[2][3, 0], expected[2], hint)
    _compare("np.sum(y_hat[1] * y_hat[1])", np.sum(y_hat[1] * y_hat[1]), expected[3], hint)
    _compare("loss", loss, expected[0], "The loss is -log of the probability of each target Y[t], summed over t.")
    _passed("rnn_forward")


def rnn_cell_backward_test(rnn_cell_backward):
    """The backward step of one cell: dz and da_prev."""
    np.random.seed(3)
    parameters = _parameters(5, 3)
    a_next = np.tanh(np.random.randn(5, 1))
    da_next = np.random.randn(5, 1)
    result = rnn_cell_backward(da_next, a_next, parameters)
    assert isinstance(result, tuple) and len(result) == 2, "rnn_cell_backward must return (dz, da_prev)"
    dz, da_prev = _array("dz", result[0], (5, 1)), _array("da_prev", result[1], (5, 1))
    expected = EXPECTED["cell_backward"]
    _compare("dz[2]", dz[2, 0], expected[0], "dz = (1 - a_next ** 2) * da_next: the derivative of tanh is 1 - tanh^2.")
    _compare("np.sum(dz)", np.sum(dz), expected[1], "dz = (1 - a_next ** 2) * da_next, element by element.")
    _compare("da_prev[1]", da_prev[1, 0], expected[2], "da_prev = Waa.T dz (the transpose: the gradient flows back).")
    _compare("np.sum(da_prev)", np.sum(da_prev), expected[3], "da_prev = np.dot(Waa.T, dz).")
    _passed("rnn_cell_backward")


def backward_example():
    """(X, Y, parameters, cache) of the rnn_backward test: a cache drawn at random, as a forward
    pass would leave it (y_hat columns that sum to 1, states in (-1, 1), one-hot inputs)."""
    np.random.seed(4)
    parameters = _parameters(5, 4)
    X, Y = [None, 2, 1, 3], [2, 1, 3, 0]
    scores = np.random.randn(4, 4)
    probs = np.exp(scores) / np.exp(scores).sum(axis=0)
    y_hat = {t: probs[:, t : t + 1].copy() for t in range(4)}
    a = {t: np.tanh(np.random.randn(5, 1)) for t in range(-1, 4)}
    x = {t: _one_hot(X[t], 4) for t in range(4)}
    return X, Y, parameters, (y_hat, a, x)


def rnn_backward_test(rnn_backward):
    """Backpropagation through time over 4 steps: every gradient's shape, one entry and its sum."""
    X, Y, parameters, cache = backward_example()
    result = rnn_backward(X, Y, parameters, cache)
    assert isinstance(result, tuple) and len(result) == 2, "rnn_backward must return (gradients, a)"
    gradients, a = result
    assert isinstance(gradients, dict) and sorted(gradients) == sorted(GRADIENT_NAMES), (
        f"gradients must be a dict with the keys {list(GRADIENT_NAMES)}"
    )
    assert a is cache[1], "rnn_backward returns the dict of hidden states a of the cache, as it is"
    shapes = {"dWax": (5, 4), "dWaa": (5, 5), "dWya": (4, 5), "db": (5, 1), "dby": (4, 1), "da_next": (5, 1)}
    hints = {
        "dWya": "dWya sums dy<t> a<t>.T over the steps, with dy<t> = y_hat<t> - one_hot(Y[t]).",
        "dby": "dby sums dy<t> over the steps.",
        "dWax": "dWax sums dz<t> x<t>.T; dz<t> comes from rnn_cell_backward with da = Wya.T dy<t> + da_next.",
        "dWaa": "dWaa sums dz<t> a<t-1>.T (the previous state, a[t - 1]).",
        "db": "db sums dz<t> over the steps.",
        "da_next": "da_next is the gradient with respect to a[-1]: what step 0 sends back, Waa.T dz<0>.",
    }
    for name, shape in shapes.items():
        value = _array(f'gradients["{name}"]', gradients[name], shape)
        index, entry, total = EXPECTED["backward"][name]
        _compare(f'gradients["{name}"]{list(index)}', value[index], entry, hints[name])
        _compare(f'np.sum(gradients["{name}"])', np.sum(value), total, hints[name])
    _passed("rnn_backward")


def gradient_check(rnn_forward, rnn_backward, seed=5):
    """Compare every gradient of rnn_backward with centred differences of rnn_forward's loss.

    Prints the relative error of each (it should be below 1e-7) and returns {name: error}.
    """
    np.random.seed(seed)
    parameters = _parameters(4, 3)
    a0 = np.tanh(np.random.randn(4, 1))
    X, Y = [None, 1, 2, 0, 1], [1, 2, 0, 1, 2]
    _, cache = rnn_forward(X, Y, a0, parameters)
    gradients, _ = rnn_backward(X, Y, parameters, cache)
    errors = {}
    for name in PARAMETER_NAMES:
        numeric = numerical_gradient(lambda: rnn_forward(X, Y, a0, parameters)[0], parameters[name])
        errors["d" + name] = rel_error(gradients["d" + name], numeric)
    numeric = numerical_gradient(lambda: rnn_forward(X, Y, a0, parameters)[0], a0)
    errors["da_next"] = rel_error(gradients["da_next"], numeric)
    for name, error in errors.items():
        verdict = "ok" if error < 1e-7 else "TOO LARGE: check this gradient"
        print(f"{name:8s} relative error {error:.2e}  {verdict}")
    return errors


def lstm_cell_forward_test(lstm_cell_forward):
    """The optional LSTM cell: a_next, c_next and y_pred of a seeded step (not graded)."""
    np.random.seed(6)
    n_a, n_x, n_y, m = 5, 3, 2, 4
    parameters = {name: np.random.randn(n_a, n_a + n_x) for name in ("Wf", "Wi", "Wc", "Wo")}
    parameters.update({name: np.random.randn(n_a, 1) for name in ("bf", "bi", "bc", "bo")})
    parameters.update(Wy=np.random.randn(n_y, n_a), by=np.random.randn(n_y, 1))
    xt, a_prev, c_prev = np.random.randn(n_x, m), np.random.randn(n_a, m), np.random.randn(n_a, m)
    try:
        result = lstm_cell_forward(xt, a_prev, c_prev, parameters)
    except NotImplementedError:  # optional: an untouched cell is not a failure of the notebook
        print("lstm_cell_forward is optional and not written yet: nothing to check.")
        return
    assert isinstance(result, tuple) and len(result) == 3, "lstm_cell_forward must return (a_next, c_next, y_pred)"
    a_next, c_next, y_pred = (
        _array(label, value, shape)
        for label, value, shape in zip(("a_next", "c_next", "y_pred"), result, ((n_a, m), (n_a, m), (n_y, m)))
    )
    hint = (
        "Check the gates (sigmoid of W [a_prev; xt] + b), c_next = ft * c_prev + it * cct "
        "and a_next = ot * tanh(c_next)."
    )
    expected = EXPECTED["lstm"]
    _compare("a_next[4][3]", a_next[4, 3], expected[0], hint)
    _compare("c_next[2][1]", c_next[2, 1], expected[1], hint)
    _compare("y_pred[1][2]", y_pred[1, 2], expected[2], "y_pred = softmax(Wy a_next + by), column by column.")
    _passed("lstm_cell_forward")


# The reference solution's values on the inputs above (tests/test_rnn_step_by_step.py checks that
# the reference passes every test here and that a wrong function fails it).
EXPECTED = {
    "cell_forward": (-0.052532563045286924, 0.22806648331814022, 1.1933357795263204),
    "forward": (7.199250134065773, -0.30837726910674523, 0.1293377616759607, 0.28772454312147233),
    "cell_backward": (-1.0020270386567636, 1.133835649433516, 0.19615246617712834, 0.10898504668722658),
    "backward": {
        "dWax": ((3, 2), -0.1743017426318597, -0.10212640766145303),
        "dWaa": ((1, 2), -0.036768646742009546, -0.6224882759914375),
        "dWya": ((1, 2), -0.5548353390262856, -3.191891195797325e-16),
        "db": ((4, 0), -0.16165902798125997, -0.1907052214193602),
        "dby": ((1, 0), -0.09343441479487181, -1.6653345369377348e-16),
        "da_next": ((2, 0), 0.0083484845347533, 0.17119397018625576),
    },
    "lstm": (-0.21366362463418104, 0.2953905105132616, 0.8763852067591974),
}
