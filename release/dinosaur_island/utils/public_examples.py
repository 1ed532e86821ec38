"""The public examples of the dinosaur notebook's tests, built one way for everyone.

utils.public_tests runs the students' functions on them, and the graders show the same examples
as their public cases (they load this file by its path). Only public examples are here: the
hidden cases are defined with the graders, never in utils/, which students get. This module uses
numpy only, so that the graders can load it without importing the utils package.
"""

import numpy as np


def random_parameters(n_a, vocab_size, rng=np.random, scale=1.0):
    """Wax (n_a, vocab_size), Waa (n_a, n_a), Wya (vocab_size, n_a), b (n_a, 1), by (vocab_size, 1),
    drawn in that order from rng (a RandomState, or np.random itself after np.random.seed), each
    times scale."""
    return {
        "Wax": rng.randn(n_a, vocab_size) * scale,
        "Waa": rng.randn(n_a, n_a) * scale,
        "Wya": rng.randn(vocab_size, n_a) * scale,
        "b": rng.randn(n_a, 1) * scale,
        "by": rng.randn(vocab_size, 1) * scale,
    }


def public_gradients():
    """The gradients of clip's public example (n_a 5, vocab_size 3 for dWax and 2 for dWya, dby):
    seed 3, drawn in the order dWax, dWaa, dWya, db, dby, each times 10, then da_next, the extra
    key rnn_backward also returns."""
    np.random.seed(3)
    shapes = {"dWax": (5, 3), "dWaa": (5, 5), "dWya": (2, 5), "db": (5, 1), "dby": (2, 1), "da_next": (5, 1)}
    return {k: np.random.randn(*s) * 10 for k, s in shapes.items()}


def public_sample_parameters():
    """The parameters of sample's public example: seed 24, n_a 100, vocab_size 27."""
    np.random.seed(24)
    return random_parameters(100, 27)


def public_optimize_arguments():
    """[X, Y, a_prev (100, 1), parameters] of optimize's public example: seed 1, vocab_size 27."""
    np.random.seed(1)
    a_prev = np.random.randn(100, 1)
    parameters = random_parameters(100, 27)
    return [[12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26], a_prev, parameters]
