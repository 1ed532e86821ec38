"""Finding the submissions in what an instructor collected, and reading each notebook.

Accepted: the downloads of Canvas, Moodle, Blackboard and Gradescope (lms.py recognises them
and gives the LMS's own student ids), nbgrader's `<student>/<assignment>/*.ipynb` tree (the
student id is the folder), a flat folder of `.ipynb` files (the id is the file's stem), and a
`.zip` of any of these. Nothing here writes next to the submissions, and no notebook is trusted
to be valid: each reading problem becomes a message that names the file.
"""

import os
import re
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from . import lms
from .messages import say
from .notebooks import NotANotebook, edition_of, locate, read_cells

MAX_ZIP_BYTES = 4 * 2**30  # uncompressed; a zip that expands to more is refused
SKIPPED = (".ipynb_checkpoints", "__MACOSX")  # editor and archiver droppings


class Unreadable(Exception):
    """SUBMISSIONS itself cannot be read: the grader cannot run (not one student's problem)."""


@dataclass
class Submission:
    student: str
    shown: str  # the notebook's path relative to SUBMISSIONS, as messages name it
    path: Path = None  # None when the student's folder holds no notebook
    found: dict = None  # {exercise: notebooks.Found}; None when the notebook could not be read
    language: str = None  # the edition the notebook is from ("en", "zh-CN"), once read
    notes: list = field(default_factory=list)  # about the file as a whole (messages.Message)
    fatal: object = None  # a messages.Message: why nothing of this submission could be graded
    name: str = None  # the student's name, where the LMS gives it
    submitted: datetime = None  # when it was handed in, where the LMS (or nbgrader's timestamp.txt) says
    late: bool = False  # the LMS marks it late, or it came after the due date


@dataclass
class Found:
    """What discover() found under SUBMISSIONS."""

    layout: str  # "Canvas", "Moodle", "Blackboard", "Gradescope", "nbgrader" or "notebooks"
    submissions: list  # Submission, one per student
    ignored: list = field(default_factory=list)  # files that belong to no student, relative to SUBMISSIONS


def discover(root, scratch, assignment, due=None):
    """A Found: the submissions of assignment (a course.Assignment) under root (a folder or a .zip).

    scratch -- an empty folder the zip is extracted into (the caller removes it)
    due     -- a datetime: a submission handed in after it is marked late (where its time is known)
    Raises Unreadable when root is neither a readable folder nor a readable zip.
    """
    root = Path(root)
    if root.is_file() and zipfile.is_zipfile(root):
        root = _unwrapped(extract(root, Path(scratch)))
    elif not root.is_dir():
        raise Unreadable(f"{root}: not a folder of submissions or a .zip of one")
    try:
        entries = sorted(p for p in root.iterdir() if not _skipped(p.name))
    except OSError as error:
        raise Unreadable(f"{root}: {error.strerror}") from None

    layout = lms.recognise(root, entries)
    if layout is not None:
        found = Found(
            layout.lms, [_from_lms(root, student, layout.lms, due) for student in layout.students], layout.ignored
        )
    else:
        submissions, ignored = [], []
        for entry in entries:
            if entry.is_symlink():
                ignored.append(entry.name)  # a link may point anywhere: at the course's own solutions
            elif entry.is_file() and entry.suffix == ".ipynb":
                submissions.append(Submission(_safe_id(entry.stem), entry.name, entry))
            elif entry.is_dir():
                submissions.append(_from_folder(root, entry, assignment.name, due))
            else:
                ignored.append(entry.name)
        found = Found(
            "nbgrader" if any(e.is_dir() and not e.is_symlink() for e in entries) else "notebooks", submissions, ignored
        )
    for submission in found.submissions:
        if submission.path is not None and not regular_inside(submission.path, root):
            submission.fatal = say("not_regular_file", file=submission.shown)
    found.submissions = _unique(found.submissions)
    return found


def regular_inside(path, root):
    """Whether path is a regular file below root reached through no link (lstat of each part):
    nothing outside SUBMISSIONS is read through a link, and no FIFO or device is opened."""
    path, root = Path(path), Path(root)
    try:
        parts = path.relative_to(root).parts
        for depth in range(1, len(parts)):
            if not stat.S_ISDIR(os.lstat(root.joinpath(*parts[:depth])).st_mode):
                return False
        return bool(parts) and stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _from_lms(root, student, lms_name, due):
    """The Submission of an lms.Student: their latest notebook, the others noted, lateness marked."""
    sid = _safe_id(student.id)
    if not student.candidates:
        return Submission(sid, sid, name=student.name, fatal=say("no_notebook_from_lms", lms=lms_name))
    latest = student.candidates[-1]
    submission = Submission(
        sid, latest.path.relative_to(root).as_posix(), latest.path, name=student.name, submitted=latest.time
    )
    if len(student.candidates) > 1:
        submission.notes.append(
            say(
                "latest_of_several",
                count=len(student.candidates),
                graded=submission.shown,
                others=[c.path.relative_to(root).as_posix() for c in student.candidates[:-1]],
            )
        )
    _mark_late(submission, latest, lms_name, due)
    return submission


def _mark_late(submission, candidate, lms_name, due):
    if not lms.is_late(candidate, due):
        return
    submission.late = True
    submission.notes.append(
        say("late_by_lms", lms=lms_name)
        if candidate.late
        else say(
            "late_after_due",
            time=candidate.time.isoformat(sep=" ", timespec="minutes"),
            due=due.isoformat(sep=" ", timespec="minutes"),
        )
    )


def _skipped(name):
    return name.startswith(".") or name in SKIPPED


def _from_folder(root, folder, name, due=None):
    """The submission in a student's folder: the assignment's notebook (name.ipynb or in name/), preferably.
    nbgrader's timestamp.txt beside it, if any, gives the time it was handed in."""
    notebooks = sorted(
        p
        for p in folder.rglob("*.ipynb")
        if regular_inside(p, folder) and not any(_skipped(part) for part in p.relative_to(folder).parts)
    )
    student = _safe_id(folder.name)
    if not notebooks:
        return Submission(student, folder.name, fatal=say("no_notebook_in_folder", folder=folder.name))
    preferred = (
        [p for p in notebooks if p.name == f"{name}.ipynb"]
        or [p for p in notebooks if p.parent.name == name]
        or notebooks
    )
    chosen = preferred[0]
    submission = Submission(student, chosen.relative_to(root).as_posix(), chosen)
    if len(notebooks) > 1:
        others = [p.relative_to(root).as_posix() for p in notebooks if p != chosen]
        submission.notes.append(say("several_notebooks", count=len(notebooks), graded=submission.shown, others=others))
    submission.submitted = _nbgrader_timestamp(chosen.parent / "timestamp.txt")
    _mark_late(submission, lms.Candidate(chosen, (), submission.submitted), "nbgrader", due)
    return submission


def _nbgrader_timestamp(path):
    """The time in nbgrader's timestamp.txt (written by `nbgrader collect`), or None."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None  # a link, a FIFO, a device: not read
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S.%f %Z", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            pass
    return None


def _safe_id(name):
    """A student id usable as a folder name under OUT (never the name of the grader's own file there)."""
    cleaned = re.sub(r"[^\w.@+-]", "_", name).strip(".") or "_"
    return f"{cleaned}_" if cleaned.lower() == "grades.csv" else cleaned


def _unique(submissions):
    seen = {}
    for s in submissions:
        if s.student in seen:
            seen[s.student] += 1
            s.notes.append(say("same_student_id", student=s.student, renamed=f"{s.student}~{seen[s.student]}"))
            s.student = f"{s.student}~{seen[s.student]}"
        else:
            seen[s.student] = 1
    return submissions


def extract(archive, into):
    """Extract the regular files of a zip into `into`, refusing paths that would leave it."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
                raise Unreadable(f"{archive}: expands to more than {MAX_ZIP_BYTES // 2**30} GB")
            for member in members:
                parts = PurePosixPath(member.filename.replace("\\", "/")).parts
                is_link = stat.S_ISLNK(member.external_attr >> 16)
                if is_link or not parts or parts[0] == "/" or ".." in parts or ":" in parts[0]:
                    continue
                target = into.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                recorded = time.mktime((*member.date_time, 0, 0, -1))  # the LMS's time of the file (Moodle's order)
                os.utime(target, (recorded, recorded))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise Unreadable(f"{archive}: cannot be extracted ({error})") from None
    return into


def _unwrapped(folder):
    """Step into folders that only wrap the submissions, as LMS zips often have them:
    a folder whose only entry is a folder holding two or more submissions."""
    while True:
        entries = [p for p in folder.iterdir() if not _skipped(p.name)]
        if len(entries) != 1 or not entries[0].is_dir():
            return folder
        inner = [p for p in entries[0].iterdir() if not _skipped(p.name)]
        if len(inner) < 2:
            return folder
        folder = entries[0]


def read(submission, assignment):
    """Fill in submission.found and .language (or .fatal) from its notebook file; never raises for bad input."""
    if submission.fatal:
        return submission
    try:
        cells, notes = read_cells(submission.path)
        submission.found = locate(cells, assignment.exercises)
        submission.language = edition_of(cells, assignment).language
    except NotANotebook as error:
        submission.fatal = say("file_problem", file=submission.shown, problem=error.message)
    except Exception as error:  # a file this reader did not foresee: this student only, never the batch
        submission.fatal = say(
            "file_problem", file=submission.shown, problem=say("unforeseen", error=f"{type(error).__name__}: {error}")
        )
    else:
        submission.notes += notes
    return submission
