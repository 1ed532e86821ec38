"""The character-level RNN of the course: one cell, the forward and backward passes, the update.

These are the functions students write in *Building a recurrent network step by step* and then
use in *Dinosaur Island*, written here the way the first notebook derives them.

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

The equations, for t = 0 .. T-1:
    a<t>     = tanh(Wax x<t> + Waa a<t-1> + b)        (the cell: a loop, each step needs the last)
    y_hat<t> = softmax(Wya a<t> + by)                 (the output layer: all steps at once)
    loss     = -sum_t log y_hat<t>[Y[t]]

The contract (the cache of dicts keyed by time step, the loss summed over the steps, the extra
`da_next` key in the gradients, the seed inside initialize_parameters) is the one of the original
assignment's helper module, so that every seeded result of the course reproduces.

Why it is faster than the plain reading (benchmarks/straightforward_rnn.py, which computes the
output layer and every weight gradient one step at a time): a step of this RNN is a handful of
tiny products, so the time goes into the number of numpy calls, not into arithmetic. What each
choice buys, on the dinosaur training:
- the output layer for all T steps at once: Wya (n_y, n_a) times the hidden states side by side
  (n_a, T) is every step's scores in one product, and softmax works column by column;
- the gradients of the shared weights as products: a weight used at every step gets the sum of
  every step's contribution, and a sum over t of outer products u<t> v<t>.T is one matrix
  product U V.T. These two are most of the gain: only the recurrences (a<t> from a<t-1>, and
  backwards da<t-1> from da<t>) are loops;
- np.concatenate(..., axis=1) rather than np.hstack, and array methods (dy.sum) rather than
  np.sum: the same result with fewer Python-level wrapper calls, about a tenth of the time left;
- the input checks at the bottom cost about a tenth; they are kept for the messages they give.
Measured (`python benchmarks/bench_rnn.py`, medians of 3 on an idle 2-core machine): model(22001)
3.93 s against 6.66 s for the plain reading, 1.70x (1.46x to 1.63x with other jobs on the cores).
Both give the course's seeded log.
softmax lives in utils/activations.py (it is imported here, so `from utils.rnn import softmax` works).
What this module leaves out on purpose: mini-batches and any other optimiser than plain SGD
(the LSTM notebook has both).
"""

import numpy as np

from .activations import softmax

PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")
GRADIENT_NAMES = tuple("d" + name for name in PARAMETER_NAMES)


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


def update_parameters(parameters, gradients, lr):
    """One step of gradient descent, in place: W -= lr * dW for the five parameters.

    parameters -- dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1)
    gradients  -- dict of dWax, dWaa, dWya, db, dby, each the shape of its parameter
    lr         -- learning rate, a float
    Returns the same parameters dict, for convenience.
    """
    for name in PARAMETER_NAMES:
        parameters[name] -= lr * gradients["d" + name]
    return parameters


def rnn_cell_forward(parameters, a_prev, x):
    """One step of the recurrence: a<t> = tanh(Wax x<t> + Waa a<t-1> + b).

    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), b (n_a, 1) (the others are not used)
    a_prev     -- the hidden state of the previous step, a<t-1>, shape (n_a, 1)
    x          -- the step's input x<t>, a one-hot vector (or zeros), shape (n_x, 1)
    Returns a_next, the new hidden state a<t>, shape (n_a, 1).
    """
    return np.tanh(np.dot(parameters["Wax"], x) + np.dot(parameters["Waa"], a_prev) + parameters["b"])


def rnn_forward(X, Y, a0, parameters, vocab_size=None):
    """Run the RNN over one example and compute its loss.

    X          -- list of T input indices; None stands for the zero vector (the first step)
    Y          -- list of T target indices (X shifted left, ending with the newline's index)
    a0         -- the hidden state before the first step, shape (n_a, 1)
    parameters -- dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1)
    vocab_size -- n_x, the length of a one-hot input; by default the number of columns of Wax
    Returns (loss, cache):
        loss  -- cross-entropy summed (not averaged) over the T steps, a float
        cache -- (y_hat, a, x), three dicts keyed by time step t: y_hat[t] (n_y, 1),
                 a[t] (n_a, 1) for t in -1..T-1 (a[-1] is a copy of a0), x[t] (n_x, 1)
    """
    _check_example(X, Y, parameters, a0, vocab_size)
    T, n_x = len(X), vocab_size or parameters["Wax"].shape[1]
    x, a = {}, {-1: np.copy(a0)}
    for t in range(T):
        x[t] = np.zeros((n_x, 1))
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t] = rnn_cell_forward(parameters, a[t - 1], x[t])

    # The output layer for all steps at once: column t of A is a<t>, column t of probs is y_hat<t>.
    A = np.concatenate([a[t] for t in range(T)], axis=1)
    probs = softmax(np.dot(parameters["Wya"], A) + parameters["by"])
    y_hat = {t: probs[:, t : t + 1] for t in range(T)}
    loss = -float(np.sum(np.log(probs[Y, range(T)])))  # the probability of each step's target
    return loss, (y_hat, a, x)


def rnn_cell_backward(da_next, a_next, parameters):
    """Backpropagate one step of the recurrence a<t> = tanh(z<t>), z<t> = Wax x<t> + Waa a<t-1> + b.

    da_next    -- gradient of the loss with respect to a<t> (from the step's output and from
                  step t+1), shape (n_a, 1)
    a_next     -- the step's hidden state a<t>, shape (n_a, 1)
    parameters -- dict with Waa (n_a, n_a) (the others are not used)
    Returns (dz, da_prev):
        dz      -- gradient with respect to z<t>, shape (n_a, 1); the step's share of the
                   weight gradients is dz x<t>.T (dWax), dz a<t-1>.T (dWaa) and dz (db)
        da_prev -- gradient with respect to a<t-1> through this step, Waa.T dz, shape (n_a, 1)
    """
    dz = (1 - a_next**2) * da_next  # tanh'(z) = 1 - tanh(z)^2
    da_prev = np.dot(parameters["Waa"].T, dz)
    return dz, da_prev


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
    _check_example(X, Y, parameters)
    _check_cache(cache, len(X), parameters)
    y_hat, a, x = cache
    T = len(X)
    # Column t of each: the step's input x<t>, its state a<t>, the previous state a<t-1>.
    inputs = np.concatenate([x[t] for t in range(T)], axis=1)
    states = np.concatenate([a[t] for t in range(T)], axis=1)
    previous_states = np.concatenate([a[t - 1] for t in range(T)], axis=1)

    # The output layer, all steps at once: the gradient of softmax + cross-entropy with respect
    # to the scores is y_hat - one_hot(Y); column t is dy<t>.
    dy = np.concatenate([y_hat[t] for t in range(T)], axis=1)
    dy[Y, range(T)] -= 1
    dWya = np.dot(dy, states.T)  # sum over t of dy<t> a<t>.T
    dby = dy.sum(axis=1, keepdims=True)
    da_from_output = np.dot(parameters["Wya"].T, dy)  # column t: what a<t> gets from y_hat<t>

    # The recurrence, backwards: a<t> also gets what step t+1 sends back (nothing at the last step).
    dz = np.zeros_like(states)
    da_next = np.zeros_like(a[-1])
    for t in reversed(range(T)):
        dz[:, t : t + 1], da_next = rnn_cell_backward(da_from_output[:, t : t + 1] + da_next, a[t], parameters)

    # The shared weights get the sum over the steps of each step's share.
    dWax = np.dot(dz, inputs.T)  # sum over t of dz<t> x<t>.T
    dWaa = np.dot(dz, previous_states.T)  # sum over t of dz<t> a<t-1>.T
    db = dz.sum(axis=1, keepdims=True)
    # da_next: the gradient with respect to a0 = a[-1]
    gradients = {"dWax": dWax, "dWaa": dWaa, "dWya": dWya, "db": db, "dby": dby, "da_next": da_next}
    return gradients, a


# Checking the input. Dinosaur Island's students call rnn_forward and rnn_backward with lists they
# build themselves, so a mistake there gets a message naming the entry instead of a numpy error
# from deep inside the math. (The step-by-step notebook's versions leave these checks out.)


def _check_example(X, Y, parameters, a0=None, vocab_size=None):
    """ValueError unless the parameters' shapes agree, X and Y have one length and hold character
    indices (X may hold None), and a0 fits. rnn_backward, which reads only the length of X, passes
    no a0, and its X is not looked into."""
    _check_parameters(parameters)
    (n_a, n_x), n_y = parameters["Wax"].shape, parameters["Wya"].shape[0]
    if vocab_size is not None and vocab_size != n_x:
        raise ValueError(f"vocab_size is {vocab_size} but Wax has {n_x} columns; they must agree")
    if not 0 < len(X) == len(Y):
        raise ValueError(f"X has {len(X)} steps and Y has {len(Y)}; they must have the same length, at least 1")
    if a0 is not None:
        _check_indices("X", X, n_x, none_allowed=True)
    _check_indices("Y", Y, n_y, none_allowed=False)
    if a0 is not None and np.shape(a0) != (n_a, 1):
        raise ValueError(f"a0 has shape {np.shape(a0)}; expected ({n_a}, 1)")


def _check_indices(name, indices, size, none_allowed):
    """ValueError naming the first entry of indices that is not an int in [0, size) (nor None, when allowed)."""
    for t, ix in enumerate(indices):
        # type(ix) is int leaves out bool; a numpy bool is not an np.integer
        if (type(ix) is int or isinstance(ix, np.integer)) and 0 <= ix < size or (ix is None and none_allowed):
            continue
        expected = f"ints in [0, {size})" + (" or None" if none_allowed else "")
        raise ValueError(f"{name}[{t}] is {ix!r}, which is not a character index: expected {expected}")


def _check_parameters(parameters):
    """ValueError naming the parameter whose shape does not agree with Wax (n_a, n_x) and Wya (n_y, _)."""
    missing = [k for k in PARAMETER_NAMES if k not in parameters]
    if missing:
        raise ValueError(f"parameters is missing {missing}; expected the keys {list(PARAMETER_NAMES)}")
    if not all(isinstance(parameters[k], np.ndarray) for k in PARAMETER_NAMES):
        raise ValueError("parameters must hold numpy arrays Wax, Waa, Wya, b and by")
    for name in ("Wax", "Wya"):
        if parameters[name].ndim != 2:
            raise ValueError(f"parameters['{name}'] must be a 2-D array; got shape {parameters[name].shape}")
    wax_shape, wya_shape = parameters["Wax"].shape, parameters["Wya"].shape
    n_a, n_y = wax_shape[0], wya_shape[0]
    expected = {"Waa": (n_a, n_a), "Wya": (n_y, n_a), "b": (n_a, 1), "by": (n_y, 1)}
    for name, shape in expected.items():
        if parameters[name].shape != shape:
            raise ValueError(
                f"parameters['{name}'] has shape {parameters[name].shape}; with Wax of shape "
                f"{wax_shape} and Wya of shape {wya_shape} it must be {shape}"
            )


def _check_cache(cache, T, parameters):
    """ValueError unless cache is (y_hat, a, x) with every time step rnn_backward reads, of its shape."""
    (n_a, n_x), n_y = parameters["Wax"].shape, parameters["Wya"].shape[0]
    y_hat, a, x = cache
    for name, steps, first, n in (("y_hat", y_hat, 0, n_y), ("a", a, -1, n_a), ("x", x, 0, n_x)):
        for t in range(first, T):
            if t not in steps:
                raise ValueError(f"the cache's {name} has no time step {t}; expected keys {first}..{T - 1}")
            if getattr(steps[t], "shape", None) != (n, 1):
                raise ValueError(f"the cache's {name}[{t}] has shape {np.shape(steps[t])}; expected ({n}, 1)")
