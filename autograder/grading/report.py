"""What the grader writes: grades.csv, and per student results.json (Gradescope's format) and
feedback.html; optionally the scores in nbgrader's gradebook.

Every file is written to a temporary name in its folder and then renamed over the old one, so
a grader that is killed leaves the previous complete file or the new complete file, never half
of one. The feedback shows what each case checked and why it failed; the messages come from
the cases' checks, which never reveal a hidden case's expected values.
"""

import csv
import html
import io
import json
import os
import tempfile
from pathlib import Path

from .checks import verdict_lines

_UMASK = os.umask(0)
os.umask(_UMASK)  # read once, at import, before any thread runs


def write_atomic(path, text, durable=False):
    """Write text to path through a temporary file in the same folder and a rename.

    durable -- also flush it to disk first, so that it survives a power cut as well as a kill
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; make it an ordinary file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_student(out, result):
    """OUT/<student>/results.json and feedback.html."""
    folder = Path(out) / result.student
    write_atomic(folder / "results.json", json.dumps(gradescope(result), indent=1, ensure_ascii=False) + "\n")
    write_atomic(folder / "feedback.html", feedback_html(result))


def gradescope(result):
    """The student's results in Gradescope's results.json format: one test per exercise."""
    exercises = result.assignment.exercises
    return {
        "score": result.total,
        "output": "\n".join(_preamble(result)),
        "tests": [{"name": f"{exercises[name].marker} {name}", "score": e.points,
                   "max_score": exercises[name].points, "output": "\n".join(_exercise_lines(e))}
                  for name, e in result.exercises.items()],
    }


def _preamble(result):
    submission = result.submission
    lines = [f"Notebook: {submission.shown}"]
    lines += [f"Note: {note}" for note in submission.notes]
    if submission.fatal:
        lines.append(f"Not graded: {submission.fatal}")
    return lines


def _exercise_lines(e):
    lines = [f"Note: {note}" for note in e.notes]
    if e.problem:
        lines.append(f"Not graded: {e.problem}")
    return lines + verdict_lines(e.cases)


def feedback_html(result):
    """A self-contained page for the student: the score, each exercise, each case and why."""
    esc = html.escape
    assignment = result.assignment
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(assignment.name)}: feedback for {esc(result.student)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
        ".pass{color:#1a7f37}.fail{color:#b42318}.note{color:#555}li ul{color:#333}"
        "code{background:#f3f3f3;padding:0 .2em}</style></head><body>",
        f"<h1>{esc(assignment.title)}: {esc(result.student)}</h1>",
        f"<p>Notebook <code>{esc(result.submission.shown)}</code>: "
        f"<strong>{result.total:g} of {assignment.max_points:g} points</strong>.</p>",
    ]
    if result.submission.notes or result.submission.fatal:
        parts.append("<ul>")
        parts += [f'<li class="note">Note: {esc(note)}</li>' for note in result.submission.notes]
        if result.submission.fatal:
            parts.append(f'<li class="fail">Not graded: {esc(result.submission.fatal)}</li>')
        parts.append("</ul>")
    for name, e in result.exercises.items():
        exercise = assignment.exercises[name]
        parts.append(f"<h2>{exercise.marker} {esc(name)}: {e.points:g} of {exercise.points:g}</h2><ul>")
        parts += [f'<li class="note">Note: {esc(note)}</li>' for note in e.notes]
        if e.problem:
            parts.append(f'<li class="fail">Not graded: {esc(e.problem)}</li>')
        for case in e.cases:
            verdict = "PASS" if case.passed else "FAIL"
            kind = "public" if case.public else "hidden"
            problems = "".join(f"<li>{esc(p)}</li>" for p in case.problems)
            parts.append(f'<li class="{verdict.lower()}">{verdict} [{kind}] {esc(case.title)}'
                         + (f"<ul>{problems}</ul>" if problems else "") + "</li>")
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def columns(assignment):
    """The header of grades.csv."""
    return ["student_id", *assignment.exercises, "score", "max_score", "notebook", "remarks"]


def write_grades(out, assignment, results):
    """OUT/grades.csv: one row per student, the points of each exercise, the total, remarks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns(assignment))
    for r in sorted(results, key=lambda r: r.student):
        writer.writerow([r.student, *(f"{e.points:g}" for e in r.exercises.values()), f"{r.total:g}",
                         f"{assignment.max_points:g}", r.submission.shown, " | ".join(remarks(r))])
    write_atomic(Path(out) / "grades.csv", buffer.getvalue(), durable=True)


def remarks(result):
    """What an instructor may want to look at: unreadable files, repairs, exercises not graded."""
    found = list(result.submission.notes)
    if result.submission.fatal:
        return found + [result.submission.fatal]
    for name, e in result.exercises.items():
        found += [f"{name}: {note}" for note in e.notes]
        if e.problem:
            found.append(f"{name}: {e.problem}")
    return found


class GradebookError(RuntimeError):
    """The gradebook cannot take the scores (missing, or without the assignment)."""


def check_gradebook(path, assignment):
    """The database URL of the gradebook file at path, which must know assignment; GradebookError if not."""
    from nbgrader.api import Gradebook, MissingEntry

    path = Path(path).resolve()
    hint = f"run `python -m autograder release {assignment.name}` (or `nbgrader generate_assignment {assignment.name}`) first"
    if not path.is_file():
        raise GradebookError(f"{path}: no such gradebook ({hint})")
    url = f"sqlite:///{path}"
    with Gradebook(url) as gradebook:
        try:
            gradebook.find_assignment(assignment.name)
        except MissingEntry:
            raise GradebookError(f"{path} has no assignment {assignment.name!r} ({hint})") from None
    return url


def record_in_gradebook(path, assignment, results):
    """Store each exercise's points as the auto score of its test cell in nbgrader's gradebook,
    as `nbgrader autograde` would, so formgrader and `nbgrader export` show them. Both editions
    of an assignment are one nbgrader assignment, with one notebook named after it."""
    from nbgrader.api import Gradebook

    name = assignment.name
    with Gradebook(check_gradebook(path, assignment)) as gradebook:
        for r in results:
            gradebook.update_or_create_student(r.student)
            gradebook.update_or_create_submission(name, r.student)
            for exercise, e in r.exercises.items():
                # the test cell under each graded cell has the grade id test_<name>
                grade = gradebook.find_grade(f"test_{exercise}", name, name, r.student)
                grade.auto_score = e.points
                grade.needs_manual_grade = grade.manual_score is not None or r.submission.fatal is not None
            gradebook.db.commit()
