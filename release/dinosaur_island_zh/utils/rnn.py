"""The character-level RNN that the dinosaur notebook trains: forward, backward, update.

Notation (used in every notebook of the series):
    n_x = vocab_size  -- number of characters, the size of a one-hot input
    n_a               -- number of hidden units
    n_y = vocab_size  -- number of characters, the size of the softmax output
    T                 -- number of time steps, len(X)

parameters is a dict with
    Wax -- input-to-hidden weights,   shape (n_a, n_x)
    Waa -- hidden-to-hidden weights,  shape (n_a, n_a)
    Wya -- hidden-to-output weights,  shape (n_y, n_a)
    b   -- hidden bias,               shape (n_a, 1)
    by  -- output bias,               shape (n_y, 1)
and gradients has the same keys with a leading d (dWax, ..., dby).

The contract (cache layout, the loss summed over time steps, the extra `da_next` key in
the gradients, the seed inside initialize_parameters) is the one of the original
assignment's helper module, so that every seeded result of the course reproduces.

How it is fast. Training calls rnn_forward and rnn_backward once per name (T is about 13),
so the cost is the number of numpy calls, not arithmetic. Hence:
- only the hidden-state recurrences are Python loops, with two numpy calls per step; the
  output layer, the softmax, the loss and the weight gradients are computed for all time
  steps at once, on (T, n) arrays whose row t is step t;
- the weights of the hidden layer are used stacked as [Wax.T; Waa.T; b.T], those of the
  output layer as [Wya.T; by.T]. initialize_parameters lays the parameters out that way
  from the start (each is a view into one of two such arrays, so updating a parameter in
  place updates the stack); for any other parameters the stacks are built on each call;
- the dicts of the cache hold (n, 1) views of the rows of those (T, n) arrays, and the
  gradients are views into two products laid out like the stacked weights; rnn_backward
  reuses the forward's arrays while the cache still holds exactly the views it handed out.
What this module leaves out on purpose: mini-batches and any other optimiser than plain SGD
(the LSTM notebook has both).
"""

from operator import is_

import numpy as np

PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")
GRADIENT_NAMES = tuple("d" + name for name in PARAMETER_NAMES)


def softmax(x):
    """Softmax over axis 0 (the rows of each column).

    x -- scores, shape (n_y, m); m is 1 for a single time step.
    Returns probabilities of the same shape; every column sums to 1.
    """
    # Subtracting a constant does not change the result but keeps exp() from overflowing.
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)


def smooth(loss, cur_loss):
    """Exponential moving average of the loss: 0.999 * loss + 0.001 * cur_loss."""
    return loss * 0.999 + cur_loss * 0.001


def get_initial_loss(vocab_size, seq_length):
    """The loss of a model that guesses uniformly: seq_length * log(vocab_size).

    Used to start the smoothed loss, so the curve starts where an untrained model is.
    """
    return -np.log(1.0 / vocab_size) * seq_length


def initialize_parameters(n_a, n_x, n_y):
    """Small random weights and zero biases, seeded with 1 so every run starts the same.

    n_a -- number of hidden units
    n_x -- size of the input (vocab_size)
    n_y -- size of the output (vocab_size)
    Returns parameters: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1).
    They are views into the two stacked arrays rnn_forward works with (see the module's
    docstring); change them in place (W -= ..., as update_parameters does) or replace them,
    both are handled.
    """
    global _latest_parameters
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    hidden, output = _stack(Wax, Waa, Wya, np.zeros((n_a, 1)), np.zeros((n_y, 1)))
    parameters = _unstack(hidden, output, n_x, PARAMETER_NAMES)
    _latest_parameters = (tuple(parameters.values()), hidden, output)
    return parameters


def _stack(Wax, Waa, Wya, b, by):
    """hidden = [Wax.T; Waa.T; b.T] (n_x + n_a + 1, n_a) and output = [Wya.T; by.T] (n_a + 1, n_y).

    With x_t one-hot and a row [x_t | a_{t-1} | 1], one product with hidden gives
    Wax x_t + Waa a_{t-1} + b; with [a_t | 1], one product with output gives Wya a_t + by.
    Both are C-ordered whatever the parameters' memory order is, so that the products, and
    the memory order of the gradients, are always the same.
    """
    n_a, n_x = Wax.shape
    hidden = np.empty((n_x + n_a + 1, n_a))
    hidden[:n_x], hidden[n_x:-1], hidden[-1] = Wax.T, Waa.T, b[:, 0]
    output = np.empty((n_a + 1, Wya.shape[0]))
    output[:-1], output[-1] = Wya.T, by[:, 0]
    return hidden, output


def _unstack(hidden, output, n_x, names):
    """The five blocks of hidden and output, transposed back, as a dict keyed by names.

    hidden -- (n_x + n_a + 1, n_a), output -- (n_a + 1, n_y), laid out as _stack makes them
    names  -- the five keys, in the order Wax, Waa, Wya, b, by (or dWax, ...)
    """
    blocks = hidden[:n_x], hidden[n_x:-1], output[:-1], hidden[-1:], output[-1:]
    return {name: block.T for name, block in zip(names, blocks)}


# (the five parameter arrays, hidden, output) of the latest initialize_parameters: while a
# parameters dict still holds those very arrays, they are views into hidden and output, which
# are then current. Identity, not equality, is what proves that (see _unpack).
_latest_parameters = None


def rnn_step_forward(parameters, a_prev, x):
    """One time step of the RNN.

    parameters -- dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1)
    a_prev     -- hidden state of the previous step, shape (n_a, 1)
    x          -- one-hot input (or zeros), shape (n_x, 1)
    Returns (a_next, p_t): the new hidden state (n_a, 1) and the softmax output (n_y, 1).
    """
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    a_next = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
    p_t = softmax(np.dot(Wya, a_next) + by)
    return a_next, p_t


def rnn_step_backward(dy, gradients, parameters, x, a, a_prev):
    """Backpropagate one time step and add its contribution to gradients (in place).

    dy         -- gradient of the loss with respect to the output scores, shape (n_y, 1)
    gradients  -- dict dWax, dWaa, dWya, db, dby and da_next (n_a, 1), the gradient arriving
                  from the next time step; updated in place
    parameters -- dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1)
    x          -- the step's input, shape (n_x, 1)
    a          -- the step's hidden state, shape (n_a, 1)
    a_prev     -- the previous hidden state, shape (n_a, 1)
    Returns gradients, with da_next now the gradient for the previous step.
    """
    gradients["dWya"] += np.dot(dy, a.T)
    gradients["dby"] += dy
    da = np.dot(parameters["Wya"].T, dy) + gradients["da_next"]
    daraw = (1 - a * a) * da  # tanh'(z) = 1 - tanh(z)^2
    gradients["db"] += daraw
    gradients["dWax"] += np.dot(daraw, x.T)
    gradients["dWaa"] += np.dot(daraw, a_prev.T)
    gradients["da_next"] = np.dot(parameters["Waa"].T, daraw)
    return gradients


def update_parameters(parameters, gradients, lr):
    """One step of gradient descent, in place: W -= lr * dW for the five parameters.

    parameters -- dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1)
    gradients  -- dict of dWax, dWaa, dWya, db, dby, each the shape of its parameter
    lr         -- learning rate, a float
    Returns the same parameters dict, for convenience.
    """
    # Subtracting lr * dW gives the same bits as adding -lr * dW (negation is exact).
    for name, grad_name in zip(PARAMETER_NAMES, GRADIENT_NAMES):
        parameters[name] -= lr * gradients[grad_name]
    return parameters


def _unpack(parameters):
    """((Wax, Waa, Wya, b, by), stacked) after checking that the shapes agree (ValueError).

    stacked is (hidden, output) when the parameters are the views the latest
    initialize_parameters made (their shapes are right by construction), None otherwise.
    """
    try:
        five = tuple(map(parameters.__getitem__, PARAMETER_NAMES))
    except (KeyError, TypeError, AttributeError):
        _explain_parameters(parameters)
    latest = _latest_parameters
    if latest is not None and all(map(is_, latest[0], five)):
        return five, latest[1:]
    Wax, Waa, Wya, b, by = five
    try:
        (n_a, n_x), (n_y, n_a_y) = Wax.shape, Wya.shape
        shapes = Waa.shape, n_a_y, b.shape, by.shape
        shapes_agree = shapes == ((n_a, n_a), n_a, (n_a, 1), (n_y, 1))
    except (AttributeError, ValueError):
        shapes_agree = False
    if not shapes_agree:
        _explain_parameters(parameters)
    return five, None


def _explain_parameters(parameters):
    """Raise the ValueError that says what is wrong with parameters (once _unpack found out)."""
    missing = [k for k in PARAMETER_NAMES if k not in parameters]
    if missing:
        raise ValueError(
            f"parameters is missing {missing}; expected the keys {list(PARAMETER_NAMES)}"
        )
    for name in ("Wax", "Wya"):
        if np.ndim(parameters[name]) != 2:
            raise ValueError(
                f"parameters['{name}'] must be a 2-D array; got {parameters[name]!r:.80}"
            )
    wax_shape, wya_shape = np.shape(parameters["Wax"]), np.shape(parameters["Wya"])
    n_a, n_y = wax_shape[0], wya_shape[0]
    expected = {"Waa": (n_a, n_a), "Wya": (n_y, n_a), "b": (n_a, 1), "by": (n_y, 1)}
    for name, shape in expected.items():
        if np.shape(parameters[name]) != shape:
            raise ValueError(
                f"parameters['{name}'] has shape {np.shape(parameters[name])}; with Wax of shape "
                f"{wax_shape} and Wya of shape {wya_shape} it must be {shape}"
            )
    raise ValueError("parameters must hold numpy arrays Wax, Waa, Wya, b and by")


def _int_array(indices, size):
    """indices (a list of T ints) as an int array, or None unless each is an int in [0, size).

    Python ints give an int array at once, and their min and max are cheap; anything else
    (numpy integers of mixed types, floats, None, strings) is looked at entry by entry.
    """
    array = np.array(indices, dtype=None if len(indices) else np.intp)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        if not all(map(_is_int, indices)):
            return None
        array = np.array(indices, dtype=np.intp)
    if len(indices) and (min(indices) < 0 or max(indices) >= size):
        return None
    return array


def _is_int(ix):
    """True for a Python or numpy integer that is not a bool."""
    return isinstance(ix, (int, np.integer)) and not isinstance(ix, (bool, np.bool_))


def _index_error(name, indices, size, none_allowed=False):
    """The ValueError that names the first entry of indices that is not an int in [0, size)."""
    t, bad = next(
        (t, ix)
        for t, ix in enumerate(indices)
        if not (none_allowed and ix is None) and not (_is_int(ix) and 0 <= ix < size)
    )
    expected = f"ints in [0, {size})" + (" or None" if none_allowed else "")
    return ValueError(
        f"{name}[{t}] is {bad!r}, which is not a character index: expected {expected}"
    )


def _check_lengths(X, Y):
    """ValueError unless X and Y have the same number of steps, at least one."""
    if not 0 < len(X) == len(Y):
        raise ValueError(
            f"X has {len(X)} steps and Y has {len(Y)}; "
            "they must have the same length, at least 1"
        )


# What the latest rnn_forward handed out: (y_hat views, a views, x views, Y_hat, B). The
# views themselves are kept, not their ids, so that none can be freed and its id reused.
_latest_forward = None


def rnn_forward(X, Y, a0, parameters, vocab_size=None):
    """Run the RNN over one example and compute its loss.

    X          -- list of T input indices; None stands for the zero vector (the first step)
    Y          -- list of T target indices (X shifted left, ending with the newline index)
    a0         -- initial hidden state, shape (n_a, 1)
    parameters -- dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1)
    vocab_size -- n_x, the number of characters; by default the number of columns of Wax
    Returns (loss, cache):
        loss  -- cross-entropy summed (not averaged) over the T steps, a float
        cache -- (y_hat, a, x), three dicts keyed by time step t: y_hat[t] (n_y, 1),
                 a[t] (n_a, 1) for t in -1..T-1 (a[-1] is a copy of a0), x[t] (n_x, 1)
    """
    global _latest_forward
    (Wax, Waa, Wya, b, by), stacked = _unpack(parameters)
    (n_a, n_x), n_y, T = Wax.shape, Wya.shape[0], len(X)
    if vocab_size is not None and vocab_size != n_x:
        raise ValueError(f"vocab_size is {vocab_size} but Wax has {n_x} columns; they must agree")
    _check_lengths(X, Y)
    steps = np.arange(T)
    # Usually X[0] alone is None (the zero input): then steps first..T-1 have a one-hot input.
    first = 1 if X[0] is None else 0
    if None in X[first:]:
        hot = [t for t, ix in enumerate(X) if ix is not None]
        X_ix = _int_array([X[t] for t in hot], n_x)
    else:
        hot, X_ix = steps[first:], _int_array(X[first:], n_x)
    if X_ix is None:
        raise _index_error("X", X, n_x, none_allowed=True)
    Y_ix = _int_array(Y, n_y)
    if Y_ix is None:
        raise _index_error("Y", Y, n_y)
    a0 = np.asarray(a0)
    if a0.shape != (n_a, 1):
        raise ValueError(f"a0 has shape {a0.shape}; expected ({n_a}, 1)")
    hidden, output = stacked or _stack(Wax, Waa, Wya, b, by)

    # Row t of B is [x_t | a_{t-1} | 1]: its product with hidden is Wax x_t + Waa a_{t-1} + b,
    # and a_t goes into the next row, so a step is two numpy calls (product, tanh). Then
    # B[t + 1, n_x:] = [a_t | 1] is what the output layer and the gradients need.
    B = np.zeros((T + 1, n_x + n_a + 1))
    B[hot, X_ix] = 1
    B[0, n_x:-1] = a0[:, 0]
    B[:, -1] = 1
    for inputs, a_next in zip(B, B[1:, n_x:-1]):  # the one sequential part
        np.tanh(inputs.dot(hidden), a_next)

    # Output layer and softmax for all steps at once. The max is subtracted per step, as the
    # one-column softmax does, so no step can overflow or underflow to 0/0.
    Y_hat = B[1:, n_x:].dot(output)
    Y_hat -= np.maximum.reduce(Y_hat, 1, keepdims=True)
    np.exp(Y_hat, Y_hat)
    Y_hat /= np.add.reduce(Y_hat, 1, keepdims=True)
    # Summed left to right by Python, as the original's loop does (and faster than numpy here).
    loss = -sum(np.log(Y_hat[steps, Y_ix]).tolist())

    # The dicts hold (n, 1) views of the rows. rnn_backward uses the arrays behind them while
    # the dicts still hold exactly these views (changes made in place are in the arrays too).
    y_hat_views = list(Y_hat[:, :, None])
    a_views = list(B[:, n_x:-1, None])
    x_views = list(B[:T, :n_x, None])
    _latest_forward = (y_hat_views, a_views, x_views, Y_hat, B)
    return loss, (
        dict(zip(range(T), y_hat_views)),
        dict(zip(range(-1, T), a_views)),
        dict(zip(range(T), x_views)),
    )


def _holds(steps, keys, views):
    """True when the dict steps maps the keys, and nothing else, to exactly these views.

    keys -- a range; views -- a list as long. (Values and keys in the same insertion order.)
    """
    return (
        len(steps) == len(views)
        and all(map(is_, steps.values(), views))
        and list(steps) == list(keys)
    )


def _rows(steps, keys, n, name):
    """The (len(keys), n) array whose rows are steps[k] for k in keys, each of shape (n, 1)."""
    for k in keys:
        if k not in steps:
            raise ValueError(
                f"the cache's {name} has no time step {k}; expected keys {keys[0]}..{keys[-1]}"
            )
        if np.shape(steps[k]) != (n, 1):
            raise ValueError(
                f"the cache's {name}[{k}] has shape {np.shape(steps[k])}; expected ({n}, 1)"
            )
    return np.concatenate([steps[k] for k in keys], axis=1).T


def _forward_arrays(cache, T, n_x, n_a, n_y):
    """Y_hat (T, n_y) and B (T + 1, n_x + n_a + 1), laid out as rnn_forward makes them.

    cache -- (y_hat, a, x) dicts. When they still hold the views the latest rnn_forward made,
    these are its arrays; otherwise (a cache built by hand, or entries replaced) they are
    built from the dicts.
    """
    y_hat, a, x = cache
    latest = _latest_forward
    if latest is not None:
        y_hat_views, a_views, x_views, Y_hat, B = latest
        if (
            B.shape == (T + 1, n_x + n_a + 1)
            and Y_hat.shape == (T, n_y)
            and _holds(y_hat, range(T), y_hat_views)
            and _holds(a, range(-1, T), a_views)
            and _holds(x, range(T), x_views)
        ):
            return Y_hat, B
    Y_hat = _rows(y_hat, range(T), n_y, "y_hat")
    B = np.zeros((T + 1, n_x + n_a + 1))
    B[:T, :n_x] = _rows(x, range(T), n_x, "x")
    B[:, n_x:-1] = _rows(a, range(-1, T), n_a, "a")
    B[:, -1] = 1
    return Y_hat, B


def rnn_backward(X, Y, parameters, cache):
    """Backpropagation through time over one example.

    X, Y       -- the lists given to rnn_forward (T entries each)
    parameters -- dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1)
    cache      -- (y_hat, a, x) as returned by rnn_forward
    Returns (gradients, a):
        gradients -- dWax (n_a, n_x), dWaa (n_a, n_a), dWya (n_y, n_a), db (n_a, 1),
                     dby (n_y, 1), plus da_next (n_a, 1), the gradient with respect to a[-1]
        a         -- the dict of hidden states from the cache, a[-1] .. a[T-1]
    """
    (Wax, Waa, Wya, b, by), _ = _unpack(parameters)
    (n_a, n_x), n_y, T = Wax.shape, Wya.shape[0], len(X)
    _check_lengths(X, Y)
    Y_ix = _int_array(Y, n_y)
    if Y_ix is None:
        raise _index_error("Y", Y, n_y)
    Y_hat, B = _forward_arrays(cache, T, n_x, n_a, n_y)

    # Row r of R is [dy_{r-1} | daraw_r], so the product of row t+1 with K = [Wya; Waa] is
    # da_t = Wya.T dy_t + Waa.T daraw_{t+1}, and daraw_t = (1 - a_t^2) * da_t goes straight
    # into row t: two numpy calls per step. daraw_T is 0.
    dy = Y_hat.copy()  # dL/dscores = y_hat - one_hot(Y), the ones found by flat position
    dy.reshape(-1)[np.arange(0, T * n_y, n_y) + Y_ix] -= 1
    R = np.zeros((T + 1, n_y + n_a))
    R[1:, :n_y] = dy
    K = np.concatenate((Wya, Waa))
    A = B[1:, n_x:-1]
    tanh_grad = 1 - A * A  # tanh'(z) = 1 - tanh(z)^2
    for r_next, tanh_grad_t, daraw_t in zip(R[:0:-1], tanh_grad[::-1], R[-2::-1, n_y:]):
        np.multiply(tanh_grad_t, r_next.dot(K), daraw_t)
    daraw = R[:T, n_y:]

    # Summing daraw_t [x_t | a_{t-1} | 1] over t, as one product, gives [dWax | dWaa | db],
    # and summing dy_t [a_t | 1] gives [dWya | dby]; computed transposed, they are laid out
    # as hidden and output are, so the gradients have the parameters' memory layout.
    gradients = _unstack(B[:T].T.dot(daraw), B[1:, n_x:].T.dot(dy), n_x, GRADIENT_NAMES)
    gradients["da_next"] = R[0, n_y:].dot(Waa)[:, None]  # Waa.T daraw_0
    return gradients, cache[1]
