"""The attacks of issue 10 against the grader, with an honest victim graded in the same run.

One grader run (one fork server, so the order of jobs is known: the victim first, the thief
before the one who looks for the loot) grades every attack of tests/attacks.py. Each test then
checks the exact scores, what the attack met (its report in the feedback), that nothing outside
OUT changed, that no process outlived the run, and that the test's listener on 127.0.0.1 got no
connection. Runs as root, as CI does; where namespaces are missing, the grader must refuse
unless asked, and then run children under a uid of their own.
"""

import dataclasses
import html
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.course import COURSE_ROOT
from autograder.grading import grader, intake, sandbox
from autograder.grading.notebooks import read_cells, setup_sources
from autograder.grading.sandboxed import lockdown
from autograder.grading.sandboxed.protocol import Job, ServerConfig, dumps
from autograder.grading.scoring import expected
from tests import attacks
from tests.corpus import notebook, scores, solved
from tests.submissions import DINO, FULL, edited, solutions, submission

TIMEOUT = 5  # seconds per exercise: the attack that stops itself costs this much
SITE = Path(__import__("numpy").__file__).parents[1]
GIT = shutil.which("git")  # found before a test hides bwrap by emptying PATH

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or sandbox.strongest_isolation()[0] != "namespaces",
    reason="the attacks are graded as CI grades them: as root, with bwrap's namespaces",
)


def outside_state():
    """What an attack must not change outside OUT: the course's git status and ignored files, the
    venv's .pth files, the release's utils/ folder and the course's top-level entries."""
    status = subprocess.run(
        [GIT, "status", "--porcelain", "--ignored"], cwd=COURSE_ROOT, capture_output=True, text=True
    ).stdout
    return (
        status,
        sorted(p.name for p in SITE.glob("*.pth")),
        sorted(os.listdir(DINO.release_dir / "utils")),
        sorted(os.listdir(COURSE_ROOT)),
        sorted(p for p in os.listdir("/tmp") if "planted" in p),
    )


def left_processes():
    """Processes on this machine whose command line carries the attacks' mark."""
    found = []
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and attacks.MARK.encode() in Path(entry.path, "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def student_files(root, port):
    victim = edited("clip", "    clipped = {}", f"    clipped = {{}}  # {attacks.VICTIM_MARK}")
    entries = {
        "aaa_victim": notebook(solved(*FULL, clip=victim)),
        "steals_reference": notebook(solved("clip", "sample", optimize=attacks.STEALING_OPTIMIZE)),
        "public_output_hard_coded": notebook(
            submission(
                solved=("sample", "optimize"),
                replace={
                    "clip": attacks.cell_code(
                        "clip", "def clip(gradients, maxValue):\n    return " + public_clip_written_out()
                    )
                },
            )
        ),
    }
    entries.update(
        {name: notebook(solved("sample", "optimize", clip=cell)) for name, cell in attacks.attacks(port).items()}
    )
    for name, write in entries.items():
        folder = Path(root, name, DINO.name)
        folder.mkdir(parents=True)
        write(folder)
    return sorted(entries)


def public_clip_written_out():
    """The result of clip's public case, as source: a hard-coded copy of what the notebook shows
    passes that case, and must earn nothing (public cases carry no points; issue 10.6)."""
    index = next(i for i, case in enumerate(DINO.cases["clip"]) if case.public)
    result = expected(DINO, "clip", index)["result"]
    return "{" + ", ".join(f"{k!r}: np.array({v.tolist()!r})" for k, v in result.items()) + "}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    root, out = tmp_path_factory.mktemp("attacks"), tmp_path_factory.mktemp("attacks_out")
    students = student_files(root, port)
    before = outside_state()
    started = time.monotonic()
    batch = grader.grade_submissions(DINO, root, out, jobs=1, timeout=TIMEOUT, memory=512)
    seconds = time.monotonic() - started
    time.sleep(3)  # a daemon that outlived its job would have acted by now
    try:
        connection = listener.accept()
    except BlockingIOError:
        connection = None
    listener.close()
    return {
        "batch": batch,
        "out": out,
        "students": students,
        "before": before,
        "after": outside_state(),
        "connection": connection,
        "left": left_processes(),
        "seconds": seconds,
    }


def points(graded, student):
    result = next(r for r in graded["batch"].results if r.student == student)
    return {name: e.points for name, e in result.exercises.items()}


def feedback(graded, student):
    return html.unescape((graded["out"] / student / "feedback.html").read_text(encoding="utf-8"))


EXPECTED = {
    "aaa_victim": FULL,
    "steals_reference": scores(),  # its optimize is right: the theft itself costs nothing here
    "public_output_hard_coded": scores(clip=0),  # passes the public case: see SAYS
    **{name: scores(clip=0) for name in attacks.attacks(0)},
}

SAYS = {
    "public_output_hard_coded": ["PASS [public]"],
    "reads_source": ["source:FileNotFoundError translation:FileNotFoundError"],
    # a spawned interpreter has no audit hook: the namespaces and the seccomp filter (AF_INET refused) stop it
    "spawns_interpreter": ["spawn=spawned False False False OSError"],
    "pokes_the_hook": ["poke=0", "after_poke:FileNotFoundError"],
    "races_a_thread": ["race=nothing"],
    "previous_job": ["found_victim=False"],
    "zz_uses_stolen_reference": ["stolen=none"],
    "plants_files": [
        f"{name}:" for name in ("report.py", "planted.pth", "x.pyc", "planted.ipynb", "planted", "symlink", "mkdir")
    ],
    "leaves_daemons": ["daemon="],
    "opens_the_gradebook": ["gradebook:OperationalError"],
    "kills_the_fork_server": ["SIGKILL"],
    "stops_itself": ["time limit"],
    "fills_tmp": ["/tmp=0MB,PermissionError", "/dev/shm=0MB,PermissionError", "MB,OSError"],
    "uses_the_network": ["connect:PermissionError", "resolve:gaierror", "resolve_far:gaierror"],
}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_student_gets_exactly_their_points(graded, student):
    assert points(graded, student) == {name: float(p) for name, p in EXPECTED[student].items()}


@pytest.mark.parametrize("student", sorted(SAYS))
def test_each_attack_met_the_sandbox(graded, student):
    text = feedback(graded, student)
    for phrase in SAYS[student]:
        assert phrase in text, f"{student}: {phrase!r} not in its feedback"


def test_the_attacks_changed_nothing_outside_out_and_left_nothing_running(graded):
    assert graded["after"] == graded["before"]
    assert graded["left"] == []
    assert graded["connection"] is None
    assert not [
        r.student
        for r in graded["batch"].results
        for e in r.exercises.values()
        if e.stopped is not None and e.stopped.key == "lost"
    ]


def test_the_batch_was_not_delayed_beyond_the_attackers_own_limits(graded):
    # one stopped child costs its TIMEOUT; the rest runs at the fork server's pace
    assert graded["seconds"] < 4 * TIMEOUT + 30
    assert graded["batch"].isolation == "namespaces"


def test_out_entries_planted_before_the_run_cost_only_their_student(tmp_path):
    root, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    for name in ("alice", "bob", "carol", "grades.csv"):
        (root / name / DINO.name).mkdir(parents=True)
        notebook(solved("clip"))(root / name / DINO.name)
    elsewhere.mkdir()
    out.mkdir()
    (out / "bob").symlink_to(elsewhere)
    (out / "carol").write_text("not a folder")
    batch = grader.grade_submissions(DINO, root, out, jobs=1, timeout=TIMEOUT, memory=512)
    assert list(elsewhere.iterdir()) == []
    assert (out / "carol").read_text() == "not a folder"
    assert sorted(p.name for p in (out / "alice").iterdir()) == ["feedback.html", "results.json"]
    assert sorted(p.name for p in (out / "grades.csv_").iterdir()) == ["feedback.html", "results.json"]
    totals = {r.student: r.total for r in batch.results}
    assert totals == {"alice": 2, "bob": 2, "carol": 2, "grades.csv_": 2}
    remarks = (out / "grades.csv").read_text()
    assert "OUT/bob is a link or a file" in remarks and "OUT/carol is a link or a file" in remarks


def test_a_folder_at_out_grades_csv_stops_the_grader_before_grading(tmp_path):
    (tmp_path / "out" / "grades.csv").mkdir(parents=True)
    (tmp_path / "in").mkdir()
    with pytest.raises(intake.Unreadable, match="grades.csv is a link or a folder"):
        grader.grade_submissions(DINO, tmp_path / "in", tmp_path / "out")


def test_links_and_fifos_in_submissions_are_not_read(tmp_path):
    root = tmp_path / "in"
    (root / "linked" / DINO.name).mkdir(parents=True)
    (root / "linked" / DINO.name / f"{DINO.name}.ipynb").symlink_to(DINO.source_notebook)
    (root / "folder_link").symlink_to(DINO.source_notebook.parent)
    (root / "fifo" / DINO.name).mkdir(parents=True)
    os.mkfifo(root / "fifo" / DINO.name / f"{DINO.name}.ipynb")
    found = intake.discover(root, tmp_path / "scratch", DINO)
    assert {s.student: s.path for s in found.submissions} == {"fifo": None, "linked": None}
    assert "folder_link" in found.ignored


def test_a_dead_fork_server_costs_no_job_it_did_not_have(tmp_path):
    exercise = DINO.exercises["clip"]
    config = ServerConfig(
        release=str(DINO.release_dir),
        setup=setup_sources(read_cells(DINO.editions[0].notebook)[0]),
        memory=512,
        protected=[],
        uid=None,
        namespaces=False,
    )
    job = Job(
        exercise="clip",
        marker=exercise.marker,
        source=solutions()["clip"],
        deps={},
        watch=list(exercise.watch),
        timeout=TIMEOUT,
    )
    arguments = dumps([case.build() for case in DINO.cases["clip"]])
    server = sandbox.Sandbox(config, "namespaces", index=5)
    try:
        assert server.run(job, arguments)[0].how == "exited"
        os.killpg(server.process.pid, signal.SIGKILL)  # between two jobs: the next one is not lost
        server.process.wait()
        assert server.run(job, arguments)[0].how == "exited"
        server.config = dataclasses.replace(server.config, release=str(tmp_path / "gone"))
        os.killpg(server.process.pid, signal.SIGKILL)  # and it cannot start again: its jobs are lost, no more
        assert [server.run(job, arguments)[0].how for _ in range(2)] == ["lost", "lost"]
    finally:
        server.close()


@pytest.mark.skipif(not lockdown.seccomp_supported(), reason="the seccomp filter is written for x86_64")
def test_the_seccomp_filter_refuses_what_namespaces_leave_open():
    """In a forked process: the filter refuses sockets but AF_UNIX, ptrace, unshare, SysV IPC
    and clone3, and lets threads, fork and AF_UNIX through."""
    import ctypes
    import threading

    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        seen = []
        try:
            lockdown.install_seccomp(libc.prctl)
            for name, call in [
                ("inet", lambda: socket.socket(socket.AF_INET)),
                ("unix", lambda: socket.socket(socket.AF_UNIX)),
                ("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)),
                ("thread", lambda: threading.Thread(target=int).start()),
            ]:
                try:
                    call()
                    seen.append(f"{name}=ok")
                except OSError as error:
                    seen.append(f"{name}={error.errno}")
            for name, number, args in [
                ("unshare", 272, (0x10000000,)),
                ("ptrace", 101, (16, os.getppid(), 0, 0)),
                ("shmget", 29, (0, 4096, 0o1000)),
                ("clone3", 435, (0, 0)),
            ]:
                result = libc.syscall(number, *args)
                seen.append(f"{name}={ctypes.get_errno() if result == -1 else 'ok'}")
            child = os.fork()
            if child == 0:
                os._exit(0)
            seen.append(f"fork={os.waitpid(child, 0)[1]}")
        finally:
            os.write(writable, " ".join(seen).encode())
            os._exit(0)
    os.close(writable)
    seen = os.read(readable, 4096).decode().split()
    os.waitpid(pid, 0)
    assert seen == [
        "inet=97",
        "unix=ok",
        "netlink=97",
        "thread=ok",
        "unshare=1",
        "ptrace=1",
        "shmget=1",
        "clone3=38",
        "fork=0",
    ]


@pytest.fixture
def without_namespaces(monkeypatch):
    """A machine without bwrap: the grader then finds no namespaces, as where they are forbidden."""
    monkeypatch.setenv("PATH", "/nonexistent")
    assert sandbox.strongest_isolation()[0] == "uid"


def test_without_namespaces_the_grader_refuses_unless_asked(without_namespaces, tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(sandbox.SandboxError, match="--allow-weaker-isolation"):
        grader.grade_submissions(DINO, tmp_path / "in", tmp_path / "out")


def test_the_command_line_says_so_at_start_up_and_refuses(tmp_path):
    (tmp_path / "in").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", DINO.name, str(tmp_path / "in"), "--out", str(tmp_path / "out")],
        cwd=COURSE_ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH="/nonexistent"),
    )
    assert done.returncode == 1
    assert done.stderr.startswith("warning: bwrap (bubblewrap) is not installed: student code can run only in WEAKER")
    assert "pass --allow-weaker-isolation" in done.stderr and not (tmp_path / "out").exists()


def test_without_namespaces_children_run_under_a_uid_of_their_own(without_namespaces, tmp_path):
    root, out = tmp_path / "in", tmp_path / "out"
    cells = {
        "aaa_victim": solved(*FULL),
        "reads_source": solved("sample", "optimize", clip=attacks.attack(attacks.STEAL_FROM_SOURCE)),
        "leaves_daemons": solved(
            "sample",
            "optimize",
            clip=attacks.attack(
                f"for _ in range(5):\n    note('daemon', lambda: spawn('', True, False, {attacks.SHELL_DAEMON!r}))\n"
                "note('uid', os.getuid)\nnote('tmp', lambda: open('/tmp/planted_by_uid', 'w').write('x'))\n"
            ),
        ),
    }
    for name, nb in cells.items():
        (root / name / DINO.name).mkdir(parents=True)
        notebook(nb)(root / name / DINO.name)
    before = outside_state()
    batch = grader.grade_submissions(DINO, root, out, jobs=1, timeout=TIMEOUT, memory=512, allow_weaker=True)
    assert outside_state() == before  # the release's utils/ too: no bytecode written there
    assert batch.isolation == "uid"
    assert {r.student: r.total for r in batch.results} == {
        "aaa_victim": sum(FULL.values()),
        "reads_source": 6,
        "leaves_daemons": 6,
    }
    text = html.unescape((out / "leaves_daemons" / "feedback.html").read_text(encoding="utf-8"))
    assert f"uid={sandbox.STUDENT_UID}" in text and "daemon=" in text and "tmp=1" in text
    read = html.unescape((out / "reads_source" / "feedback.html").read_text(encoding="utf-8"))
    assert "source:PermissionError translation:PermissionError" in read  # only the audit hook refuses here
    assert left_processes() == []
    assert not any(Path("/tmp").glob("planted_by_*"))  # the shared /tmp: removed after the job
