"""What an assignment's cases are made of: the Case, its result, and the comparisons checks use.

A case builds its arguments from a fixed seed; its expected result is what the reference
solution does with the same arguments on the same machine. Its check compares the two and
returns a list of messages, empty when the case passes. The messages of a public case may show
expected values (students see the public example anyway); those of a hidden case say which
property failed and by how much, never the expected value. Public cases are shown, not scored:
their expected values can be read off the notebook.
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Case:
    title: str  # shown to the student
    public: bool  # True for the example of the public test: shown, never scored
    build: Callable[[], dict]  # the keyword arguments of the call, built anew each time
    check: Callable[[dict, dict, bool], list]  # (got, expected, public) -> messages


@dataclass
class CaseResult:
    title: str
    public: bool
    problems: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.problems


def verdict_lines(results):
    """Plain-text lines for CaseResults: "PASS [public] title", and each problem indented below."""
    lines = []
    for result in results:
        lines.append(f"{'PASS' if result.passed else 'FAIL'} [{'public' if result.public else 'hidden'}] {result.title}")
        lines += [f"    {problem}" for problem in result.problems]
    return lines


def is_array(value):
    """Whether value is a numpy array of numbers (what plain data allows)."""
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"


def close(label, got, want, public, rtol=1e-7, atol=1e-10):
    """Messages about an array or number got that should be close to want."""
    if not (is_array(got) or type(got) in (int, float)):
        return [f"{label} should be numbers, got {type(got).__name__}"]
    got_arr, want_arr = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got_arr.shape != want_arr.shape:
        return [f"{label} has shape {got_arr.shape}, expected {want_arr.shape}"]
    if not np.all(np.isfinite(got_arr)):
        return [f"{label} contains nan or inf"]
    if np.allclose(got_arr, want_arr, rtol=rtol, atol=atol):
        return []
    if public:
        return [f"{label} is {np.array2string(got_arr, threshold=8)}, "
                f"expected {np.array2string(want_arr, threshold=8)}"]
    diff = np.max(np.abs(got_arr - want_arr) / (np.abs(want_arr) + atol))
    return [f"{label} differs from the expected value (largest relative difference {diff:.1e})"]


def dict_of_arrays(label, got, keys):
    """Messages unless got is a dict with exactly keys, each an array of numbers."""
    if not isinstance(got, dict):
        return [f"{label} should be a dict, got {type(got).__name__}"]
    if sorted(got) != sorted(keys):
        extra, missing = sorted(set(got) - set(keys), key=str), sorted(set(keys) - set(got))
        return [f"{label} should have exactly the keys {list(keys)}"
                + (f"; unexpected {extra}" if extra else "") + (f"; missing {missing}" if missing else "")]
    return [f"{label}['{k}'] should be an array of numbers, got {type(got[k]).__name__}"
            for k in keys if not is_array(got[k])]


def same_dict_of_arrays(label, got, want, keys, public, rtol=1e-7, atol=1e-10):
    """Messages unless got is a dict of arrays with exactly keys, each close to want's."""
    problems = dict_of_arrays(label, got, keys)
    if problems:
        return problems
    return [m for k in keys for m in close(f"{label}['{k}']", got[k], want[k], public, rtol, atol)]
