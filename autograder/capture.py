"""Calling a graded function and capturing what it did, as plain data.

Plain data means numbers, strings, None, lists, dicts with str or int keys, and numpy arrays of
a numeric dtype: what can cross a process boundary without running anyone's code, and what the
checks compare with the reference. Whatever else a function returns (an object with its own
__eq__, a subclass of ndarray, ...) is refused here with a message, before any comparison.

dumps() and loads() carry plain data between processes as JSON (arrays tagged): decoding
bytes written by a process that ran student code must not run code, as unpickling would.

This module holds no expected values and no cases: it is the part of grading that may run
next to student code.
"""

import base64
import contextlib
import io
import json
import re
import traceback

import numpy as np

OUTPUT_LIMIT = 20_000  # characters of printed output kept per call
MESSAGE_LIMIT = 600  # characters of an exception's message kept in a problem


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


def attempt(exercise, fn, args, deps=None, cell=None):
    """capture() for one case, with a failure turned into a message for the student.

    Returns (captured, None), or (None, problem) when fn raised or returned something that is
    not plain data. cell -- the file name fn's source was compiled with; the problem then says
    which line of that cell raised.
    """
    try:
        return capture(exercise, fn, args, deps), None
    except NotPlainData as error:
        return None, str(error)
    except Exception as error:  # the graded code raised: that is this case's failure
        return None, raised(error, cell)


def raised(error, cell=None):
    """'raised ValueError: ...', with the line of `cell` (a compiled file name) it came from."""
    text = str(error)
    message = f"raised {type(error).__name__}" + (f": {text}" if text else "")
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + " [...]"
    lines = [line for frame, line in traceback.walk_tb(error.__traceback__) if frame.f_code.co_filename == cell]
    return message + (f" (line {lines[-1]} of your cell)" if lines else "")


# ---------------------------------------------------------------------------------------------
# Plain data as bytes. JSON, with arrays and non-str dict keys tagged, so that no code runs
# when bytes from an untrusted process are decoded (pickle would run whatever they describe).

_DTYPE = re.compile(r"[<>|=][biuf][1-9][0-9]?")
MAX_DEPTH = 32  # nesting of lists and dicts that loads() accepts


def dumps(value):
    """Plain data (see plain()) as JSON bytes."""
    return json.dumps(_tagged(plain(value))).encode("utf-8")


def _tagged(value):
    if isinstance(value, np.ndarray):
        data = base64.b64encode(np.ascontiguousarray(value).tobytes()).decode("ascii")
        return {"array": [value.dtype.str, list(value.shape), data]}
    if isinstance(value, dict):
        return {"dict": [[k, _tagged(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    return value


def loads(data):
    """The plain data that dumps() wrote; NotPlainData when data is anything else."""
    try:
        return _untagged(json.loads(data.decode("utf-8")), 0)
    except NotPlainData:
        raise
    except (ValueError, TypeError, RecursionError) as error:
        raise NotPlainData(f"unreadable data ({type(error).__name__})") from None


def _untagged(value, depth):
    if depth > MAX_DEPTH:
        raise NotPlainData("data nested too deeply")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        return [_untagged(v, depth + 1) for v in value]
    if type(value) is dict and list(value) == ["dict"] and type(value["dict"]) is list:
        out = {}
        for pair in value["dict"]:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
                raise NotPlainData("malformed dict entry")
            out[pair[0]] = _untagged(pair[1], depth + 1)
        return out
    if type(value) is dict and list(value) == ["array"]:
        return _array(value["array"])
    raise NotPlainData(f"unexpected {type(value).__name__} in data")


def _array(spec):
    if type(spec) is not list or len(spec) != 3:
        raise NotPlainData("malformed array")
    dtype, shape, data = spec
    if type(dtype) is not str or not _DTYPE.fullmatch(dtype):
        raise NotPlainData(f"array of dtype {dtype!r}; expected numbers")
    if type(shape) is not list or len(shape) > MAX_DEPTH or not all(type(n) is int and n >= 0 for n in shape):
        raise NotPlainData("malformed array shape")
    raw = base64.b64decode(data, validate=True) if type(data) is str else None
    dtype = np.dtype(dtype)
    if raw is None or len(raw) != dtype.itemsize * int(np.prod(shape, dtype=object)):
        raise NotPlainData("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
