"""Running a student's graded cell in a child process, away from the checking code.

`python -m autograder.sandbox` is a fork server: it imports numpy and the release's `utils`,
runs the release's setup cells once, and then forks one child per job (one exercise of one
submission). The child runs the job and writes what it captured, case by case, as plain data
(capture.dumps) to a pipe; the fork server enforces the time limit from outside, kills the
child's whole process group, and passes the bytes on, undecoded, to the grader, which decodes
and checks them. The parent side of this conversation is the Sandbox class.

The fork server imports nothing of the grading package but this module and autograder.capture
(which hold no cases and no expected values), so a child's memory holds none either. Before
student code runs, the child also refuses, through an audit hook, to import the package, to
open the protected files (the source notebook, the package, the other submissions, ...), to
start processes, send signals or use ctypes. The README's threat model says what this does not
stop.
"""

import functools
import gc
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .capture import CappedText, attempt, dumps, loads, raised

_SIZE = struct.Struct(">Q")  # every message is framed by its length
MAX_OUTPUT = 64 * 2**20  # bytes a child may write before it is stopped
MAX_FILE = 64 * 2**20  # bytes a child may write into one file
SETUP_TIMEOUT = 120  # seconds the fork server may take to start
GRACE = 30  # seconds the fork server may take beyond a job's time limit to answer
PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)

# Events refused to graded code. Each names something a graded numpy function never needs and a
# cheat or an escape would: other processes, signals, tracing (a tracer can rewrite the hook's
# locals), raising the limits, finding objects in memory, the network.
REFUSED_EVENTS = frozenset({
    "os.exec", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.system", "os.kill",
    "os.killpg", "subprocess.Popen", "pty.spawn", "sys.settrace", "sys.setprofile",
    "resource.setrlimit", "resource.prlimit", "gc.get_objects", "gc.get_referrers",
    "gc.get_referents", "socket.__new__",
})
# Events whose first argument (or first two) is a path that must not be protected.
PATH_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "os.remove", "os.rmdir", "os.truncate",
                         "os.chmod", "os.chown", "os.utime", "shutil.rmtree", "os.rename", "os.link"})
TWO_PATH_EVENTS = frozenset({"os.rename", "os.link"})
FROZEN_ATTRIBUTES = frozenset({"__code__", "__defaults__", "__kwdefaults__"})


# ---------------------------------------------------------------------------------------------
# framing


def frames(*payloads):
    """The payloads framed, as one bytes object (what split_frames() takes apart)."""
    return b"".join(_SIZE.pack(len(p)) + p for p in payloads)


def write_frame(stream, payload):
    stream.write(_SIZE.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def read_frame(stream):
    """The next message from a blocking binary stream, or None at its end."""
    head = _read_exactly(stream, _SIZE.size)
    return None if head is None else _read_exactly(stream, _SIZE.unpack(head)[0])


def _read_exactly(stream, size, into=None):
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
    frames, at = [], 0
    while at + _SIZE.size <= len(data):
        size = _SIZE.unpack_from(data, at)[0]
        if at + _SIZE.size + size > len(data):
            break
        frames.append(bytes(data[at + _SIZE.size:at + _SIZE.size + size]))
        at += _SIZE.size + size
    return frames


# ---------------------------------------------------------------------------------------------
# the fork server


def serve():
    """The fork server's loop: a config message, then (header, job) pairs until stdin closes."""
    _die_with_parent()
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # a print in the setup must not land in the replies
    config = loads(bytes(read_frame(requests)))
    try:
        namespace = _prepare(config)
    except BaseException as error:  # the release is broken: the grader must say so and stop
        write_frame(replies, f"the release's setup failed: {raised(error)}".encode())
        return 1
    gc.freeze()  # the children's collector then leaves these objects alone: no copy-on-write of them
    write_frame(replies, b"ready")
    job = bytearray()
    while True:
        header = read_frame(requests)
        head = None if header is None else _read_exactly(requests, _SIZE.size)
        if head is None:
            return 0  # the grader is done (or gone)
        size = _SIZE.unpack(head)[0]
        if len(job) < size:
            job = bytearray(size)
        if _read_exactly(requests, size, job) is None:
            return 0
        status, output = _run(job, size, loads(bytes(header))["timeout"], namespace, config)
        write_frame(replies, dumps(status))
        write_frame(replies, output)


def _prepare(config):
    """Import the release's utils and run its setup cells; returns the resulting namespace."""
    release = config["release"]
    sys.path.insert(0, release)
    import utils  # noqa: F401 (the release's copy, found first on the path)

    if not Path(utils.__file__).resolve().is_relative_to(Path(release).resolve()):
        raise ImportError(f"utils was imported from {utils.__file__}, not from the release {release}")
    namespace = {"__name__": "__main__"}
    stdout, sys.stdout = sys.stdout, CappedText()
    try:
        for source in config["setup"]:
            exec(compile(source, "<release setup>", "exec"), namespace)
    finally:
        sys.stdout = stdout
    return namespace


def _run(job, size, timeout, namespace, config):
    """Fork a child for one job and collect its output; returns (status, output bytes)."""
    scratch = tempfile.mkdtemp(prefix="graded-")
    readable, writable = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: it never returns from here
        code = 0
        try:
            os.close(readable)
            _child(bytes(memoryview(job)[:size]), writable, scratch, namespace, config)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    memoryview(job)[:size] = bytes(size)  # the next child must not find this job in its memory
    os.close(writable)
    try:
        status, output = _collect(readable, pid, started + timeout)
    finally:
        os.close(readable)
        shutil.rmtree(scratch, ignore_errors=True)
    status["seconds"] = round(time.monotonic() - started, 3)
    return status, output


def _collect(readable, pid, deadline):
    """Read the child's output until it ends or the deadline passes, then kill its group."""
    chunks, size, stopped = [], 0, None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([readable], [], [], remaining)[0]:
            stopped = "timeout"
            break
        chunk = os.read(readable, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_OUTPUT:
            stopped = "flood"
            break
    if stopped is None:  # the pipe is closed: the child is ending, or closed it and runs on
        exited = os.pidfd_open(pid)  # readable once the child has exited (it is not reaped yet)
        try:
            if not select.select([exited], [], [], max(0, deadline - time.monotonic()))[0]:
                stopped = "timeout"
        finally:
            os.close(exited)
    # Until it is reaped, the child holds its pid, so its process group id cannot be reused by
    # another process: kill the group (whatever the child left behind), then reap.
    _kill_group(pid)
    waited = os.waitpid(pid, 0)[1]
    return {"status": stopped or "exited", "code": os.waitstatus_to_exitcode(waited)}, b"".join(chunks)


def _die_with_parent():
    """Ask Linux to kill this process when its parent dies, so that nothing outlives a grader
    that was itself killed. (Elsewhere, such a child runs on until it ends by itself.)"""
    if sys.platform == "linux":
        PR_SET_PDEATHSIG = 1
        _prctl()(PR_SET_PDEATHSIG, signal.SIGKILL)


@functools.lru_cache(maxsize=None)
def _prctl():
    """libc's prctl, looked up once in the fork server (a lookup per child costs milliseconds)."""
    import ctypes

    return ctypes.CDLL(None, use_errno=True).prctl


def _kill_group(pid):
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# ---------------------------------------------------------------------------------------------
# the child


def _child(job_bytes, writable, scratch, namespace, config):
    """Run one job: set the process up, lock it down, run the cell and its cases."""
    os.setsid()  # a process group of its own, which the fork server kills afterwards
    _die_with_parent()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, writable)
    os.closerange(writable + 1, os.sysconf("SC_OPEN_MAX"))
    sys.stdout, sys.stderr = CappedText(), CappedText()  # printing and warnings are not failures
    os.chdir(scratch)
    out = os.fdopen(writable, "wb")
    job, cases = (loads(frame) for frame in split_frames(job_bytes))
    deps = _reference(job["deps"], namespace)
    _limit(config["memory"])
    _lock_down(config)
    for record in _grade(job, cases, dict(namespace), deps):
        write_frame(out, dumps(record))


def _reference(sources, namespace):
    """{name: function} of the reference solutions of the exercises this one calls."""
    reference = dict(namespace, __name__="reference")
    for name, source in sources.items():
        exec(compile(source, f"<reference {name}>", "exec"), reference)
    return {name: reference[name] for name in sources}


def _limit(memory_mb):
    """Cap the child's memory (address space beyond what the fork server already maps), its
    files and its core dumps."""
    with open("/proc/self/status") as status:
        mapped = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    cap = mapped + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE, MAX_FILE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing


def _lock_down(config):
    """Forget the grading package and install the audit hook that keeps graded code in bounds."""
    for name in [m for m in sys.modules if m == "autograder" or m.startswith("autograder.")]:
        del sys.modules[name]
    sys.path[:] = [p for p in sys.path if p not in ("", PACKAGE_PARENT)]
    protected = frozenset(tuple(pair) for pair in config["protected"])
    devices = frozenset([os.stat("/proc").st_dev]) if os.path.isdir("/proc") else frozenset()
    sys.addaudithook(_hook(protected, devices))


def _hook(protected, devices):
    """The audit hook. Everything it uses is bound as a default argument (immutable, or a builtin),
    so graded code can neither rebind the names it looks up nor change the sets it consults."""

    def hook(event, args, _protected=protected, _devices=devices, _stat=os.stat, _type=type,
             _path_events=PATH_EVENTS, _two=TWO_PATH_EVENTS, _refused=REFUSED_EVENTS,
             _frozen=FROZEN_ATTRIBUTES, _Refused=PermissionError, _OSError=OSError, _str=str, _bytes=bytes,
             _int=int, _startswith=str.startswith):
        if event in _path_events:
            # Only open() (which passes a str mode) cannot take a dir_fd, so only it may use a
            # relative path: the check below resolves it against the same cwd as the call.
            relative_ok = event == "open" and _type(args[1]) is _str
            for path in (args[:2] if event in _two else args[:1]):
                if _type(path) is _int or path is None:
                    continue  # an open descriptor (obtained through this hook) or the cwd
                if _type(path) is not _str and _type(path) is not _bytes:
                    raise _Refused(f"{event}: graded code may name files by str paths only")
                if not relative_ok and path[:1] not in ("/", b"/"):
                    raise _Refused(f"{event}: graded code may not use a relative path here")
                try:
                    found = _stat(path)
                except _OSError:
                    continue  # nothing there (yet): nothing to protect
                if (found.st_dev, found.st_ino) in _protected or found.st_dev in _devices:
                    raise _Refused(f"{event}: graded code may not use {path!r}")
        elif event == "import":
            if _startswith(args[0], "autograder"):  # str's own method: a str subclass cannot lie to it
                raise _Refused("graded code may not import the grading package")
        elif event in _refused or event.startswith("ctypes."):
            raise _Refused(f"{event} is not allowed in graded code")
        elif event == "object.__setattr__" and args[1] in _frozen:
            raise _Refused(f"setting {args[1]} is not allowed in graded code")

    return hook


def _grade(job, cases, namespace, deps):
    """Records for the grader: the cell's problem or notes, then one record per case."""
    exercise, cell = job["exercise"], f"<{job['marker']} cell>"
    try:
        code, removed = compiled(job["source"], cell)
    except SyntaxError as error:
        yield {"problem": f"the cell has a syntax error on line {error.lineno}: {error.msg}"}
        return
    except (ValueError, MemoryError, RecursionError) as error:
        yield {"problem": f"the cell cannot be compiled: {type(error).__name__}"}
        return
    if removed:
        lines = ("line " if len(removed) == 1 else "lines ") + ", ".join(map(str, removed))
        yield {"note": f"the IPython commands (% or !) on {lines} of the cell were not run: "
                       "the grader runs Python only, so keep them out of graded cells"}
    try:
        exec(code, namespace)
    except BaseException as error:
        yield {"problem": f"running the cell {raised(error, cell)}"}
        return
    fn = namespace.get(exercise)
    if not callable(fn):
        yield {"problem": f"the cell does not define the function {exercise}()"}
        return
    for index, args in enumerate(cases):
        try:
            captured, problem = attempt(exercise, fn, args, deps, cell)
        except BaseException as error:  # SystemExit, KeyboardInterrupt: still only this case
            captured, problem = None, raised(error, cell)
        yield {"case": index, "captured": captured} if problem is None else {"case": index, "problem": problem}


def compiled(source, cell):
    """(code, [line numbers of IPython commands left out]) of a graded cell.

    A cell that does not compile is compiled again without its IPython lines (`%magic`,
    `!shell`), which become `pass`: the grader runs Python, not IPython. A cell that compiles
    is left as it is (a line starting with % may continue an expression).
    """
    try:
        return compile(source, cell, "exec"), []
    except SyntaxError:
        stripped, removed = without_ipython(source)
        if not removed:
            raise
        return compile(stripped, cell, "exec"), removed


def without_ipython(source):
    """(source, [line numbers]): source with each line that starts with % or ! made `pass`."""
    lines, removed = source.splitlines(keepends=True), []
    for number, line in enumerate(lines, start=1):
        text = line.lstrip()
        if text.startswith(("%", "!")):
            lines[number - 1] = line[:len(line) - len(text)] + "pass\n"
            removed.append(number)
    return "".join(lines), removed


# ---------------------------------------------------------------------------------------------
# the grader's side


class SandboxError(RuntimeError):
    """The fork server could not start (the release is broken, or Python is): grading cannot run."""


class Sandbox:
    """One fork server, driven by one thread of the grader.

    config -- {"release": folder, "setup": [sources], "protected": [[st_dev, st_ino], ...],
               "memory": MB}
    """

    def __init__(self, config, scratch):
        self.config = config
        self.scratch = scratch
        self.process = None
        self.start()

    def start(self):
        env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT, TMPDIR=self.scratch, OPENBLAS_NUM_THREADS="1",
                   OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1",
                   MPLBACKEND="Agg")
        env.pop("NBGRADER_EXECUTION", None)
        self.log = tempfile.TemporaryFile(dir=self.scratch)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.log, cwd=tempfile.mkdtemp(dir=self.scratch), env=env, start_new_session=True)
        write_frame(self.process.stdin, dumps(self.config))
        self.process.stdin.flush()
        ready = self._reply(time.monotonic() + SETUP_TIMEOUT)
        if ready != b"ready":
            self.log.seek(0)
            detail = ready.decode(errors="replace") if ready else self.log.read().decode(errors="replace")[-2000:]
            self.close()
            raise SandboxError(f"the grading process did not start: {detail}")

    def run(self, job, timeout):
        """(status, output) of one job; status["status"] is "lost" when the fork server died.

        job -- frames(dumps({"exercise", "marker", "source", "deps": {name: reference source}}),
                      dumps([the keyword arguments of each case]))
        """
        try:
            write_frame(self.process.stdin, dumps({"timeout": timeout}))
            write_frame(self.process.stdin, job)
            self.process.stdin.flush()
            deadline = time.monotonic() + timeout + GRACE
            status, output = self._reply(deadline), self._reply(deadline)
        except (OSError, ValueError):
            status = output = None
        if status is None or output is None:
            self.close()
            self.start()
            return {"status": "lost", "code": None}, b""
        return loads(status), output

    def _reply(self, deadline):
        """The next message from the fork server, or None if it ended or missed the deadline."""
        head = self._read(_SIZE.size, deadline)
        return None if head is None else self._read(_SIZE.unpack(head)[0], deadline)

    def _read(self, size, deadline):
        fd, chunks, got = self.process.stdout.fileno(), [], 0
        while got < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
            chunk = os.read(fd, min(size - got, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def close(self):
        """Stop the fork server and anything left in its session."""
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(timeout=GRACE)
        except (OSError, subprocess.TimeoutExpired):
            pass
        _kill_group(self.process.pid)
        self.process.wait()
        self.process.stdout.close()
        self.log.close()
        self.process = None


if __name__ == "__main__":
    sys.exit(serve())
