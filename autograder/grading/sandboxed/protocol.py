"""What crosses the boundary between the grader and the processes that run student code.

Three layers, each one small:
- plain data: numbers, strings, None, lists, dicts with str or int keys, and numpy arrays of
  a numeric dtype. plain() copies a value into plain data or says where it is not;
- the codec: dumps() and loads() carry plain data as JSON bytes (arrays tagged). Decoding bytes
  written by a process that ran student code must not run code, as unpickling would;
- framing: every message is its length (8 bytes, big-endian), then its bytes.

On top of them, the records of the conversation, each a frozen dataclass with typed fields:

    grader -> fork server:  ServerConfig once, then per job its time limit, a Job and the cases'
                            arguments (the fork server passes the last two on to the child unread)
    fork server -> grader:  "ready" once, then per job the child's output in chunks and an Ending
    child -> grader:        Note, Problem or CaseOutcome records (inside the child's output)

decode() rebuilds a record from bytes and checks every field's type: records that come from a
child were written by student code and are trusted for nothing else.
"""

import base64
import json
import re
import struct
import types
import typing
from dataclasses import asdict, dataclass, fields

import numpy as np

# ---------------------------------------------------------------------------------------------
# plain data


class NotPlainData(TypeError):
    """A value (a graded function's result, or bytes claiming to encode one) is not plain data.

    message -- for a graded function's result, what to tell the student, as plain data (see
               capture.problem); None for bytes that do not decode
    """

    def __init__(self, text, message=None):
        super().__init__(text)
        self.message = message


def plain(value, root=None, path=""):
    """A copy of value made of plain data only; NotPlainData says where something else was.

    root -- what value is, as a message ({"key": "the_result", "values": {}} by default); path --
            where inside it the value sits ("[0]['b']")
    """
    root = root or {"key": "the_result", "values": {}}
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)) and type(value).__module__ == "numpy":
        return value.item()
    if type(value) is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise _refused("not_plain_dtype", root, path, dtype=str(value.dtype))
        return np.array(value, copy=True)
    if type(value) in (list, tuple):
        return [plain(v, root, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if type(k) not in (str, int):
                raise _refused("not_plain_key", root, path, type=type(k).__name__)
            out[k] = plain(v, root, f"{path}[{k!r}]")
        return out
    raise _refused("not_plain_type", root, path, type=type(value).__name__)


def _refused(key, root, path, **values):
    return NotPlainData(f"{key} at {path or 'the top'}", {"key": key, "values": {"what": root, "path": path, **values}})


# ---------------------------------------------------------------------------------------------
# the codec: JSON, with arrays and dicts tagged (JSON objects have only str keys)

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


# ---------------------------------------------------------------------------------------------
# framing

_SIZE = struct.Struct(">Q")
HEADER_SIZE = _SIZE.size


def frames(*payloads):
    """The payloads framed, as one bytes object (what split_frames() takes apart)."""
    return b"".join(_SIZE.pack(len(p)) + p for p in payloads)


def frame_header(size):
    """The HEADER_SIZE bytes that announce a frame of size bytes."""
    return _SIZE.pack(size)


def frame_size(header):
    """The length announced by a frame's HEADER_SIZE bytes of header."""
    return _SIZE.unpack(header)[0]


def write_frame(stream, payload):
    stream.write(_SIZE.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def read_frame(stream):
    """The next message from a blocking binary stream, or None at its end."""
    head = read_exactly(stream, HEADER_SIZE)
    return None if head is None else read_exactly(stream, frame_size(head))


def read_exactly(stream, size, into=None):
    """size bytes from a blocking binary stream (into a bytearray, if given); None at its end."""
    buffer = into if into is not None else bytearray(size)
    view, done = memoryview(buffer), 0
    while done < size:
        count = stream.readinto(view[done:size])
        if not count:
            return None
        done += count
    return buffer


def split_frames(data):
    """The complete messages in data (a child's output, perhaps cut off by a kill)."""
    found, at = [], 0
    while at + HEADER_SIZE <= len(data):
        size = _SIZE.unpack_from(data, at)[0]
        if at + HEADER_SIZE + size > len(data):
            break
        found.append(bytes(data[at + HEADER_SIZE : at + HEADER_SIZE + size]))
        at += HEADER_SIZE + size
    return found


# ---------------------------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class ServerConfig:
    """What a fork server is told once, when it starts."""

    release: str  # the release folder whose utils/ it imports
    setup: list  # the sources of the release notebook's setup cells, run once
    memory: int  # MB of memory each child may allocate
    protected: list  # [[st_dev, st_ino], ...] of the files the audit hook refuses to graded code
    uid: int | None  # the uid children run as (the fork server runs as root); None: its own
    namespaces: bool  # the fork server is alone in its pid namespace (bwrap): it may kill all but itself


@dataclass(frozen=True)
class Job:
    """One exercise of one submission; its cases' arguments travel beside it, already encoded."""

    exercise: str  # the graded function's name
    marker: str  # "UNQ_C3": names the cell in messages
    source: str  # the student's graded cell
    deps: dict  # {name: source of the reference solution} of the exercises it calls
    watch: list  # arguments whose state after the call is captured too
    timeout: float  # seconds the child may run


@dataclass(frozen=True)
class Ending:
    """How a child ended, as its fork server saw it."""

    how: str  # "exited", "timeout", "flood" (wrote too much) or "lost" (the fork server died)
    code: int | None  # the exit status; negative: killed by that signal
    seconds: float


@dataclass(frozen=True)
class Note:
    """A remark about the cell that costs nothing (IPython lines left out, ...)."""

    text: dict  # a message as plain data (capture.problem)


@dataclass(frozen=True)
class Problem:
    """Why none of the cases could run (a syntax error, no such function, ...)."""

    text: dict  # a message as plain data (capture.problem)


@dataclass(frozen=True)
class CaseOutcome:
    """What one case captured, or why it failed before anything could be captured."""

    case: int  # the index of the case
    captured: dict | None = None
    problem: dict | None = None  # a message as plain data (capture.problem)


RECORDS = {cls.__name__: cls for cls in (ServerConfig, Job, Ending, Note, Problem, CaseOutcome)}
CHILD_RECORDS = (Note, Problem, CaseOutcome)


def encode(record):
    """A record as bytes: its fields as plain data, tagged with its kind."""
    return dumps({"kind": type(record).__name__, **asdict(record)})


def decode(data, kinds=None):
    """The record that encode() wrote, if it is one of kinds with every field of its type.

    Raises NotPlainData for anything else: other bytes, another kind, a missing, extra or
    mistyped field. kinds: the record types accepted (by default every one in RECORDS).
    """
    kinds = tuple(RECORDS.values()) if kinds is None else kinds
    value = loads(bytes(data))
    if type(value) is not dict or RECORDS.get(value.get("kind")) not in kinds:
        raise NotPlainData("not a record of the expected kind")
    cls = RECORDS[value.pop("kind")]
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    if not set(value) <= names or any(f.name not in value and f.default is not None for f in fields(cls)):
        raise NotPlainData(f"a {cls.__name__} record with the wrong fields")
    for name, field_value in value.items():
        if not _has_type(field_value, hints[name]):
            raise NotPlainData(f"a {cls.__name__} record whose {name} is a {type(field_value).__name__}")
    return cls(**value)


def _has_type(value, hint):
    # `int | None` (types.UnionType) and typing.Optional[int] (typing.Union) say the same
    allowed = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    if float in allowed and type(value) is int:
        return True
    return any(value is None if kind is type(None) else type(value) is kind for kind in allowed)
