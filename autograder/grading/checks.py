"""What an assignment's cases are made of: the Case, its result, the comparisons checks use, and
the one rendering of a case's verdict.

A case builds its arguments from a fixed seed; its expected result is what the reference
solution does with the same arguments on the same machine. Its check compares the two and
returns a list of messages (messages.Message), empty when the case passes. The messages of a
public case may show expected values (students see the public example anyway), and say where
arrays differ: the index, the value got and the value expected. Those of a hidden case say which
property failed and by how much, never the expected value. Public cases are shown, not scored:
their expected values can be read off the notebook.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .messages import Message, say


@dataclass(frozen=True)
class Case:
    title: Message  # shown to the student
    public: bool  # True for the example of the public test: shown, never scored
    build: Callable[[], dict]  # the keyword arguments of the call, built anew each time
    check: Callable[[dict, dict, bool], list]  # (got, expected, public) -> [Message, ...]


@dataclass
class CaseResult:
    title: Message
    public: bool
    problems: list = field(default_factory=list)  # Messages; empty when the case passed

    @property
    def passed(self):
        return not self.problems


@dataclass(frozen=True)
class Verdict:
    passed: bool
    public: bool
    line: str  # "PASS [hidden] title", in the language asked for
    details: tuple  # the problems, one text each


def verdicts(results, catalog, language):
    """A Verdict per CaseResult, its texts rendered by catalog (messages.Catalog) in language.
    Every place that shows PASS and FAIL (the kernel, results.json, feedback.html) renders these."""
    found = []
    for result in results:
        line = catalog.render(
            say(
                "verdict",
                verdict=say("pass" if result.passed else "fail"),
                kind=say("public" if result.public else "hidden"),
                title=result.title,
            ),
            language,
        )
        found.append(
            Verdict(result.passed, result.public, line, tuple(catalog.render(p, language) for p in result.problems))
        )
    return found


def verdict_lines(results, catalog, language):
    """Plain-text lines: each verdict, and its problems indented below it."""
    return [text for v in verdicts(results, catalog, language) for text in (v.line, *(f"    {d}" for d in v.details))]


def hidden_summary(outcome, max_points, catalog, language):
    """The line that sums up an exercise's hidden cases (how many passed, the points), or None
    when it has none. outcome -- the exercise's graded outcome (its cases and points)."""
    hidden = [c for c in outcome.cases if not c.public]
    if not hidden:
        return None
    passed = sum(c.passed for c in hidden)
    summary = say("hidden_summary", passed=passed, hidden=len(hidden), points=outcome.points, max_points=max_points)
    return catalog.render(summary, language)


def is_array(value):
    """Whether value is a numpy array of numbers (what plain data allows)."""
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"


def close(label, got, want, public, rtol=1e-7, atol=1e-10):
    """Messages about an array or number got that should be close to want (elementwise,
    |got - want| <= atol + rtol * |want|).

    label -- a Message naming the value ("the loss")
    """
    if not (is_array(got) or type(got) in (int, float)):
        return [say("should_be_numbers", label=label, type=type(got).__name__)]
    got_arr, want_arr = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got_arr.shape != want_arr.shape:
        return [say("wrong_shape", label=label, got=str(got_arr.shape), want=str(want_arr.shape))]
    if not np.all(np.isfinite(got_arr)):
        return [say("not_finite", label=label)]
    wrong = ~np.isclose(got_arr, want_arr, rtol=rtol, atol=atol)
    if not wrong.any():
        return []
    if not public:
        diff = float(np.max(np.abs(got_arr - want_arr) / (np.abs(want_arr) + max(atol, np.finfo(float).tiny))))
        if got_arr.ndim == 0:
            return [say("differs_hidden_number", label=label, diff=diff)]
        return [say("differs_hidden", label=label, count=int(wrong.sum()), total=wrong.size, diff=diff)]
    if got_arr.ndim == 0:
        return [say("differs_number", label=label, got=repr(float(got_arr)), want=repr(float(want_arr)))]
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    # repr of a float is the shortest text that reads back as it: two different values never
    # print alike, however close they are
    return [
        say(
            "differs_at",
            label=label,
            count=int(wrong.sum()),
            total=wrong.size,
            index=str(list(first)),
            got=repr(float(got_arr[first])),
            want=repr(float(want_arr[first])),
        )
    ]


def dict_of_arrays(label, got, keys):
    """Messages unless got is a dict with exactly keys, each an array of numbers."""
    if not isinstance(got, dict):
        return [say("should_be_dict", label=label, type=type(got).__name__)]
    if sorted(got) != sorted(keys):
        extra, missing = sorted(set(got) - set(keys), key=str), sorted(set(keys) - set(got))
        return (
            [say("exact_keys", label=label, keys=list(keys))]
            + ([say("unexpected_keys", label=label, keys=[str(k) for k in extra])] if extra else [])
            + ([say("missing_keys", label=label, keys=missing)] if missing else [])
        )
    return [
        say("should_be_array", label=say("item", label=label, key=k), type=type(got[k]).__name__)
        for k in keys
        if not is_array(got[k])
    ]


def same_dict_of_arrays(label, got, want, keys, public, rtol=1e-7, atol=1e-10):
    """Messages unless got is a dict of arrays with exactly keys, each close to want's."""
    problems = dict_of_arrays(label, got, keys)
    if problems:
        return problems
    return [m for k in keys for m in close(say("item", label=label, key=k), got[k], want[k], public, rtol, atol)]
