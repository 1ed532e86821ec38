"""Recognising what a learning management system hands an instructor as "download all submissions".

Each LMS names files its own way; intake asks recognise() before it falls back to nbgrader's
layouts. A recognised Layout gives one Student per student of the LMS, under its own student id
(and name where the LMS gives one), with the student's notebooks in the LMS's own order (intake
grades the latest and notes the others) and, from Canvas, the LMS's own mark of lateness:

    Canvas       smithalice_10001_6789000_dinosaur_island.ipynb, smithalice_LATE_10001_6789100_...
                 (sortable name, LATE, the Canvas user id, the attachment id, the file's own name):
                 the student is the user id (the ID column of Canvas's gradebook export); later
                 uploads have larger attachment ids; LATE is Canvas's own mark
    Moodle       "Jane Doe_123456_assignsubmission_file_/dinosaur_island.ipynb" (or the same as
                 one file name): the student is the participant id (the "Participant 123456" of
                 the grading worksheet), the name is given; of several files the one Moodle
                 recorded last (the file's time in the zip) is graded
    Blackboard   "Dinosaur Island_jdoe_attempt_2026-11-30-10-00-00_dinosaur_island.ipynb" and a
                 receipt "..._attempt_2026-11-30-10-00-00.txt" ("Name: Jane Doe (jdoe)"): the
                 student is the username; the latest attempt is graded
    Gradescope   an export: submission_metadata.yml and a folder submission_<id>/ per submission;
                 the student is the submitter's SID (else their email), named; a group
                 submission is graded once for each member

Files that belong to no student (the LMS's receipts and online text, a student's other files,
an editor's litter, files named otherwise) create no student: they are listed in Layout.ignored.
Lateness beyond Canvas's own mark comes from comparing the time the LMS gives (Candidate.time)
with a due date (is_late). What this leaves out: a zip a student handed in is not opened (it is
listed as ignored), and Canvas's and Moodle's group submissions are graded under the id the file
carries.
"""

import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

CANVAS = re.compile(r"(?P<name>[^_]+)_(?:(?P<late>LATE|late)_)?(?P<id>\d+)_(?P<order>\d+)_(?P<file>.+)")
MOODLE = re.compile(
    r"(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.*)"
)  # file, onlinetext, ...
BLACKBOARD = re.compile(r"(?P<assignment>.+)_(?P<id>[^_]+)_attempt_(?P<time>\d{4}(?:-\d{2}){5})(?:_(?P<file>.+)|\.txt)")
BLACKBOARD_NAME = re.compile(r"^Name:\s*(?P<name>.*?)\s*\((?P<id>[^()]*)\)\s*$", re.MULTILINE)
GRADESCOPE_METADATA = "submission_metadata.yml"


@dataclass
class Candidate:
    """One file of a student, as the LMS handed it in."""

    path: Path
    order: tuple  # the LMS's order: the largest is the latest
    time: datetime = None  # when it was handed in, where the LMS says
    late: bool = False  # the LMS's own mark


@dataclass
class Student:
    id: str
    name: str = None
    candidates: list = field(default_factory=list)  # the student's notebooks (Candidate), the latest last


@dataclass
class Layout:
    lms: str  # "Canvas", "Moodle", "Blackboard", "Gradescope"
    students: list  # Student
    ignored: list  # paths (relative to the folder) that belong to no student


def recognise(folder, entries):
    """The Layout of folder, whose entries (Paths, editor litter left out) are given, or None
    when no LMS's naming fits most of them."""
    if (folder / GRADESCOPE_METADATA).is_file():
        return _gradescope(folder, entries)
    for reader in (_canvas, _moodle, _blackboard):
        layout = reader(folder, entries)
        if layout is not None:
            return layout
    return None


def _most(matched, entries):
    """Whether the entries a naming matched are most of them (an LMS download holds little else)."""
    return bool(matched) and 2 * len(matched) > len(entries)


def _relative(folder, path):
    return path.relative_to(folder).as_posix()


def _canvas(folder, entries):
    matched = {entry: CANVAS.fullmatch(entry.name) for entry in entries if entry.is_file()}
    matched = {entry: m for entry, m in matched.items() if m}
    if not _most(matched, entries):
        return None
    students = {}
    for entry, match in matched.items():
        student = students.setdefault(match["id"], Student(match["id"], match["name"]))
        student.candidates.append(Candidate(entry, (int(match["order"]),), late=bool(match["late"])))
    return _layout("Canvas", folder, entries, students, consumed=matched)


def _moodle(folder, entries):
    matched = {entry: MOODLE.fullmatch(entry.name) for entry in entries}
    matched = {entry: m for entry, m in matched.items() if m}
    if not _most(matched, entries):
        return None
    students = {}
    for entry, match in matched.items():
        student = students.setdefault(match["id"], Student(match["id"], match["name"]))
        files = sorted(p for p in entry.rglob("*") if p.is_file()) if entry.is_dir() else [entry]
        # Moodle names no order; the time it recorded for each file travels in the zip
        student.candidates += [
            Candidate(p, (p.stat().st_mtime, p.name), datetime.fromtimestamp(p.stat().st_mtime)) for p in files
        ]
    return _layout("Moodle", folder, entries, students, consumed=matched)


def _blackboard(folder, entries):
    matched = {
        entry: BLACKBOARD.fullmatch(entry.name) for entry in entries if entry.is_file() and not entry.is_symlink()
    }  # a link may point at /dev/zero or the course
    matched = {entry: m for entry, m in matched.items() if m}
    if not _most(matched, entries):
        return None
    students = {}
    for entry, match in matched.items():
        student = students.setdefault(match["id"], Student(match["id"]))
        attempt = datetime.strptime(match["time"], "%Y-%m-%d-%H-%M-%S")
        if match["file"] is None:  # the attempt's receipt
            named = BLACKBOARD_NAME.search(entry.read_text(encoding="utf-8", errors="replace"))
            if named and named["id"] == match["id"]:
                student.name = named["name"]
        else:
            student.candidates.append(Candidate(entry, (attempt,), attempt))
    return _layout("Blackboard", folder, entries, students, consumed=matched)


def _gradescope(folder, entries):
    import yaml

    try:
        if not stat.S_ISREG(os.lstat(folder / GRADESCOPE_METADATA).st_mode):
            return None  # a link, a FIFO, a device: not read
        metadata = yaml.safe_load((folder / GRADESCOPE_METADATA).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(metadata, dict):
        return None
    students, consumed = {}, {folder / GRADESCOPE_METADATA: True}
    for key, entry in metadata.items():
        submission = folder / str(key)
        if not isinstance(entry, dict) or not submission.is_dir():
            continue
        consumed[submission] = True
        created = _time(entry.get(":created_at"))
        files = sorted(p for p in submission.rglob("*") if p.is_file())
        for submitter in entry.get(":submitters") or []:
            if not isinstance(submitter, dict):
                continue
            sid = str(submitter.get(":sid") or submitter.get(":email") or "").strip()
            if not sid:
                continue
            student = students.setdefault(sid, Student(sid, submitter.get(":name")))
            student.candidates += [Candidate(p, (created is not None, created or 0, p.name), created) for p in files]
    return _layout("Gradescope", folder, entries, students, consumed=consumed)


def _time(value):
    """A datetime from what Gradescope's YAML holds (a datetime, or text like 2026-11-30 10:00:00.123456789 -0800)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = re.sub(r"(\.\d{6})\d+", r"\1", value.strip())
        for pattern in ("%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S.%f%z"):
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                pass
    return None


def _layout(lms, folder, entries, students, consumed):
    """The Layout: each student's notebooks in the LMS's order (a student who handed in no
    notebook keeps a row, and is told so), and the files that no student's notebook is.

    consumed -- the entries that belong to students (the others are listed as ignored)
    """
    ignored = [_relative(folder, e) for e in entries if e not in consumed]
    for student in students.values():
        ignored += [_relative(folder, c.path) for c in student.candidates if c.path.suffix != ".ipynb"]
        student.candidates = sorted((c for c in student.candidates if c.path.suffix == ".ipynb"), key=lambda c: c.order)
    return Layout(lms, list(students.values()), sorted(set(ignored)))


def is_late(candidate, due):
    """Whether candidate is late: the LMS marks it so, or the LMS's time of it is after due (a
    datetime or None). A time and a due date of which only one names its time zone are compared
    as wall clocks."""
    if candidate.late:
        return True
    if due is None or candidate.time is None:
        return False
    time = candidate.time
    if (time.tzinfo is None) != (due.tzinfo is None):
        time, due = time.replace(tzinfo=None), due.replace(tzinfo=None)
    return time > due
