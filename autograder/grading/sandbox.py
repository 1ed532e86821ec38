"""Running a student's graded cell in a child process, away from the checking code.

`python -m autograder.grading.sandbox` is a fork server: it imports numpy and the release's `utils`,
runs the release's setup cells once, and then forks one child per job (one exercise of one
submission). The child runs the job and writes what it captured, case by case, as plain data
(protocol records) to a pipe; the fork server enforces the time limit from outside, kills the
child's whole process group, and passes the bytes on, undecoded, to the grader, which decodes
and checks them. The parent side of this conversation is the Sandbox class.

The fork server imports nothing of the grading package but this module, capture and protocol
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .capture import CappedText, attempt, problem, raised
from .protocol import (HEADER_SIZE, CaseOutcome, Ending, Job, Note, Problem, ServerConfig, decode, encode,
                       frame_size, loads, read_exactly, read_frame, write_frame)

MAX_OUTPUT = 64 * 2**20  # bytes a child may write before it is stopped
MAX_FILE = 64 * 2**20  # bytes a child may write into one file
SETUP_TIMEOUT = 120  # seconds the fork server may take to start
GRACE = 30  # seconds the fork server may take beyond a job's time limit to answer
PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding the autograder package

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
# the fork server


def serve():
    """The fork server's loop: a config message, then (header, job) pairs until stdin closes."""
    _die_with_parent()
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # a print in the setup must not land in the replies
    config = decode(read_frame(requests), (ServerConfig,))
    try:
        namespace = _prepare(config)
    except BaseException as error:  # the release is broken: the grader must say so and stop
        write_frame(replies, f"the release's setup failed: {raised(error)['values']['error']}".encode())
        return 1
    gc.freeze()  # the children's collector then leaves these objects alone: no copy-on-write of them
    write_frame(replies, b"ready")
    buffer = bytearray()
    while True:
        job = read_frame(requests)
        head = None if job is None else read_exactly(requests, HEADER_SIZE)
        if head is None:
            return 0  # the grader is done (or gone)
        size = frame_size(head)
        if len(buffer) < size:
            buffer = bytearray(size)
        if read_exactly(requests, size, buffer) is None:
            return 0
        ending, output = _run(decode(job, (Job,)), buffer, size, namespace, config)
        write_frame(replies, encode(ending))
        write_frame(replies, output)


def _prepare(config):
    """Import the release's utils and run its setup cells; returns the resulting namespace."""
    release = config.release
    sys.path.insert(0, release)
    import utils  # noqa: F401 (the release's copy, found first on the path)

    if not Path(utils.__file__).resolve().is_relative_to(Path(release).resolve()):
        raise ImportError(f"utils was imported from {utils.__file__}, not from the release {release}")
    namespace = {"__name__": "__main__"}
    stdout, sys.stdout = sys.stdout, CappedText()
    try:
        for source in config.setup:
            exec(compile(source, "<release setup>", "exec"), namespace)
    finally:
        sys.stdout = stdout
    return namespace


def _run(job, buffer, size, namespace, config):
    """Fork a child for one job and collect its output; returns (Ending, output bytes).

    buffer[:size] holds the cases' arguments, encoded; it is zeroed once the child has its copy.
    """
    scratch = tempfile.mkdtemp(prefix="graded-")
    readable, writable = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: it never returns from here
        code = 0
        try:
            os.close(readable)
            _child(job, bytes(memoryview(buffer)[:size]), writable, scratch, namespace, config)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    memoryview(buffer)[:size] = bytes(size)  # the next child must not find this job in its memory
    os.close(writable)
    try:
        how, code, output = _collect(readable, pid, started + job.timeout)
    finally:
        os.close(readable)
        shutil.rmtree(scratch, ignore_errors=True)
    return Ending(how, code, round(time.monotonic() - started, 3)), output


def _collect(readable, pid, deadline):
    """(how it ended, exit status, output): read the child's output until it ends or the
    deadline passes, then kill its group."""
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
    return stopped or "exited", os.waitstatus_to_exitcode(waited), b"".join(chunks)


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


def _child(job, arguments, writable, scratch, namespace, config):
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
    cases = loads(arguments)
    deps = _reference(job.deps, namespace)
    _limit(config.memory)
    _lock_down(config)
    for record in _outcomes(job, cases, dict(namespace), deps):
        write_frame(out, encode(record))


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
    protected = frozenset(tuple(pair) for pair in config.protected)
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


def _outcomes(job, cases, namespace, deps):
    """Records for the grader: the cell's Problem or Notes, then a CaseOutcome per case."""
    cell = f"<{job.marker} cell>"
    try:
        code, removed = compiled(job.source, cell)
    except SyntaxError as error:
        yield Problem(problem("syntax_error", line=error.lineno or 0, error=str(error.msg)))
        return
    except (ValueError, MemoryError, RecursionError) as error:
        yield Problem(problem("cannot_compile", error=type(error).__name__))
        return
    if removed:
        yield Note(problem("ipython_lines", lines=", ".join(map(str, removed))))
    try:
        exec(code, namespace)
    except BaseException as error:
        yield Problem(problem("cell_raised", problem=raised(error, cell)))
        return
    fn = namespace.get(job.exercise)
    if not callable(fn):
        yield Problem(problem("no_function", name=job.exercise))
        return
    for index, args in enumerate(cases):
        try:
            captured, failure = attempt(fn, args, deps, job.watch, cell)
        except BaseException as error:  # SystemExit, KeyboardInterrupt: still only this case
            captured, failure = None, raised(error, cell)
        yield CaseOutcome(index, captured, failure)


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

    config -- the ServerConfig the fork server starts with
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
            [sys.executable, "-m", "autograder.grading.sandbox"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.log, cwd=tempfile.mkdtemp(dir=self.scratch), env=env, start_new_session=True)
        write_frame(self.process.stdin, encode(self.config))
        self.process.stdin.flush()
        ready = self._reply(time.monotonic() + SETUP_TIMEOUT)
        if ready != b"ready":
            self.log.seek(0)
            detail = ready.decode(errors="replace") if ready else self.log.read().decode(errors="replace")[-2000:]
            self.close()
            raise SandboxError(f"the grading process did not start: {detail}")

    def run(self, job, arguments):
        """(Ending, output) of one job; the Ending says "lost" when the fork server died.

        job       -- the Job
        arguments -- dumps([the keyword arguments of each case])
        """
        try:
            write_frame(self.process.stdin, encode(job))
            write_frame(self.process.stdin, arguments)
            self.process.stdin.flush()
            deadline = time.monotonic() + job.timeout + GRACE
            ending, output = self._reply(deadline), self._reply(deadline)
        except (OSError, ValueError):
            ending = output = None
        if ending is None or output is None:
            self.close()
            self.start()
            return Ending("lost", None, 0.0), b""
        return decode(ending, (Ending,)), output

    def _reply(self, deadline):
        """The next message from the fork server, or None if it ended or missed the deadline."""
        head = self._read(HEADER_SIZE, deadline)
        return None if head is None else self._read(frame_size(head), deadline)

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
