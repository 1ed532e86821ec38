"""The softmax every notebook of the series uses, in a module of its own.

It holds no solution of any exercise, so the step-by-step notebook's release can ship it while
utils/rnn.py (whose functions are that notebook's answers) stays out of it. utils.rnn and
utils.lstm import it from here.
"""

import numpy as np


def softmax(x):
    """Softmax over axis 0: each column of x becomes a probability distribution.

    x -- scores, shape (n, m): one column per example or time step (m is 1 for a single one)
    Returns probabilities of the same shape and dtype; every column sums to 1.
    """
    # Subtracting a column's max does not change its softmax but keeps exp() from overflowing.
    e_x = np.exp(x - x.max(axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)
