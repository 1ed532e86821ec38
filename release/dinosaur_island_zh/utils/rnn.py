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

rnn_forward and rnn_backward are vectorised over time wherever the recurrence allows it:
only the hidden-state update is a Python loop; the output layer, the softmax and the
weight gradients are computed for all time steps at once. They still return the per-step
dicts the original returned, as views into those arrays. What this module leaves out on
purpose: mini-batches and any other optimiser than plain SGD (the LSTM notebook has both).
"""

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
    """
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    b = np.zeros((n_a, 1))
    by = np.zeros((n_y, 1))
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


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

    Returns the same parameters dict, for convenience.
    """
    for name in PARAMETER_NAMES:
        parameters[name] += -lr * gradients["d" + name]
    return parameters


def _unpack(parameters, vocab_size=None):
    """The five parameters, after checking that their shapes agree (ValueError otherwise)."""
    missing = [k for k in PARAMETER_NAMES if k not in parameters]
    if missing:
        raise ValueError(f"parameters is missing {missing}; expected the keys {list(PARAMETER_NAMES)}")
    Wax, Waa, Wya, b, by = (parameters[k] for k in PARAMETER_NAMES)
    n_a, n_x = Wax.shape
    n_y = Wya.shape[0]
    for name, shape in (("Waa", (n_a, n_a)), ("Wya", (n_y, n_a)), ("b", (n_a, 1)), ("by", (n_y, 1))):
        if parameters[name].shape != shape:
            raise ValueError(
                f"parameters['{name}'] has shape {parameters[name].shape}; with Wax of shape "
                f"{Wax.shape} and Wya of shape {Wya.shape} it must be {shape}"
            )
    if vocab_size is not None and vocab_size != n_x:
        raise ValueError(f"vocab_size is {vocab_size} but Wax has {n_x} columns; they must agree")
    return Wax, Waa, Wya, b, by


def _as_indices(name, indices, size):
    """indices as an int array, after checking each is a character index in [0, size)."""
    arr = np.array(indices, dtype=object if not indices else None)
    if indices and (arr.dtype.kind not in "iu" or min(indices) < 0 or max(indices) >= size):
        bad = next(
            ix for ix in indices if not isinstance(ix, (int, np.integer)) or not 0 <= ix < size
        )
        raise ValueError(
            f"{name} contains {bad!r}, which is not a character index: expected ints in [0, {size})"
        )
    return arr.astype(np.intp)


def _columns(rows, keys):
    """{key: (n, 1) view of row i} for the rows of a (len(keys), n) array."""
    return dict(zip(keys, rows[:, :, None]))


def _rows(steps, n_rows, n):
    """The (n_rows, n) array behind a dict of (n, 1) columns made by _columns.

    When every column is still a view of one array of that shape (the cache as rnn_forward
    made it, possibly changed in place), that array is used as it is; otherwise (a cache
    built or replaced by hand) the columns are stacked anew, in the order of the keys.
    """
    bases = [column.base for column in steps.values()]
    base = bases[0]
    if base is not None and base.shape == (n_rows, n) and bases.count(base) == n_rows:
        return base
    return np.stack([np.asarray(steps[k]).reshape(n) for k in sorted(steps)])


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
    Wax, Waa, Wya, b, by = _unpack(parameters, vocab_size)
    (n_a, n_x), n_y, T = Wax.shape, Wya.shape[0], len(X)
    if len(Y) != T:
        raise ValueError(f"X has {T} steps and Y has {len(Y)}; they must have the same length")
    hot = [t for t, ix in enumerate(X) if ix is not None]
    X_hot = _as_indices("X", [X[t] for t in hot], n_x)
    Y_ix = _as_indices("Y", Y, n_y)
    if np.shape(a0) != (n_a, 1):
        raise ValueError(f"a0 has shape {np.shape(a0)}; expected ({n_a}, 1)")

    # Internally every per-step vector is a row of a (T, n) array, so a step reads and writes
    # contiguous memory; the dicts handed back hold (n, 1) column views of those rows.
    xs = np.zeros((T, n_x))
    xs[hot, X_hot] = 1
    # Wax @ x_t plus the bias is known for every step before the recurrence starts. For a
    # one-hot x_t the product only copies a column of Wax, so one matrix product is exact.
    drive = xs.dot(Wax.T)
    drive += b.T
    A = np.empty((T + 1, n_a))
    A[0] = a0[:, 0]
    for a_prev, drive_t, a_next in zip(A[:-1], drive, A[1:]):  # the one sequential part
        z = Waa.dot(a_prev)
        z += drive_t
        np.tanh(z, out=a_next)

    # Output layer and softmax for all steps at once; the max is taken per step, as the
    # one-column softmax does.
    scores = A[1:].dot(Wya.T) + by.T
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    Y_hat = e / e.sum(axis=1, keepdims=True)
    steps = np.arange(T)
    loss = -np.log(Y_hat[steps, Y_ix]).sum()

    steps = range(T)
    return float(loss), (_columns(Y_hat, steps), _columns(A, range(-1, T)), _columns(xs, steps))


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
    Wax, Waa, Wya, b, by = _unpack(parameters)
    y_hat, a, x = cache
    (n_a, n_x), n_y, T = Wax.shape, Wya.shape[0], len(X)
    if len(Y) != T or len(y_hat) != T:
        raise ValueError(f"X, Y and the cache must cover the same steps; got {T}, {len(Y)}, {len(y_hat)}")
    dy = _rows(y_hat, T, n_y).copy()
    dy[np.arange(T), _as_indices("Y", Y, n_y)] -= 1  # dL/dscores = y_hat - one_hot(Y)
    A = _rows(a, T + 1, n_a)
    xs = _rows(x, T, n_x)

    from_output = dy.dot(Wya)  # row t is Wya.T @ dy_t, the part of da known without recursion
    tanh_grad = 1 - A[1:] * A[1:]
    daraw = np.empty((T, n_a))
    da_next = np.zeros(n_a)
    for tanh_grad_t, da_t, daraw_t in zip(tanh_grad[::-1], from_output[::-1], daraw[::-1]):
        da_t += da_next  # da = Wya.T @ dy_t + da_next, in the buffer that held the first term
        np.multiply(tanh_grad_t, da_t, out=daraw_t)
        da_next = daraw_t.dot(Waa)  # = Waa.T @ daraw_t

    gradients = {
        "dWax": daraw.T.dot(xs),
        "dWaa": daraw.T.dot(A[:-1]),
        "dWya": dy.T.dot(A[1:]),
        "db": daraw.sum(axis=0)[:, None],
        "dby": dy.sum(axis=0)[:, None],
        "da_next": da_next[:, None],
    }
    return gradients, a
