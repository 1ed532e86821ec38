"""The project's grader: a batch of submissions, graded in child processes, in parallel.

Each exercise of each submission is one job: its graded cell runs in a fresh child of a fork
server (sandbox) on the cases' arguments, built here and sent as plain data. What
comes back is decoded as plain data and checked here against the reference solution, which
never leaves this process. A job that crashes, hangs or floods costs its own exercise only.
"""

import os
import queue
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..course import COURSE_ROOT
from . import intake, report
from .checks import CaseResult
from .messages import from_plain, say
from .notebooks import read_cells, setup_sources
from .reference import solution_sources
from .sandbox import Sandbox, choose_isolation
from .sandboxed.protocol import (
    CHILD_RECORDS,
    CaseOutcome,
    Job,
    Note,
    NotPlainData,
    Problem,
    ServerConfig,
    decode,
    dumps,
    split_frames,
)
from .scoring import check_case, expected, score

DEFAULT_TIMEOUT = 60  # seconds per exercise of one submission
DEFAULT_MEMORY = 1024  # MB of memory a job may allocate


@dataclass
class ExerciseResult:
    name: str
    points: float = 0
    cases: list = field(default_factory=list)  # a CaseResult per case
    notes: list = field(default_factory=list)  # repairs and remarks, which cost nothing (messages.Message)
    problem: object = None  # a messages.Message: why no case could run (no cell, a syntax error, ...)
    stopped: object = None  # a messages.Message: how the process running it ended, when it did not finish


@dataclass
class StudentResult:
    assignment: object  # the course.Assignment graded
    submission: intake.Submission
    exercises: dict = field(default_factory=dict)  # {name: ExerciseResult}, in the assignment's order

    @property
    def student(self):
        return self.submission.student

    @property
    def total(self):
        return round(sum(e.points for e in self.exercises.values()), 2)


def default_jobs():
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class Batch:
    """What grade_submissions() did."""

    layout: str  # how SUBMISSIONS was laid out: "Canvas", "Moodle", "Blackboard", "Gradescope", "nbgrader", "notebooks"
    results: list  # a StudentResult per student, in the order found
    ignored: list  # files of SUBMISSIONS that belong to no student (relative paths)
    isolation: str  # how student code was isolated: one of sandbox.MODES


def grade_submissions(
    assignment,
    submissions,
    out,
    jobs=None,
    timeout=DEFAULT_TIMEOUT,
    memory=DEFAULT_MEMORY,
    gradebook=None,
    progress=False,
    due=None,
    allow_weaker=False,
):
    """Grade every submission of assignment (a course.Assignment) under `submissions` (folder or
    zip) into the folder `out`; returns a Batch.

    Writes OUT/<student>/results.json and feedback.html as each student finishes, then
    OUT/grades.csv, and with a gradebook (the path of nbgrader's gradebook.db) the scores there
    and the autograded notebooks beside it, for formgrader (report.record_in_gradebook).
    due -- a datetime: submissions handed in after it are marked late (where their time is known)
    allow_weaker -- grade even where namespaces are not available, in the strongest mode there is
                    (sandbox.strongest_isolation); Batch.isolation says which
    Raises intake.Unreadable when `submissions` cannot be read and sandbox.SandboxError when the
    release itself cannot run, or namespaces are missing and allow_weaker is False; a
    submission's own problems never raise.
    """
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    if out == submissions or out.is_relative_to(submissions):
        raise intake.Unreadable(f"{out}: the output folder must not be inside the submissions")
    grades = out / report.GRADES
    if grades.is_symlink() or (grades.exists() and not grades.is_file()):
        raise intake.Unreadable(f"{grades} is a link or a folder, not the grader's file: move it away first")
    if gradebook:
        report.check_gradebook(gradebook, assignment)  # a wrong path fails now, not after the grading
    mode = choose_isolation(allow_weaker)
    with tempfile.TemporaryDirectory(prefix="autograder-") as scratch:
        unpacked = Path(scratch) / "submissions"
        unpacked.mkdir()
        found = intake.discover(submissions, unpacked, assignment, due)
        results = [StudentResult(assignment, intake.read(s, assignment)) for s in found.submissions]
        out.mkdir(parents=True, exist_ok=True)
        config = ServerConfig(
            release=str(assignment.release_dir),
            setup=setup_sources(read_cells(assignment.editions[0].notebook)[0]),
            memory=memory,
            protected=protected_files([submissions, unpacked, out, *_secret_places(gradebook)]),
            uid=None,
            namespaces=False,  # set per fork server by Sandbox
        )
        _run(assignment, results, config, mode, out, jobs or default_jobs(), timeout, progress)
        report.write_grades(out, assignment, results)
        if gradebook:  # while the notebooks are still there: formgrader shows them
            report.record_in_gradebook(gradebook, assignment, results)
    return Batch(found.layout, results, found.ignored, mode)


def _secret_places(gradebook):
    """What graded code must not read: the solutions, the grading code and tests, the course's
    git history, and the places where nbgrader keeps other students' work."""
    places = [
        COURSE_ROOT / "source",
        Path(__file__).resolve().parent.parent,
        COURSE_ROOT / "tests",
        COURSE_ROOT / "gradebook.db",
        COURSE_ROOT / "submitted",
        COURSE_ROOT / "autograded",
        COURSE_ROOT / "feedback",
    ]
    git = COURSE_ROOT / ".git"
    if git.is_file():  # a worktree: .git holds the path of its git folder, which names the shared one
        git = Path(git.read_text().partition("gitdir:")[2].strip())
        places.append(git)
        if (git / "commondir").is_file():
            git = (git / (git / "commondir").read_text().strip()).resolve()
    places.append(git)
    if gradebook:
        places.append(Path(gradebook))
    return places


def protected_files(places):
    """[[st_dev, st_ino], ...] of the places and of every file and folder under them."""
    found = set()
    for place in map(Path, places):
        if not place.exists():
            continue
        found.add(_identity(place))
        for folder, dirs, files in os.walk(place):
            found.update(_identity(Path(folder, name)) for name in dirs + files)
    return sorted(list(pair) for pair in found - {None})


def _identity(path):
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _run(assignment, results, config, mode, out, jobs, timeout, progress):
    """Run every job on `jobs` fork servers; write each student's files once all their jobs are in."""
    from tqdm import tqdm

    sources = solution_sources(assignment)
    exercises, cases = assignment.exercises, assignment.cases
    arguments = {name: dumps([case.build() for case in cases[name]]) for name in exercises}  # encoded once
    work, done = queue.Queue(), queue.Queue()
    pending = {}
    for result in results:
        cells = {} if result.submission.fatal else result.submission.found
        located = [name for name in exercises if name in cells and cells[name].cell is not None]
        pending[result.student] = len(located)
        for name in located:
            exercise = exercises[name]
            work.put(
                (
                    result.student,
                    Job(
                        exercise=name,
                        marker=exercise.marker,
                        source=cells[name].cell.source,
                        deps={dep: sources[dep] for dep in exercise.uses},
                        watch=list(exercise.watch),
                        timeout=timeout,
                    ),
                )
            )
    count = min(jobs, work.qsize())
    for _ in range(count):
        work.put(None)  # one stop sign per worker
    workers = [
        threading.Thread(target=_work, args=(config, mode, index, work, done, arguments), daemon=True)
        for index in range(count)
    ]
    for worker in workers:
        worker.start()

    by_student = {r.student: r for r in results}
    bar = tqdm(total=len(results), unit="notebook", disable=not progress, leave=False)
    try:
        for name in exercises if workers else ():  # computed here while the fork servers start
            for index in range(len(cases[name])):
                expected(assignment, name, index)
        for result in results:
            if pending[result.student] == 0:
                _finish(result, out, bar)
        while any(pending.values()):
            item = done.get()
            if isinstance(item, BaseException):
                raise item
            student, name, ending, output = item
            result = by_student[student]
            result.exercises[name] = _exercise(assignment, name, ending, output, timeout, config.memory)
            pending[student] -= 1
            if pending[student] == 0:
                _finish(result, out, bar)
    finally:
        bar.close()
        _drain(work)
        for _ in workers:
            work.put(None)
        for worker in workers:
            worker.join()


def _drain(work):
    """Empty the work queue, so that on an error the workers stop after their current job."""
    while True:
        try:
            work.get_nowait()
        except queue.Empty:
            return


def _work(config, mode, index, work, done, arguments):
    """A worker thread: one fork server (the index-th), fed jobs from `work` until a stop sign.

    arguments -- {exercise: the cases' arguments, encoded}
    """
    try:
        sandbox = Sandbox(config, mode, index)
    except BaseException as error:
        done.put(error)
        return
    try:
        for student, job in iter(work.get, None):
            done.put((student, job.exercise, *sandbox.run(job, arguments[job.exercise])))
    except BaseException as error:
        done.put(error)
    finally:
        sandbox.close()


def _finish(result, out, bar):
    """Fill in the exercises that had no job, order them, and write the student's files."""
    for name in result.assignment.exercises:
        if result.submission.fatal:
            result.exercises[name] = ExerciseResult(name, problem=say("notebook_unread"))
        elif name in result.exercises:
            result.exercises[name].notes[:0] = result.submission.found[name].notes
        else:  # no cell: locate() said why, in its one note
            result.exercises[name] = ExerciseResult(name, problem=result.submission.found[name].notes[0])
    result.exercises = {name: result.exercises[name] for name in result.assignment.exercises}
    try:
        report.write_student(out, result)
    except OSError as error:  # OUT/<student> is a link or a file: this student's files only are missing
        result.submission.notes.append(
            say("results_not_written", folder=result.student, error=error.strerror or type(error).__name__)
        )
    bar.update()


def _exercise(assignment, name, ending, output, timeout, memory):
    """The ExerciseResult of one job, from the fork server's Ending and the child's records."""
    result = ExerciseResult(name)
    catalog = assignment.catalog
    got = {}
    for frame in split_frames(output):
        try:
            record = decode(frame, CHILD_RECORDS)
        except NotPlainData:
            break  # a frame that is not a record: nothing after it is trusted either
        if isinstance(record, Note):
            result.notes.append(from_plain(record.text, catalog))
        elif isinstance(record, Problem):
            result.problem = from_plain(record.text, catalog)
        elif isinstance(record, CaseOutcome) and 0 <= record.case < len(assignment.cases[name]):
            got.setdefault(record.case, record)
    if result.problem:
        return result
    for index, case in enumerate(assignment.cases[name]):
        record = got.get(index)
        if record is None:
            result.stopped = _stopped(ending, timeout)
            problems = [result.stopped]
        elif record.problem is not None:
            problems = [from_plain(record.problem, catalog)]
            if str(problems[0].fields.get("error", "")).startswith("MemoryError"):
                result.stopped = say("memory_limit", megabytes=memory)
        else:
            problems = _checked(assignment, name, index, record.captured)
        result.cases.append(CaseResult(case.title, case.public, problems))
    result.points = score(assignment.exercises[name].points, result.cases)
    return result


def _checked(assignment, name, index, captured):
    """The check's problems for what a child captured; its data is untrusted, so a shape the
    check does not expect fails the case instead of the grader."""
    try:
        return check_case(assignment, name, index, captured).problems
    except Exception:
        return [say("unexpected_form")]


def _stopped(ending, timeout):
    """Why a case has no result, from how the child ended (a messages.Message)."""
    code = ending.code
    if ending.how == "timeout":
        return say("timeout", seconds=timeout)
    if ending.how == "flood":
        return say("flood")
    if ending.how == "lost":
        return say("lost")
    if isinstance(code, int) and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        return say("killed_memory" if -code == signal.SIGKILL else "killed", signal=name)
    return say("exited", code=code)
