"""What the grader writes: grades.csv (for the instructor, in English), and per student
results.json (Gradescope's format) and feedback.html, in the language of the student's edition;
optionally the scores in nbgrader's gradebook, with the autograded notebooks formgrader shows.

Every file is written to a temporary name in its folder and then renamed over the old one, so
a grader that is killed leaves the previous complete file or the new complete file, never half
of one. The feedback shows what each case checked and why it failed; the messages come from
the cases' checks, which never reveal a hidden case's expected values.
"""

import contextlib
import csv
import html
import io
import json
import os
import secrets
import warnings
from pathlib import Path

from .checks import hidden_summary, verdict_lines, verdicts
from .messages import say


def write_atomic(path, text, durable=False, within=None):
    """Write text to path through a temporary file in the same folder and a rename.

    durable -- also flush it to disk first, so that it survives a power cut as well as a kill
    within  -- a folder above path (created if missing) below which nothing is followed: each
               folder between them is created or opened without following a link, and a link,
               file or folder already at path is replaced by the rename or refused, never
               written through. By default, path's own folder. OSError when refused.
    """
    path = Path(path)
    within = Path(within) if within is not None else path.parent
    within.mkdir(parents=True, exist_ok=True)
    folder = os.open(within, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for name in path.parent.relative_to(within).parts:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, dir_fd=folder)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
            os.close(folder)
            folder = inner
        _replace_in(folder, path.name, text.encode("utf-8"), durable)
    finally:
        os.close(folder)


def _replace_in(folder, name, data, durable):
    """Write data to a new temporary file in the folder (a descriptor) and rename it to name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        temporary = f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(temporary, flags, 0o666, dir_fd=folder)  # an ordinary file: the umask applies
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=folder)
        raise


GRADES = "grades.csv"  # the one file OUT holds beside the students' folders
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")  # Gradescope's, from least shown


def write_student(out, result):
    """OUT/<student>/results.json and feedback.html; OSError when OUT/<student> is a link or a file
    (nothing is written through it)."""
    folder = Path(out) / result.student
    write_atomic(
        folder / "results.json", json.dumps(gradescope(result), indent=1, ensure_ascii=False) + "\n", within=out
    )
    write_atomic(folder / "feedback.html", feedback_html(result), within=out)


def language_of(result):
    """The language the student reads: their notebook's edition's (the first edition's if unread)."""
    return result.submission.language or result.assignment.editions[0].language


def gradescope(result, hidden_visibility="after_published", execution_time=None, notes=(), extra_data=None):
    """The student's results in Gradescope's results.json format, in their edition's language.

    One scored test per exercise (always visible: its points, repairs, the public examples and
    how many hidden cases passed) and one unscored test per hidden case, whose details students
    see as hidden_visibility says (one of VISIBILITIES; by default once the grades are published).
    execution_time -- seconds the grading took, when known
    notes          -- more messages.Message for the overall output, after the notebook graded (lateness, ...)
    extra_data     -- a dict stored with the results (seen by instructors only)
    """
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {VISIBILITIES}, got {hidden_visibility!r}")
    assignment, language = result.assignment, language_of(result)
    catalog = assignment.catalog
    tests = []
    for number, (name, e) in enumerate(result.exercises.items(), start=1):
        exercise = assignment.exercises[name]
        hidden = [c for c in e.cases if not c.public]
        lines = _exercise_lines(e, [c for c in e.cases if c.public], catalog, language)
        if hidden:
            lines.append(hidden_summary(e, exercise.points, catalog, language))
            if hidden_visibility != "visible":
                lines.append(catalog.render(say("hidden_details_later"), language))
        tests.append(
            {
                "name": f"{exercise.marker} {name}",
                "number": str(number),
                "score": e.points,
                "max_score": exercise.points,
                "status": "passed" if e.points >= exercise.points else "failed",
                "output": "\n".join(lines),
                "visibility": "visible",
            }
        )
        for index, case in enumerate(hidden, start=1):
            title = say("hidden_case_test", marker=exercise.marker, name=name, number=index, title=case.title)
            tests.append(
                {
                    "name": catalog.render(title, language),
                    "number": f"{number}.{index}",
                    "status": "passed" if case.passed else "failed",
                    "output": "\n".join(verdict_lines([case], catalog, language)),
                    "visibility": hidden_visibility,
                }
            )
    results = {
        "score": result.total,
        "output": "\n".join(catalog.render(m, language) for m in (*_preamble(result), *notes)),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "stdout_visibility": "hidden",
        "visibility": "visible",
        "extra_data": {
            "student": result.student,
            "notebook": result.submission.shown,
            "language": language,
            "remarks": remarks(result),
            **(extra_data or {}),
        },
        "tests": tests,
    }
    if execution_time is not None:
        results["execution_time"] = round(execution_time, 2)
    return results


def _preamble(result):
    """Messages about the submission as a whole: the notebook graded, its notes, why it was not graded."""
    submission = result.submission
    found = [say("graded_file", notebook=submission.shown)]
    found += [say("note", text=note) for note in submission.notes]
    if submission.fatal:
        found.append(say("not_graded", text=submission.fatal))
    return found


def _exercise_lines(e, cases, catalog, language):
    """Text lines for an ExerciseResult: its notes, why it was not graded, the verdicts of cases."""
    lines = [catalog.render(say("note", text=note), language) for note in e.notes]
    if e.problem:
        lines.append(catalog.render(say("not_graded", text=e.problem), language))
    return lines + verdict_lines(cases, catalog, language)


def feedback_html(result):
    """A self-contained page for the student, in their edition's language: the score, each
    exercise, each case and why."""
    esc = html.escape
    assignment, language = result.assignment, language_of(result)
    catalog = assignment.catalog

    def text(message):
        return esc(catalog.render(message, language))

    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(language)}"><head><meta charset="utf-8">',
        f"<title>{text(say('feedback_title', assignment=assignment.name, student=result.student))}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
        ".pass{color:#1a7f37}.fail{color:#b42318}.note{color:#555}li ul{color:#333}"
        "code{background:#f3f3f3;padding:0 .2em}</style></head><body>",
        f"<h1>{text(say('feedback_heading', title=assignment.title_in(language), student=result.student))}</h1>",
        "<p>"
        + text(
            say(
                "feedback_score",
                notebook=result.submission.shown,
                points=result.total,
                max_points=assignment.max_points,
            )
        )
        + "</p>",
    ]
    if result.submission.notes or result.submission.fatal:
        parts.append("<ul>")
        parts += [f'<li class="note">{text(say("note", text=note))}</li>' for note in result.submission.notes]
        if result.submission.fatal:
            parts.append(f'<li class="fail">{text(say("not_graded", text=result.submission.fatal))}</li>')
        parts.append("</ul>")
    for name, e in result.exercises.items():
        exercise = assignment.exercises[name]
        heading = say(
            "exercise_heading", marker=exercise.marker, name=name, points=e.points, max_points=exercise.points
        )
        parts.append(f"<h2>{text(heading)}</h2><ul>")
        parts += [f'<li class="note">{text(say("note", text=note))}</li>' for note in e.notes]
        if e.problem:
            parts.append(f'<li class="fail">{text(say("not_graded", text=e.problem))}</li>')
        for verdict in verdicts(e.cases, catalog, language):
            details = "".join(f"<li>{esc(d)}</li>" for d in verdict.details)
            parts.append(
                f'<li class="{"pass" if verdict.passed else "fail"}">{esc(verdict.line)}'
                + (f"<ul>{details}</ul>" if details else "")
                + "</li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def columns(assignment):
    """The header of grades.csv."""
    return ["student_id", "name", *assignment.exercises, "score", "max_score", "late", "notebook", "remarks"]


def write_grades(out, assignment, results):
    """OUT/grades.csv: one row per student: the id and name the LMS gives (the name may be empty),
    the points of each exercise, the total, whether it was late, the notebook graded, remarks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns(assignment))
    for r in sorted(results, key=lambda r: r.student):
        writer.writerow(
            [
                r.student,
                r.submission.name or "",
                *(f"{e.points:g}" for e in r.exercises.values()),
                f"{r.total:g}",
                f"{assignment.max_points:g}",
                "yes" if r.submission.late else "",
                r.submission.shown,
                " | ".join(remarks(r)),
            ]
        )
    write_atomic(Path(out) / GRADES, buffer.getvalue(), durable=True, within=out)


def remarks(result):
    """What an instructor may want to look at, in English: unreadable files, repairs, exercises
    not graded, and exercises whose process did not finish (a time limit, a memory limit, a crash)."""
    catalog = result.assignment.catalog
    found = [catalog.render(note, "en") for note in result.submission.notes]
    if result.submission.fatal:
        return found + [catalog.render(result.submission.fatal, "en")]
    for name, e in result.exercises.items():
        found += [f"{name}: {catalog.render(note, 'en')}" for note in e.notes]
        for why in (e.problem, e.stopped):
            if why is not None:
                found.append(f"{name}: {catalog.render(why, 'en')}")
    return found


class GradebookError(RuntimeError):
    """The gradebook cannot take the scores (missing, or without the assignment)."""


def check_gradebook(path, assignment):
    """The database URL of the gradebook file at path, which must know assignment; GradebookError if not."""
    from nbgrader.api import Gradebook, MissingEntry

    path = Path(path).resolve()
    hint = (
        f"run `python -m autograder release {assignment.name}` "
        f"(or `nbgrader generate_assignment {assignment.name}`) first"
    )
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
    as `nbgrader autograde` would, so that `nbgrader export` has them, and write each student's
    autograded notebook beside the gradebook (formgrader.write_autograded), so that formgrader
    lists and opens every submission. Both editions of an assignment are one nbgrader
    assignment, with one notebook named after it."""
    from nbgrader.api import Gradebook

    from .formgrader import submitted_timestamp, write_autograded

    name, course_root = assignment.name, Path(path).resolve().parent
    with Gradebook(check_gradebook(path, assignment)) as gradebook, warnings.catch_warnings():
        # nbgrader's add_submission builds its rows in an order SQLAlchemy warns about; harmless, and
        # not the instructor's business
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for r in results:
            first, _, last = (r.submission.name or "").strip().rpartition(" ")
            gradebook.update_or_create_student(
                r.student, **({"first_name": first or None, "last_name": last} if last else {})
            )
            # formgrader shows a submission whose timestamp is that of submitted/.../timestamp.txt (or none)
            gradebook.update_or_create_submission(
                name, r.student, timestamp=submitted_timestamp(course_root, assignment, r.student)
            )
            for exercise, e in r.exercises.items():
                # the test cell under each graded cell has the grade id test_<name>
                grade = gradebook.find_grade(f"test_{exercise}", name, name, r.student)
                grade.auto_score = e.points
                grade.needs_manual_grade = grade.manual_score is not None or r.submission.fatal is not None
            gradebook.db.commit()
            write_autograded(course_root, r)
