"""Calling a graded function and capturing what it did, as plain data.

Plain data means numbers, strings, None, lists, dicts with str or int keys, and numpy arrays of
a numeric dtype: what can cross a process boundary without running anyone's code, and what the
checks compare with the reference. Whatever else a function returns (an object with its own
__eq__, a subclass of ndarray, ...) is refused here with a message, before any comparison.

This module holds no expected values and no cases: it is the part of grading that may run
next to student code.
"""

import contextlib
import io

import numpy as np

OUTPUT_LIMIT = 20_000  # characters of printed output kept per call


class NotPlainData(TypeError):
    """A graded function returned something other than plain data."""


def plain(value, where="the result"):
    """A copy of value made of plain data only; NotPlainData says where something else was."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)) and type(value).__module__ == "numpy":
        return value.item()
    if type(value) is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise NotPlainData(f"{where} is an array of dtype {value.dtype}; expected numbers")
        return np.array(value, copy=True)
    if type(value) in (list, tuple):
        return [plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if type(k) not in (str, int):
                raise NotPlainData(f"{where} has a key of type {type(k).__name__}; expected str or int keys")
            out[k] = plain(v, f"{where}[{k!r}]")
        return out
    raise NotPlainData(f"{where} is of type {type(value).__name__}; expected numbers, lists, dicts or arrays")


@contextlib.contextmanager
def functions_from(namespace, deps):
    """Bind deps ({name: function}) in namespace while the block runs, then restore it.

    A graded function finds the functions of other exercises in its module namespace; binding
    the reference ones there grades the function on its own, so one mistake costs points once.
    """
    missing = object()
    saved = {name: namespace.get(name, missing) for name in deps}
    namespace.update(deps)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def _call(fn, args, deps):
    """fn(**args) with deps bound in its globals; returns (result, printed output)."""
    out = io.StringIO()
    with functions_from(getattr(fn, "__globals__", {}), deps), contextlib.redirect_stdout(out):
        result = fn(**args)
    return result, out.getvalue()[:OUTPUT_LIMIT]


def capture(exercise, fn, args, deps=None):
    """Call fn(**args) for one case of an exercise; return {what: plain data}.

    Besides the return value it records what the exercise's contract says about side effects:
    the arguments as they are after the call (clip must not change them, optimize must update
    the parameters in place, sample must leave them alone).
    """
    result, printed = _call(fn, args, deps or {})
    captured = {"result": plain(result), "printed": printed}
    if exercise == "clip":
        captured["gradients_after"] = plain(args["gradients"])
    if exercise in ("sample", "optimize"):
        captured["parameters_after"] = plain(args["parameters"])
    return captured
