"""Command line of the course tools: `python -m autograder COMMAND ...`."""

import argparse
import sys
import time
from pathlib import Path


def _positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _timestamp(text):
    from datetime import datetime

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date and time like 2026-11-30T23:59: {text!r}") from None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make_release = commands.add_parser(
        "release",
        help="refresh the generated parts of the sources and regenerate release/ with nbgrader",
        description="Refresh the generated parts of each source notebook (points, Colab cells) and write the "
        "release of every edition with nbgrader.",
    )
    make_release.add_argument(
        "assignments", nargs="*", metavar="ASSIGNMENT", help="the assignments to release (default: all of the course)"
    )
    make_release.add_argument("--root", help="write the releases under this course root instead of the repository")
    grade = commands.add_parser(
        "grade",
        help="grade submitted notebooks: isolated, in parallel, robust to broken notebooks",
        description="Grade every notebook of ASSIGNMENT in SUBMISSIONS and write OUT/grades.csv, and per student "
        "OUT/<student>/results.json (Gradescope's format) and feedback.html.",
    )
    grade.add_argument(
        "assignment",
        nargs="?",
        metavar="ASSIGNMENT",
        help="the assignment graded (may be left out when the course has only one)",
    )
    grade.add_argument(
        "submissions",
        metavar="SUBMISSIONS",
        help="nbgrader's <student>/<assignment>/*.ipynb tree, a folder of .ipynb files, or a .zip of either",
    )
    grade.add_argument("--out", required=True, metavar="OUT", help="folder for the results (created if missing)")
    grade.add_argument(
        "--jobs", type=_positive(int), metavar="N", help="exercises graded at once (default: the number of cores)"
    )
    grade.add_argument(
        "--timeout",
        type=_positive(float),
        default=None,
        metavar="S",
        help="seconds each exercise of a submission may run (default: 60)",
    )
    grade.add_argument(
        "--memory",
        type=_positive(int),
        default=None,
        metavar="MB",
        help="memory each exercise of a submission may allocate (default: 1024)",
    )
    grade.add_argument(
        "--gradebook",
        metavar="PATH",
        help="also record the scores in this nbgrader gradebook.db, and the autograded notebooks "
        "beside it for formgrader",
    )
    grade.add_argument(
        "--allow-weaker-isolation",
        action="store_true",
        help="where namespaces (bwrap) are not available, grade all the same with weaker isolation "
        "(as root: a uid of its own per fork server; else only an audit hook); said at the start "
        "and in the summary",
    )
    grade.add_argument(
        "--due",
        type=_timestamp,
        metavar="TIME",
        help="the due date, like 2026-11-30T23:59 or 2026-11-30T23:59-08:00: submissions handed in "
        "later, by the time the LMS or nbgrader recorded, are marked late",
    )
    bundle = commands.add_parser(
        "gradescope",
        help="write the autograder zip to upload to Gradescope",
        description="Write ZIP, the autograder of ASSIGNMENT for Gradescope: setup.sh, run_autograder, the grader, "
        "the releases, the cases and the source notebook. Upload it as the assignment's autograder.",
    )
    bundle.add_argument(
        "assignment",
        nargs="?",
        metavar="ASSIGNMENT",
        help="the assignment (may be left out when the course has only one)",
    )
    bundle.add_argument("zip", metavar="ZIP", help="the zip file to write")
    bundle.add_argument(
        "--hidden-visibility",
        default="after_published",
        choices=("hidden", "after_due_date", "after_published", "visible"),
        help="when students see the details of each hidden case (default: after_published, once "
        "you publish the grades); an exercise's points are always shown",
    )
    bundle.add_argument(
        "--timeout",
        type=_positive(float),
        default=60.0,
        metavar="S",
        help="seconds each exercise of a submission may run (default: 60)",
    )
    bundle.add_argument(
        "--memory",
        type=_positive(int),
        default=512,
        metavar="MB",
        help="memory each exercise of a submission may allocate (default: 512, for Gradescope's "
        "default 768 MB container)",
    )
    bundle.add_argument(
        "--jobs", type=_positive(int), default=2, metavar="N", help="exercises graded at once (default: 2)"
    )
    upload = commands.add_parser(
        "lms-import",
        help="fill the gradebook file an LMS exported with grades.csv, to import it back",
        description="Write OUT: EXPORTED (Canvas's gradebook export, or Moodle's grading worksheet of the assignment) "
        "with the assignment's grades from GRADES (the grader's grades.csv) filled in. Students missing "
        "from either file are reported.",
    )
    upload.add_argument("lms", choices=("canvas", "moodle"), help="the LMS that exported EXPORTED")
    upload.add_argument(
        "assignment",
        nargs="?",
        metavar="ASSIGNMENT",
        help="the assignment (may be left out when the course has only one)",
    )
    upload.add_argument("grades", metavar="GRADES", help="the grader's OUT/grades.csv")
    upload.add_argument("exported", metavar="EXPORTED", help="the CSV the LMS exported")
    upload.add_argument("--out", required=True, metavar="OUT", help="the CSV to write, to import into the LMS")
    upload.add_argument(
        "--column", help="Canvas: the header of the assignment's column, when its title does not find it"
    )
    publish = commands.add_parser(
        "publish",
        help="write the student edition: the folder students get, pushed as a repository of its own",
        description="Write into DIR the student edition: the released notebooks of every assignment (every "
        "edition), or of those named, the optional notebooks, the files they need, a student README, "
        "requirements.txt, .gitignore and JupyterLab settings; no solution, hidden case, test or grade. "
        "The Colab badges and setup cells point at OWNER/NAME. Files of DIR that are not part of the "
        "edition are kept.",
    )
    publish.add_argument("dir", metavar="DIR", help="the folder to write, outside this repository (created if missing)")
    publish.add_argument(
        "assignments",
        nargs="*",
        metavar="ASSIGNMENT",
        help="the assignments to publish (default: all of the course, and the optional notebooks)",
    )
    publish.add_argument(
        "--repository", required=True, metavar="OWNER/NAME", help="the GitHub repository students open the edition from"
    )
    publish.add_argument("--branch", default="main", metavar="B", help="its branch (default: main)")
    publish.add_argument(
        "--reveal-answers-of",
        action="append",
        default=[],
        metavar="ASSIGNMENT",
        help="an assignment that is due, whose answers a later assignment's helper code may give away "
        "(without it, publishing such helper code is refused); repeat for several",
    )
    args = parser.parse_args(argv)

    from .course import CourseError

    try:
        if args.command == "release":
            return _release_command(args)
        if args.command == "gradescope":
            return _gradescope_command(args)
        if args.command == "lms-import":
            return _lms_import_command(args)
        if args.command == "publish":
            return _publish_command(args)
        return _grade_command(args)
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _release_command(args):
    from . import course
    from .authoring import release

    chosen = [course.assignment(name) for name in args.assignments] or list(course.assignments().values())
    for assignment in chosen:
        for problem in release.prepare_sources(assignment):
            print(f"warning: {assignment.name}: {problem}", file=sys.stderr)
    release.prepare_colab_notebooks()
    for assignment in chosen:
        folders = release.generate(assignment, args.root)
        print(f"{assignment.name}: released to " + ", ".join(str(folder) for folder in folders))
    return 0


def _publish_command(args):
    from . import course
    from .authoring import colab, publish

    try:
        site = colab.student_site(args.repository, args.branch)
        chosen = [course.assignment(name) for name in args.assignments] or None
        revealed = [course.assignment(name).name for name in args.reveal_answers_of]
        changes = publish.publish(args.dir, site, chosen, revealed)
    except (ValueError, OSError) as error:  # PublishError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 1
    for kind in ("added", "updated"):
        for name in getattr(changes, kind):
            print(f"{kind}: {name}")
    for name in changes.others:
        print(f"kept: {name} (not part of the student edition)")
    for name, files in changes.given_away.items():
        print(f"note: {', '.join(files)} hold the answers of {name}, which you said is due")
    print(
        f"{args.dir}: the student edition for {site.repository} ({site.branch}): {len(changes.added)} files "
        f"added, {len(changes.updated)} updated, {len(changes.unchanged)} unchanged, {len(changes.others)} others "
        "kept. Review it, then commit and push it from there."
    )
    return 0


def _grade_command(args):
    from . import course
    from .grading import grader, intake, report, sandbox

    assignment = course.assignment(args.assignment)
    started = time.monotonic()
    jobs = args.jobs or grader.default_jobs()
    mode, why = sandbox.strongest_isolation()
    if why:
        print(f"warning: {why}: student code can run only in {sandbox.describe(mode)}", file=sys.stderr)
    try:
        batch = grader.grade_submissions(
            assignment,
            args.submissions,
            args.out,
            jobs=jobs,
            timeout=args.timeout or grader.DEFAULT_TIMEOUT,
            memory=args.memory or grader.DEFAULT_MEMORY,
            gradebook=args.gradebook,
            progress=True,
            due=args.due,
            allow_weaker=args.allow_weaker_isolation,
        )
    except (intake.Unreadable, sandbox.SandboxError, report.GradebookError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    results = batch.results
    for name in batch.ignored:
        print(f"note: ignored {name}: it belongs to no student of the {batch.layout} layout", file=sys.stderr)
    unread = sum(r.submission.fatal is not None for r in results)
    late = sum(r.submission.late for r in results)
    mean = sum(r.total for r in results) / len(results) if results else 0
    print(
        f"{assignment.name}: graded {len(results)} students ({batch.layout} layout) in "
        f"{time.monotonic() - started:.1f} s with {jobs} jobs: {len(results) - unread} read, {unread} unreadable, "
        f"{late} late, {len(batch.ignored)} files ignored; mean score {mean:.2f} of {assignment.max_points:g}; "
        f"results in {args.out}; student code ran in {sandbox.describe(batch.isolation)}"
    )
    return 0


def _gradescope_command(args):
    from . import course
    from .gradescope import bundle

    assignment = course.assignment(args.assignment)
    started = time.monotonic()
    try:
        path = bundle.build(
            assignment,
            args.zip,
            hidden_visibility=args.hidden_visibility,
            timeout=args.timeout,
            memory=args.memory,
            jobs=args.jobs,
        )
    except (bundle.BundleError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"{assignment.name}: wrote {path} ({path.stat().st_size / 2**20:.1f} MB) in "
        f"{time.monotonic() - started:.1f} s; upload it as the autograder of a Gradescope programming assignment"
    )
    return 0


def _lms_import_command(args):
    from . import course
    from .grading import lms_import

    assignment = course.assignment(args.assignment)
    if Path(args.out).resolve() == Path(args.exported).resolve():
        print("error: --out must not be the exported file: keep the LMS's own copy", file=sys.stderr)
        return 2
    try:
        if args.lms == "canvas":
            outcome = lms_import.canvas(args.grades, args.exported, args.out, assignment, args.column)
        else:
            outcome = lms_import.moodle(args.grades, args.exported, args.out)
    except lms_import.LmsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for student, name in outcome.ungraded:
        print(
            f"warning: {student} ({name}) is on the roster but has no grade in {args.grades}: left as it was",
            file=sys.stderr,
        )
    for student in outcome.unknown:
        print(
            f"warning: {student} has a grade in {args.grades} but is not on the roster of {args.exported}: "
            "not imported",
            file=sys.stderr,
        )
    for student, name in outcome.locked:
        print(f"warning: {student} ({name}): the LMS does not let this grade change: left as it was", file=sys.stderr)
    scaled = "" if outcome.scale == 1 else f", scaled by {outcome.scale:g} to the LMS's points possible"
    print(
        f"{args.out}: {outcome.filled} grades in column {outcome.column!r}{scaled}; {len(outcome.ungraded)} roster "
        f"students without a grade, {len(outcome.unknown)} graded students not on the roster, "
        f"{len(outcome.locked)} locked"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
