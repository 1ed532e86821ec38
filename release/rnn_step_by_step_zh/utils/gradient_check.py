"""Checking an analytic gradient against a numerical one, for every notebook of the series.

A backward pass is easy to get subtly wrong and hard to test by reading. Nudging each input by
a small h in both directions and watching the loss change gives the gradient the slow way
(centred differences, error of order h**2); the analytic gradient must agree to about 1e-7
in relative terms. This module has no model in it: the RNN and LSTM notebooks bring theirs.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function with respect to every entry of x.

    f -- function of no arguments returning a float; it must read x, which is changed in
         place and restored
    x -- float64 array
    Returns an array shaped like x.
    """
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f()
        x[idx] = old - h
        f_minus = f()
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Relative difference of two arrays as wholes: ||a - b|| / max(||a|| + ||b||, 1e-8).

    Norms rather than cs231n's largest entry-by-entry ratio: an entry whose true gradient is
    almost 0 keeps a centred difference's rounding error of about 1e-10, which entry by
    entry looks like a large relative error although the gradient is right.
    """
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-8))
