"""The grader's side of running student code: choosing the isolation and driving fork servers.

Each fork server (sandboxed/forkserver.py) runs in one of three modes, strongest first:

- "namespaces": inside bwrap (bubblewrap, Debian's package `bubblewrap`) with its own user (when
  not root), mount, pid, network, ipc, uts and cgroup namespaces. Its filesystem holds only the
  Python install, its site-packages, the release's utils/ and data/ and the sandboxed package,
  read-only, and a private size-limited tmpfs for /tmp and /dev/shm: the course, the sources,
  the grader, the tests, .git, the gradebook, OUT and SUBMISSIONS do not exist there. The only
  network device is its own loopback. When the grader runs as root, each child also drops to a
  uid of its own that owns nothing.
- "uid": no namespaces, but the grader runs as root: each child drops to a uid of its own,
  which can read what every user may read on this machine but write nowhere but its scratch.
- "process": neither: the child runs as the grader's user, kept in bounds by the audit hook only.

In every mode a child gets no_new_privs, the seccomp filter and the limits of sandboxed/lockdown.py
and the audit hook. Only "namespaces" is a boundary; the grader refuses to run in a weaker mode
unless the instructor asks for it (allow_weaker).
"""

import contextlib
import dataclasses
import functools
import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from .sandboxed import forkserver
from .sandboxed.protocol import HEADER_SIZE, Ending, decode, encode, frame_size, frames, write_frame

SETUP_TIMEOUT = 120  # seconds the fork server may take to start
GRACE = 30  # seconds the fork server may take beyond a job's time limit to answer
SCRATCH_MB = 256  # size of each fork server's private /tmp (namespaces mode)
STUDENT_UID = 61_000  # children of fork server i run as STUDENT_UID + i (when the grader is root)
SANDBOXED = Path(forkserver.__file__).resolve().parent  # the package a fork server runs
INSIDE = "/run/grading"  # where that package's folder is mounted inside the namespaces
MODES = ("namespaces", "uid", "process")
NAMESPACE_FLAGS = [
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--die-with-parent",
    "--new-session",
]
# the capabilities a root fork server keeps in its namespaces: to drop its children to another
# uid, to kill and clean up after them (their scratch belongs to them)
ROOT_CAPABILITIES = ["CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER"]


class SandboxError(RuntimeError):
    """The fork server could not start (the release is broken, or Python is, or the isolation
    asked for is not available): grading cannot run."""


def bwrap():
    """The path of bwrap, or None."""
    return shutil.which("bwrap")


def _user_flags():
    return [] if os.geteuid() == 0 else ["--unshare-user"]


def strongest_isolation():
    """(mode, why not stronger): the strongest mode of MODES this machine allows; why is None
    for "namespaces", else says what is missing."""
    path = bwrap()
    if path is None:
        why = "bwrap (bubblewrap) is not installed"
    else:
        probe = subprocess.run(
            [path, *_user_flags(), *NAMESPACE_FLAGS, "--ro-bind", "/", "/", "true"], capture_output=True, text=True
        )
        if probe.returncode == 0:
            return "namespaces", None
        why = f"bwrap cannot create namespaces here ({probe.stderr.strip() or probe.returncode})"
    return ("uid" if os.geteuid() == 0 else "process"), why


def describe(mode):
    """What a mode isolates, in a sentence for the instructor."""
    return {
        "namespaces": "namespaces (bwrap): no course files, no network, a private /tmp; as root, a uid of its own",
        "uid": "WEAKER isolation without namespaces: a uid of its own that can read what any user can read",
        "process": "the WEAKEST isolation, without namespaces and not as root: the grader's user, an audit hook",
    }[mode]


def choose_isolation(allow_weaker):
    """The mode to grade in; SandboxError when namespaces are missing and allow_weaker is False."""
    mode, why = strongest_isolation()
    if mode != "namespaces" and not allow_weaker:
        raise SandboxError(
            f"student code cannot be isolated in namespaces: {why}. Install Debian's bubblewrap "
            f"(apt-get install bubblewrap), or pass --allow-weaker-isolation to grade in "
            f"{describe(mode)}"
        )
    return mode


def _site_packages():
    """This interpreter's site-packages folders (the venv's, when it runs in one)."""
    return sorted(
        {
            str(Path(p).resolve())
            for p in sys.path
            if p.endswith(("site-packages", "dist-packages")) and Path(p).is_dir()
        }
    )


def _python_places():
    """The folders a fork server needs from this machine: the Python install and its site-packages."""
    places = {
        Path(sys.base_prefix).resolve(),
        Path(sysconfig.get_paths()["stdlib"]).resolve(),
        Path(os.path.realpath(sys.executable)).parent,
    }
    return sorted(places | {Path(p) for p in _site_packages()})


def _root_mounts():
    """bwrap arguments for /usr and the top-level links or folders of a merged-/usr system."""
    arguments = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        top = Path("/", name)
        if top.is_symlink():
            arguments += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            arguments += ["--ro-bind", str(top), str(top)]
    return arguments


def namespace_command(release, python_path):
    """The bwrap command line that starts a fork server in namespaces.

    release     -- the release folder whose utils/ and data/ are mounted (read-only, same path)
    python_path -- the sys.path entries the fork server gets
    """
    binds = [(str(place), str(place)) for place in _python_places() if not place.is_relative_to("/usr")]
    binds += [
        (str(Path(release, name)), str(Path(release, name)))
        for name in ("utils", "data")
        if Path(release, name).is_dir()
    ]
    binds.append((str(SANDBOXED), f"{INSIDE}/{SANDBOXED.name}"))
    # the private /tmp first: a bind below /tmp (a venv, a release there) then shows through it
    command = [bwrap(), *_user_flags(), *NAMESPACE_FLAGS, *_root_mounts(), *_sized(SCRATCH_MB), "--tmpfs", "/tmp"]
    made = set()
    for source, target in binds:
        # bwrap would make the missing folders above a mount private (0700) to the children's uid
        for folder in reversed(Path(target).parents[:-1]):
            if str(folder) not in made and not folder.is_relative_to("/usr"):
                command += ["--dir", str(folder)]  # 0755, as each tmpfs here
                made.add(str(folder))
        command += ["--ro-bind", source, target]
    command += ["--proc", "/proc", "--dev", "/dev", *_sized(1), "--tmpfs", "/dev/shm", "--chdir", "/tmp", "--clearenv"]
    if os.geteuid() == 0:
        command += ["--cap-drop", "ALL", *[arg for cap in ROOT_CAPABILITIES for arg in ("--cap-add", cap)]]
    for name, value in _environment(tmp="/tmp").items():
        command += ["--setenv", name, value]
    return command + [*_python_command(python_path), "/tmp"]


def _sized(megabytes):
    """bwrap's option that caps the next tmpfs, where this bwrap has it (0.7 and later); older
    ones (Ubuntu 22.04's 0.6) leave the kernel's default: half the memory."""
    return ["--size", str(megabytes * 2**20)] if _has_size_option(bwrap()) else []


@functools.cache
def _has_size_option(path):
    return "--size" in subprocess.run([path, "--help"], capture_output=True, text=True).stdout


def _environment(tmp):
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": tmp,
        "TMPDIR": tmp,
        "MPLCONFIGDIR": f"{tmp}/matplotlib",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }


def _python_command(python_path):
    """The interpreter, without site (no .pth file runs) and writing no bytecode, with its path set
    to python_path, running the fork server; its scratch folder follows as the last argument.
    Its environment is the one _environment() gives (not -E: PYTHONHASHSEED must hold)."""
    boot = (
        "import sys; sys.path[:0] = sys.argv[1].split(':'); del sys.argv[1]; "
        "from sandboxed.forkserver import serve; sys.exit(serve(sys.argv[1]))"
    )
    return [os.path.realpath(sys.executable), "-s", "-S", "-B", "-c", boot, os.pathsep.join(python_path)]


class Sandbox:
    """One fork server, driven by one thread of the grader.

    config -- the ServerConfig the fork server starts with
    mode   -- one of MODES
    index  -- which of the grader's fork servers this is: its children's uid (as root) depends on it
    """

    def __init__(self, config, mode, index=0):
        self.mode = mode
        uid = STUDENT_UID + index if os.geteuid() == 0 else None
        self.config = dataclasses.replace(config, uid=uid, namespaces=mode == "namespaces")
        self.process = None
        self.start()

    def start(self):
        inside = self.mode == "namespaces"
        package_parent = INSIDE if inside else str(SANDBOXED.parent)
        python_path = [package_parent, *_site_packages()]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (open while the fork server runs; close() closes it)
        if inside:
            command, cwd, env = namespace_command(self.config.release, python_path), "/", {}
            self.scratch = None
        else:
            self.scratch = tempfile.mkdtemp(prefix="autograder-server-")
            os.chmod(self.scratch, 0o711)  # the children's uid passes through to its own folder
            command, cwd = [*_python_command(python_path), self.scratch], self.scratch
            env = _environment(tmp=self.scratch)
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        try:
            write_frame(self.process.stdin, encode(self.config))
            ready = self._reply(time.monotonic() + SETUP_TIMEOUT)
        except OSError:  # it ended at once: its log says why
            ready = None
        if ready != b"ready":
            self.log.seek(0)
            detail = ready.decode(errors="replace") if ready else self.log.read().decode(errors="replace")[-2000:]
            self.close()
            raise SandboxError(f"the grading process did not start: {detail}")

    def run(self, job, arguments):
        """(Ending, output) of one job; the Ending says "lost" when the fork server died or
        missed its deadline while it ran this job. A fork server found dead before a job is
        started again; one that cannot start loses only the jobs given to it meanwhile.

        job       -- the Job
        arguments -- dumps([the keyword arguments of each case])
        """
        lost = Ending("lost", None, 0.0), b""
        if self.process is None or self.process.poll() is not None:
            self.close()
            try:
                self.start()
            except (SandboxError, OSError):
                self.close(wait=False)
                return lost
        output = bytearray()
        try:
            self.process.stdin.write(frames(repr(float(job.timeout)).encode(), encode(job), arguments))
            self.process.stdin.flush()
            deadline = time.monotonic() + job.timeout + GRACE
            while True:
                message = self._reply(deadline)
                if message is None:
                    raise EOFError("the fork server ended or missed its deadline")
                if message[:1] == forkserver.OUTPUT:
                    output += message[1:]
                elif message[:1] == forkserver.ENDING:
                    return decode(message[1:], (Ending,)), bytes(output)
                else:
                    raise ValueError("the fork server sent a message of no known kind")
        except (OSError, ValueError, EOFError):
            self.close(wait=False)  # started again before its next job
            return lost

    def _reply(self, deadline):
        """The next message from the fork server, or None if it ended or missed the deadline."""
        head = self._read(HEADER_SIZE, deadline)
        return None if head is None else self._read(frame_size(head), deadline)

    def _read(self, size, deadline):
        fd, chunks, got = self.process.stdout.fileno(), [], 0
        while got < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not _readable(fd, remaining):
                return None
            chunk = os.read(fd, min(size - got, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def close(self, wait=True):
        """Stop the fork server and anything left in its session (its namespaces die with it).

        wait -- let it finish first (GRACE seconds at most); False for one that failed
        """
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            if wait:
                self.process.wait(timeout=GRACE)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()
        self.log.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.process = None


def _readable(fd, timeout):
    return bool(select.select([fd], [], [], timeout)[0])
