"""Grading one Gradescope submission inside Gradescope's container (the bundle's run_autograder).

`python -m autograder.gradescope.run` grades what the student handed in, in
AUTOGRADER_ROOT/submission/ (default /autograder), with the project's grader, and writes
AUTOGRADER_ROOT/results/results.json (report.gradescope: Gradescope's full schema, in the
language of the student's edition). Any notebook name is accepted: the one named after the
assignment is preferred, then the first in name order; a .zip is opened; the results say which
file was graded and which were not. When AUTOGRADER_ROOT/submission_metadata.json is there, the
submission time is compared with the due date and a late submission is said to be late (its
score is left alone: Gradescope applies late penalties, if any).

A submission that cannot be graded (no notebook, a broken file) gets results.json with 0 points
and the reason. A grader that cannot run (a broken bundle, a machine without the isolation the
grader needs) writes no results, exits with status 1 and says why on stderr: Gradescope then
shows the instructor that the autograder failed, rather than a student a wrong 0.
"""

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from .. import course
from ..grading import grader, intake, report, sandbox
from ..grading.messages import say
from .bundle import DEFAULTS, SETTINGS

STUDENT = "submission"  # the one student's folder, so that files are named as under /autograder/submission


def isolation():
    """(keyword arguments of grade_submissions that choose the isolation, the mode (one of
    sandbox.MODES), why not a stronger one or None).

    The one place that chooses how student code is isolated in Gradescope's container, which
    runs as root and may forbid namespaces: the strongest isolation available there
    (sandbox.strongest_isolation), said in the output and in the results.
    """
    mode, why = sandbox.strongest_isolation()
    return {"allow_weaker": True}, mode, why


def lateness(metadata):
    """Messages about when the submission came in, from submission_metadata.json (a dict): late
    if its created_at is after the assignment's due_date. Empty when on time or unknown."""
    try:
        submitted = datetime.fromisoformat(metadata["created_at"])
        due = datetime.fromisoformat(metadata["assignment"]["due_date"])
    except (KeyError, TypeError, ValueError):
        return []
    if submitted <= due:
        return []
    minutes = int((submitted - due).total_seconds() // 60)
    return [say("late_by", hours=minutes // 60, minutes=minutes % 60, due=due.isoformat(timespec="minutes"))]


def stage(submission, into):
    """Copy the student's files from submission into into/STUDENT, opening each .zip into a folder
    named after it; returns into. A zip that cannot be opened is left as it is (and ignored)."""
    student = Path(into) / STUDENT
    if Path(submission).is_dir():
        shutil.copytree(submission, student, symlinks=True)
    else:
        student.mkdir(parents=True)  # nothing handed in: graded as a folder without a notebook
    for archive in sorted(student.rglob("*.zip")):
        folder = archive.with_name(archive.name + ".contents")
        folder.mkdir()
        try:
            intake.extract(archive, folder)
        except intake.Unreadable:
            shutil.rmtree(folder)
            continue
        archive.unlink()
        folder.rename(archive)  # the zip's files now appear under its own name: "work.zip/notebook.ipynb"
    return Path(into)


def main(root=None):
    """Grade AUTOGRADER_ROOT/submission and write results/results.json; returns the exit status."""
    started = time.monotonic()
    root = Path(root or os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    source = Path(__file__).resolve().parent.parent.parent
    settings = {**DEFAULTS, **json.loads((source / SETTINGS).read_text(encoding="utf-8"))}
    assignment = course.assignment(settings["assignment"])
    metadata = _metadata(root / "submission_metadata.json")
    arguments, mode, why = isolation()
    print(
        f"{assignment.name}: grading {root / 'submission'}; student code runs in {sandbox.describe(mode)}"
        + (f" ({why})" if why else "")
    )
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        staged = stage(root / "submission", Path(scratch) / "in")
        try:
            batch = grader.grade_submissions(
                assignment,
                staged,
                Path(scratch) / "out",
                jobs=settings["jobs"],
                timeout=settings["timeout"],
                memory=settings["memory"],
                **arguments,
            )
        except Exception as error:  # the grader itself failed: no results, and the instructor sees why
            print(
                f"error: the autograder could not grade this submission: {type(error).__name__}: {error}",
                file=sys.stderr,
            )
            return 1
    [result] = batch.results
    late = lateness(metadata)
    results_json = report.gradescope(
        result,
        hidden_visibility=settings["hidden_visibility"],
        execution_time=time.monotonic() - started,
        notes=late + [say("isolation", how=say(f"isolation_{mode}"))],
        extra_data={
            "late": bool(late),
            "users": [u.get("id") for u in metadata.get("users", []) if isinstance(u, dict)],
        },
    )
    report.write_atomic(
        root / "results" / "results.json", json.dumps(results_json, indent=1, ensure_ascii=False) + "\n"
    )
    print(
        f"{assignment.name}: {result.submission.shown}: {result.total:g} of {assignment.max_points:g} points "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 0


def _metadata(path):
    """submission_metadata.json as a dict; empty when it is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


if __name__ == "__main__":
    sys.exit(main())
