"""Calling a graded function and capturing what it did, as plain data (see protocol.plain).

Plain data is what can cross a process boundary without running anyone's code, and what the
checks compare with the reference. Whatever else a function returns (an object with its own
__eq__, a subclass of ndarray, ...) is refused here with a message, before any comparison.

This module holds no expected values and no cases: it is the part of grading that may run
next to student code.
"""

import contextlib
import io
import traceback

from .protocol import NotPlainData, plain

OUTPUT_LIMIT = 20_000  # characters of printed output kept per call
MESSAGE_LIMIT = 600  # characters of an exception's message kept in a problem


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


class CappedText(io.TextIOBase):
    """A text stream that keeps the first `limit` characters written to it and drops the rest,
    so a function that prints in a loop costs neither memory nor a flooded report."""

    def __init__(self, limit=OUTPUT_LIMIT):
        super().__init__()
        self.limit = limit
        self._parts = []
        self._kept = 0

    def writable(self):
        return True

    def write(self, text):
        room = self.limit - self._kept
        if room > 0:
            kept = str(text)[:room]
            self._parts.append(kept)
            self._kept += len(kept)
        return len(text)

    def getvalue(self):
        return "".join(self._parts)


def _call(fn, args, deps):
    """fn(**args) with deps bound in its globals; returns (result, printed output)."""
    out = CappedText()
    with functions_from(getattr(fn, "__globals__", {}), deps), contextlib.redirect_stdout(out):
        result = fn(**args)
    return result, out.getvalue()


def problem(key, **values):
    """What to tell the student, as plain data that crosses the process boundary: a message key
    and its values (strings, numbers, or such problems). The grader renders it in the student's
    language (messages.from_plain); nothing here knows the texts."""
    return {"key": key, "values": values}


def capture(fn, args, deps=None, watch=()):
    """Call fn(**args) for one case; return {what: plain data}.

    Besides the return value and the printed output it records the arguments named in watch
    as they are after the call: what the exercise's contract says about side effects (clip must
    not change its argument, optimize must update the parameters in place, ...).
    """
    result, printed = _call(fn, args, deps or {})
    captured = {"result": plain(result), "printed": printed}
    for name in watch:
        captured[f"{name}_after"] = plain(args[name], problem("argument_after_call", name=name))
    return captured


def attempt(fn, args, deps=None, watch=(), cell=None):
    """capture() for one case, with a failure turned into a message for the student.

    Returns (captured, None), or (None, problem) when fn raised or returned something that is
    not plain data; the problem is a problem() dict. cell -- the file name fn's source was
    compiled with; the problem then says which line of that cell raised.
    """
    try:
        return capture(fn, args, deps, watch), None
    except NotPlainData as error:
        return None, error.message
    except Exception as error:  # the graded code raised: that is this case's failure
        return None, raised(error, cell)


def raised(error, cell=None):
    """A problem(): error's type and message (Python's own text, cut to MESSAGE_LIMIT), with the
    line of `cell` (a compiled file name) it came from, when it came from there."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if len(text) > MESSAGE_LIMIT:
        text = text[:MESSAGE_LIMIT] + " [...]"
    lines = [line for frame, line in traceback.walk_tb(error.__traceback__) if frame.f_code.co_filename == cell]
    return problem("raised_at_line", error=text, line=lines[-1]) if lines else problem("raised", error=text)
