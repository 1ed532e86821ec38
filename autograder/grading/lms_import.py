"""Files that put grades.csv's scores into an LMS: Canvas's gradebook and Moodle's grading worksheet.

Both start from a file the instructor exported from the LMS, so every column and row the LMS
expects is there as it wrote it, and only the assignment's grades change:
- Canvas: the gradebook CSV (Grades > Export). Its columns are Student, ID, SIS User ID, SIS
  Login ID, Section, then one column per assignment, "Title (assignment id)", then totals that
  Canvas computes; a row "Points Possible" may follow the header. The assignment's column is
  filled for each student whose ID (the Canvas user id, as in Canvas's download) is in
  grades.csv. Import it with Grades > Import.
- Moodle: the assignment's grading worksheet (View all submissions > Download grading
  worksheet). Its columns include Identifier ("Participant 123456", the participant id of
  Moodle's download), Full name, Grade, Maximum Grade, "Grade can be changed" and "Last
  modified (grade)". Grade is filled; the rest stays as Moodle wrote it. Upload it with "Upload
  grading worksheet".
When the LMS's points possible differ from the assignment's, the score is scaled to them.
Students of the roster without a grade keep their cell as it was; graded students whom the
roster lacks cannot be imported: both are reported, never dropped in silence.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

CANVAS_ASSIGNMENT_COLUMN = re.compile(r"(?P<title>.*\S)\s*\((?P<id>\d+)\)")
MOODLE_PARTICIPANT = re.compile(r"\D*(?P<id>\d+)")  # "Participant 123456", in any language Moodle speaks


class LmsFileError(ValueError):
    """The files cannot make an import file (a column is missing, a file is not what it claims)."""


@dataclass
class Outcome:
    """What an import file holds, for the instructor to check before uploading it."""

    filled: int = 0  # roster rows that got a grade
    scale: float = 1.0  # factor applied to the scores (the LMS's points possible / the assignment's)
    column: str = ""  # the column filled
    ungraded: list = field(default_factory=list)  # (id, name) of roster students without a grade
    unknown: list = field(default_factory=list)  # ids of graded students the roster lacks
    locked: list = field(default_factory=list)  # (id, name) whose grade the LMS will not let change


def read_grades(path):
    """{student_id: (score, max_score)} from the grader's grades.csv."""
    rows, _ = _read_rows(path)
    needed = ("student_id", "score", "max_score")
    if not rows or not set(needed) <= set(rows[0]):
        raise LmsFileError(f"{path}: not the grader's grades.csv (it needs the columns {', '.join(needed)})")
    student, score, maximum = (rows[0].index(name) for name in needed)
    return {row[student]: (float(row[score]), float(row[maximum])) for row in rows[1:] if row[student]}


def canvas(grades_csv, gradebook_csv, out, assignment, column=None):
    """Write out: Canvas's exported gradebook with the assignment's column filled; returns an Outcome.

    assignment -- the course.Assignment (its title or name finds the column)
    column     -- the column's exact header, when the title does not find it
    """
    grades = read_grades(grades_csv)
    rows, bom = _read_rows(gradebook_csv)
    header = rows[0] if rows else []
    for needed in ("Student", "ID"):
        if needed not in header:
            raise LmsFileError(f"{gradebook_csv}: not a Canvas gradebook export (no {needed!r} column)")
    index = _canvas_column(header, assignment, column, gradebook_csv)
    ids, students = header.index("ID"), header.index("Student")
    outcome = Outcome(column=header[index])
    possible = next((row[index] for row in rows[1:] if row[students].strip() == "Points Possible"), None)
    outcome.scale = _scale(possible, grades)
    on_roster = set()
    for row in rows[1:]:
        student = row[ids].strip() if len(row) > ids else ""
        if not student:  # Points Possible and the other rows that are not students
            continue
        on_roster.add(student)
        if student in grades:
            row[index] = _number(grades[student][0] * outcome.scale)
            outcome.filled += 1
        else:
            outcome.ungraded.append((student, row[students]))
    outcome.unknown = sorted(set(grades) - on_roster)
    _write_rows(out, rows, bom)
    return outcome


def _canvas_column(header, assignment, column, where):
    """The index of the assignment's column: the one named column, or whose title is the assignment's."""
    if column is not None:
        if column not in header:
            raise LmsFileError(f"{where}: no column {column!r}")
        return header.index(column)
    wanted = {assignment.title.casefold(), assignment.name.casefold(), assignment.name.replace("_", " ").casefold()}
    candidates = [i for i, name in enumerate(header) if CANVAS_ASSIGNMENT_COLUMN.fullmatch(name)]
    found = [i for i in candidates if CANVAS_ASSIGNMENT_COLUMN.fullmatch(header[i])["title"].casefold() in wanted]
    if len(found) != 1:
        listed = ", ".join(repr(header[i]) for i in candidates) or "none"
        raise LmsFileError(
            f"{where}: {'no' if not found else 'more than one'} assignment column is titled "
            f"{assignment.title!r} or {assignment.name!r}; pass --column with one of: {listed}"
        )
    return found[0]


def moodle(grades_csv, worksheet_csv, out):
    """Write out: Moodle's grading worksheet with the Grade column filled; returns an Outcome."""
    grades = read_grades(grades_csv)
    rows, bom = _read_rows(worksheet_csv)
    header = rows[0] if rows else []
    for needed in ("Identifier", "Grade"):
        if needed not in header:
            raise LmsFileError(f"{worksheet_csv}: not a Moodle grading worksheet (no {needed!r} column)")
    identifier, grade = header.index("Identifier"), header.index("Grade")
    name = header.index("Full name") if "Full name" in header else identifier
    maximum = header.index("Maximum Grade") if "Maximum Grade" in header else None
    changeable = header.index("Grade can be changed") if "Grade can be changed" in header else None
    outcome = Outcome(column="Grade")
    on_roster = set()
    for row in rows[1:]:
        match = MOODLE_PARTICIPANT.match(row[identifier]) if len(row) > identifier else None
        if match is None:
            continue
        student = match["id"]
        on_roster.add(student)
        if student not in grades:
            outcome.ungraded.append((student, row[name]))
            continue
        if changeable is not None and row[changeable].strip().lower() in ("no", "nein", "non", "否"):
            outcome.locked.append((student, row[name]))
            continue
        outcome.scale = _scale(row[maximum] if maximum is not None else None, grades)
        row[grade] = f"{grades[student][0] * outcome.scale:.2f}"
        outcome.filled += 1
    outcome.unknown = sorted(set(grades) - on_roster)
    _write_rows(out, rows, bom)
    return outcome


def _scale(possible, grades):
    """The LMS's points possible over the assignment's (1 when the LMS gives none)."""
    try:
        points = float(possible)
    except (TypeError, ValueError):
        return 1.0
    maxima = {maximum for _, maximum in grades.values()}
    return points / maxima.pop() if len(maxima) == 1 and points > 0 else 1.0


def _number(value):
    return f"{round(value, 2):g}"


def _read_rows(path):
    """(rows, whether the file began with a byte order mark), read as the LMS wrote them."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LmsFileError(f"{path}: {error.strerror}") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LmsFileError(f"{path}: not UTF-8 text; export the file again as CSV (UTF-8)") from None
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row], bom


def _write_rows(path, rows, bom):
    from .report import write_atomic

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    write_atomic(path, ("\ufeff" if bom else "") + buffer.getvalue(), durable=True)
