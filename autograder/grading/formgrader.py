"""What nbgrader's formgrader needs to show the project's grader's work: an autograded notebook.

formgrader lists a submission, and opens it, only when the notebook
<course>/autograded/<student>/<assignment>/<assignment>.ipynb exists beside the gradebook and the
gradebook's timestamp of the submission is the one of <course>/submitted/<student>/<assignment>/
timestamp.txt (none when there is no such file). write_autograded() writes that notebook for one
StudentResult: the student's own notebook, its nbgrader metadata restored where an editor
dropped it (nbgrader_metadata.restore), a test cell for each exercise (the release's, put back
after the graded cell where the student deleted it), and in each test cell's output the grader's
verdicts for the exercise, in the student's language, and its points. Nothing in it runs: it is
the record of what the grader did, on which formgrader's manual grading and comments work.

A file that could not be read as a notebook becomes the release's notebook with a first cell
that says so, so that the instructor sees the reason where the submission should be.
"""

import copy
from pathlib import Path

import nbformat

from .checks import hidden_summary, verdict_lines
from .messages import say
from .nbgrader_metadata import grade_id_of, release_notebook, restore
from .notebooks import NotANotebook, read_cells


def autograded_path(course_root, assignment, student):
    """Where formgrader looks for the autograded notebook of a student."""
    return Path(course_root) / "autograded" / student / assignment.name / f"{assignment.name}.ipynb"


def submitted_timestamp(course_root, assignment, student):
    """The text of nbgrader's submitted/<student>/<assignment>/timestamp.txt, or None without one."""
    path = Path(course_root) / "submitted" / student / assignment.name / "timestamp.txt"
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def write_autograded(course_root, result):
    """Write the autograded notebook of a StudentResult under course_root; returns its path."""
    from .report import language_of, write_atomic

    assignment, language = result.assignment, language_of(result)
    catalog = assignment.catalog
    release = copy.deepcopy(release_notebook(assignment.edition(language).notebook))
    nb = _student_notebook(result, release, catalog, language)
    restore(nb, assignment)
    for name, exercise in assignment.exercises.items():
        e = result.exercises[name]
        cell = _test_cell(nb, release, name)
        lines = [catalog.render(say("note", text=note), language) for note in e.notes]
        if e.problem:
            lines.append(catalog.render(say("not_graded", text=e.problem), language))
        lines += verdict_lines(e.cases, catalog, language)
        summary = hidden_summary(e, exercise.points, catalog, language)
        if summary:
            lines.append(summary)
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": f"{e.points:g}"}, execution_count=None),
        ]
    path = autograded_path(course_root, assignment, result.student)
    write_atomic(path, nbformat.writes(nb), within=Path(course_root) / "autograded")  # no link below it followed
    return path


def _student_notebook(result, release, catalog, language):
    """The student's notebook as nbformat reads it; the release with the reason when it cannot be read."""
    submission = result.submission
    if submission.fatal is None:
        try:
            read_cells(submission.path)  # the lenient reader said yes; nbformat may still say no
            return nbformat.read(submission.path, as_version=4)
        except (NotANotebook, OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    reason = submission.fatal or say("file_problem", file=submission.shown, problem=say("unforeseen", error="nbformat"))
    release.cells.insert(0, nbformat.v4.new_markdown_cell(catalog.render(say("not_graded", text=reason), language)))
    return release


def _test_cell(nb, release, exercise):
    """The test cell (grade id test_<exercise>) of nb; the release's, put back after the graded
    cell (or at the end), when the student deleted it."""
    wanted = f"test_{exercise}"
    for cell in nb.cells:
        if grade_id_of(cell) == wanted:
            return cell
    cell = copy.deepcopy(next(c for c in release.cells if grade_id_of(c) == wanted))
    after = next((i for i, c in enumerate(nb.cells) if grade_id_of(c) == exercise), len(nb.cells) - 1)
    nb.cells.insert(after + 1, cell)
    return cell
