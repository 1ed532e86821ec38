"""The fork server: it runs a student's graded cell in a fresh child process per job.

It imports numpy and the release's `utils`, runs the release's setup cells once, and then forks
one child per job (one exercise of one submission). It is started by the grader (Sandbox, in
grading/sandbox.py), normally inside bwrap's namespaces, where only this package, the Python
install, its site-packages and the release's utils/ and data/ exist, read-only.

A job's data never enters the fork server's memory: it moves the job's bytes from its input
pipe into a memfd in the kernel (splice), and only the child reads them. The child's output
goes back to the grader through a fixed buffer that is zeroed after each job. So a later child,
a copy of the fork server's memory, finds nothing of an earlier one. After each job, every
process the child left behind is killed and reaped, and its scratch folder removed.

This package imports nothing of the rest of the grading package: a child's memory holds no
case and no expected value.
"""

import contextlib
import ctypes
import gc
import importlib
import os
import select
import shutil
import signal
import sys
import time
from pathlib import Path

from . import lockdown
from .capture import CappedText, attempt, problem, raised
from .protocol import (
    HEADER_SIZE,
    CaseOutcome,
    Ending,
    Job,
    Note,
    Problem,
    ServerConfig,
    decode,
    encode,
    frame_header,
    frame_size,
    loads,
    write_frame,
)

MAX_OUTPUT = 64 * 2**20  # bytes a child may write before it is stopped
CHUNK = 1 << 16  # bytes of a child's output relayed at a time
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # where any user may write, without namespaces
JOBS_DIR = "jobs"  # under the fork server's scratch: one folder per job, owned by the child's uid
OUTPUT, ENDING = b"o", b"e"  # the first byte of each message the fork server sends per job
# What graded code commonly imports, imported before the children drop to their uid: without
# namespaces, a Python install that only root may read (pyenv under /root) gives them no module
# that is not already in memory.
PRELOADED = (
    "numpy.random",
    "numpy.linalg",
    "secrets",
    "copy",
    "math",
    "random",
    "collections",
    "itertools",
    "functools",
    "string",
    "re",
    "time",
    "warnings",
    "socket",
    "subprocess",
)


# ---------------------------------------------------------------------------------------------
# the fork server


def serve(scratch):
    """The fork server's loop: a config message, then jobs until its input closes.

    scratch -- a folder only the fork server (and its children's own subfolders) may write
    """
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl(lockdown.PR_SET_PDEATHSIG, signal.SIGKILL)  # nothing outlives a grader that was killed
    prctl(lockdown.PR_SET_CHILD_SUBREAPER, 1)  # what a child leaves behind becomes ours to reap
    prctl(lockdown.PR_SET_DUMPABLE, 0)  # a child of the same uid cannot read or trace this process
    requests, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # a print in the setup must not land in the replies
    config = decode(_read_frame(requests), (ServerConfig,))
    try:
        namespace = _prepare(config)
    except BaseException as error:  # the release is broken: the grader must say so and stop
        _send(replies, f"the release's setup failed: {raised(error)['values']['error']}".encode())
        return 1
    jobs = Path(scratch, JOBS_DIR)
    gc.freeze()  # the children's collector then leaves these objects alone: no copy-on-write of them
    _send(replies, b"ready")
    relay = bytearray(CHUNK)
    while True:
        timeout = _read_frame(requests)
        if timeout is None:
            return 0  # the grader is done (or gone)
        job = _spliced(requests)
        if job is None:
            return 0
        ending = _run(job, float(timeout), relay, replies, namespace, config, jobs, prctl)
        _send(replies, ENDING, encode(ending))


def _prepare(config):
    """Import the release's utils and run its setup cells; returns the resulting namespace."""
    release = config.release
    sys.path.insert(0, release)
    import utils  # noqa: F401 (the release's copy, found first on the path)

    if not Path(utils.__file__).resolve().is_relative_to(Path(release).resolve()):
        raise ImportError(f"utils was imported from {utils.__file__}, not from the release {release}")
    for name in PRELOADED:
        importlib.import_module(name)
    namespace = {"__name__": "__main__"}
    stdout, sys.stdout = sys.stdout, CappedText()
    try:
        for source in config.setup:
            exec(compile(source, "<release setup>", "exec"), namespace)
    finally:
        sys.stdout = stdout
    return namespace


def _read_exactly(fd, size):
    """size bytes from fd, or None at its end."""
    chunks, got = [], 0
    while got < size:
        chunk = os.read(fd, size - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_frame(fd):
    head = _read_exactly(fd, HEADER_SIZE)
    return None if head is None else _read_exactly(fd, frame_size(head))


def _send(fd, *parts):
    """Write one frame made of parts (bytes or memoryviews) to fd, copying nothing in this process."""
    pending = [frame_header(sum(len(part) for part in parts)), *parts]
    while pending:
        written = os.writev(fd, pending)
        while pending and written >= len(pending[0]):
            written -= len(pending.pop(0))
        if pending and written:
            pending[0] = memoryview(pending[0])[written:]


def _spliced(requests):
    """A memfd holding the next two frames of requests (the Job and the cases' arguments), moved
    there by the kernel: their bytes never enter this process's memory. None at the input's end."""
    job = os.memfd_create("job", os.MFD_CLOEXEC)
    for _ in range(2):
        head = _read_exactly(requests, HEADER_SIZE)
        if head is None:
            os.close(job)
            return None
        os.write(job, head)
        left = frame_size(head)
        while left:
            moved = os.splice(requests, job, left)
            if not moved:
                os.close(job)
                return None
            left -= moved
    os.lseek(job, 0, os.SEEK_SET)
    return job


def _run(job, timeout, relay, replies, namespace, config, jobs, prctl):
    """Fork a child for one job, relay its output, and clean up after it; returns the Ending.

    job -- the memfd of the job's frames (closed here)
    """
    scratch = Path(jobs, "job")
    jobs.mkdir(mode=0o711, exist_ok=True)  # removed after each job where children share our uid
    scratch.mkdir(mode=0o700)
    if config.uid is not None:
        os.chown(scratch, config.uid, config.uid)
    readable, writable = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: it never returns from here
        code = 0
        try:
            os.close(readable)
            _child(job, writable, str(scratch), namespace, config, prctl)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(job)
    os.close(writable)
    try:
        how, code = _relay(readable, pid, started + timeout, relay, replies)
    finally:
        os.close(readable)
        _sweep(config)
        shutil.rmtree(scratch, ignore_errors=True)
    return Ending(how, code, round(time.monotonic() - started, 3))


def _relay(readable, pid, deadline, relay, replies):
    """(how it ended, exit status): pass the child's output on until it ends or the deadline
    passes, then kill what is left. The output goes through `relay` only, zeroed at the end."""
    view, size, stopped = memoryview(relay), 0, None
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([readable], [], [], remaining)[0]:
                stopped = "timeout"
                break
            count = os.readv(readable, [view])
            if not count:
                break
            size += count
            if size > MAX_OUTPUT:
                stopped = "flood"
                break
            _send(replies, OUTPUT, view[:count])
        if stopped is None:  # the pipe is closed: the child is ending, or closed it and runs on
            exited = os.pidfd_open(pid)  # readable once the child has exited (it is not reaped yet)
            try:
                if not select.select([exited], [], [], max(0, deadline - time.monotonic()))[0]:
                    stopped = "timeout"
            finally:
                os.close(exited)
    finally:
        view[:] = bytes(len(relay))
    _kill(pid)
    waited = os.waitpid(pid, 0)[1]
    return stopped or "exited", os.waitstatus_to_exitcode(waited)


def _kill(pid):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # until it is reaped, the child's pid (its group's id) is not reused
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _sweep(config):
    """Kill every process a job left behind (daemons, double forks, other sessions) and reap them.

    In its own pid namespace the fork server kills all but itself and the namespace's init;
    outside one, a helper with the children's uid kills all that uid's processes (itself last).
    With neither, a child's own process group is all that can be found (the weakest mode).
    """
    for _ in range(100):
        if config.namespaces:
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)
        elif config.uid is not None:
            _kill_uid(config.uid)
        _reap()
        if not _alive(config):
            break
    if config.uid is not None and not config.namespaces:
        _remove_owned(config.uid)
    elif config.uid is None and config.namespaces:  # not root: children have the fork server's uid
        _remove_owned(os.getuid())  # in its private /tmp and /dev/shm: its own jobs/ folder too


def _remove_owned(uid):
    """Remove what uid left in the folders any user may write (the machine's without namespaces,
    the fork server's own in them), where a later child of the same uid would find it."""
    for folder in SHARED_FOLDERS:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def _kill_uid(uid):
    helper = os.fork()
    if helper == 0:
        try:
            lockdown.become(uid)
            os.kill(-1, signal.SIGKILL)  # every process of uid but this one
        finally:
            os._exit(0)
    os.waitpid(helper, 0)


def _reap():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def _alive(config):
    """Whether a process a child left could still be running."""
    own = {os.getpid(), 1} if config.namespaces else {os.getpid()}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in own:
            continue
        try:
            with open(f"/proc/{entry.name}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        if fields.get("State", "").split()[:1] == ["Z"]:
            continue
        if config.namespaces or (config.uid is not None and int(fields["Uid"].split()[0]) == config.uid):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# the child


def _child(job, writable, scratch, namespace, config, prctl):
    """Run one job: read it, set the process up, lock it down, run the cell and its cases."""
    os.setsid()  # a process group of its own, which the fork server kills afterwards
    prctl(lockdown.PR_SET_PDEATHSIG, signal.SIGKILL)
    frames = os.fdopen(job, "rb")
    record, arguments = _frame(frames), _frame(frames)
    frames.close()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, writable)
    os.closerange(writable + 1, os.sysconf("SC_OPEN_MAX"))
    sys.stdout, sys.stderr = CappedText(), CappedText()  # printing and warnings are not failures
    os.chdir(scratch)
    os.environ.update(TMPDIR=scratch, HOME=scratch)
    out = os.fdopen(writable, "wb")
    job, cases = decode(record, (Job,)), loads(arguments)
    del record, arguments
    deps = _reference(job.deps, namespace)
    lockdown.limit(config.memory)
    if config.uid is not None:
        lockdown.become(config.uid)
    if lockdown.seccomp_supported():
        lockdown.install_seccomp(prctl)
    lockdown.install_hook(config.protected, [str(Path(__file__).resolve().parents[1])])
    for outcome in _outcomes(job, cases, dict(namespace), deps):
        write_frame(out, encode(outcome))


def _frame(stream):
    head = stream.read(HEADER_SIZE)
    return stream.read(frame_size(head))


def _reference(sources, namespace):
    """{name: function} of the reference solutions of the exercises this one calls."""
    reference = dict(namespace, __name__="reference")
    for name, source in sources.items():
        exec(compile(source, f"<reference {name}>", "exec"), reference)
    return {name: reference[name] for name in sources}


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
            lines[number - 1] = line[: len(line) - len(text)] + "pass\n"
            removed.append(number)
    return "".join(lines), removed


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
