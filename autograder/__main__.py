"""Command line of the course tools: `python -m autograder COMMAND ...`."""

import argparse
import sys
import time


def _positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make_release = commands.add_parser(
        "release", help="refresh the generated parts of the sources and regenerate release/ with nbgrader",
        description="Refresh the generated parts of each source notebook (points, Colab cells) and write the "
                    "release of every edition with nbgrader.")
    make_release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                              help="the assignments to release (default: all of the course)")
    make_release.add_argument("--root", help="write the releases under this course root instead of the repository")
    grade = commands.add_parser(
        "grade", help="grade submitted notebooks: isolated, in parallel, robust to broken notebooks",
        description="Grade every notebook of ASSIGNMENT in SUBMISSIONS and write OUT/grades.csv, and per student "
                    "OUT/<student>/results.json (Gradescope's format) and feedback.html.")
    grade.add_argument("assignment", nargs="?", metavar="ASSIGNMENT",
                       help="the assignment graded (may be left out when the course has only one)")
    grade.add_argument("submissions", metavar="SUBMISSIONS",
                       help="nbgrader's <student>/<assignment>/*.ipynb tree, a folder of .ipynb files, or a .zip of either")
    grade.add_argument("--out", required=True, metavar="OUT", help="folder for the results (created if missing)")
    grade.add_argument("--jobs", type=_positive(int), metavar="N", help="exercises graded at once (default: the number of cores)")
    grade.add_argument("--timeout", type=_positive(float), default=None, metavar="S",
                       help="seconds each exercise of a submission may run (default: 60)")
    grade.add_argument("--memory", type=_positive(int), default=None, metavar="MB",
                       help="memory each exercise of a submission may allocate (default: 1024)")
    grade.add_argument("--gradebook", metavar="PATH", help="also record the scores in this nbgrader gradebook.db")
    bundle = commands.add_parser(
        "gradescope", help="write the autograder zip to upload to Gradescope",
        description="Write ZIP, the autograder of ASSIGNMENT for Gradescope: setup.sh, run_autograder, the grader, "
                    "the releases, the cases and the source notebook. Upload it as the assignment's autograder.")
    bundle.add_argument("assignment", nargs="?", metavar="ASSIGNMENT",
                        help="the assignment (may be left out when the course has only one)")
    bundle.add_argument("zip", metavar="ZIP", help="the zip file to write")
    bundle.add_argument("--hidden-visibility", default="after_published",
                        choices=("hidden", "after_due_date", "after_published", "visible"),
                        help="when students see the details of each hidden case (default: after_published, once "
                             "you publish the grades); an exercise's points are always shown")
    bundle.add_argument("--timeout", type=_positive(float), default=60.0, metavar="S",
                        help="seconds each exercise of a submission may run (default: 60)")
    bundle.add_argument("--memory", type=_positive(int), default=512, metavar="MB",
                        help="memory each exercise of a submission may allocate (default: 512, for Gradescope's "
                             "default 768 MB container)")
    bundle.add_argument("--jobs", type=_positive(int), default=2, metavar="N",
                        help="exercises graded at once (default: 2)")
    args = parser.parse_args(argv)

    from .course import CourseError

    try:
        if args.command == "release":
            return _release_command(args)
        if args.command == "gradescope":
            return _gradescope_command(args)
        return _grade_command(args)
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _release_command(args):
    from . import course
    from .authoring import colab, release

    chosen = [course.assignment(name) for name in args.assignments] or list(course.assignments().values())
    for assignment in chosen:
        for problem in release.prepare_sources(assignment):
            print(f"warning: {assignment.name}: {problem}", file=sys.stderr)
    release.prepare_colab_notebooks()
    if not colab.repository_is_set():
        print(f"note: REPOSITORY in autograder/course.py is {course.REPOSITORY!r}, not a GitHub repository yet: "
              "the Open in Colab badges and the Colab setup cell work once it names yours", file=sys.stderr)
    for assignment in chosen:
        folders = release.generate(assignment, args.root)
        print(f"{assignment.name}: released to " + ", ".join(str(folder) for folder in folders))
    return 0


def _grade_command(args):
    from . import course
    from .grading import grader, intake, report, sandbox

    assignment = course.assignment(args.assignment)
    started = time.monotonic()
    jobs = args.jobs or grader.default_jobs()
    try:
        results = grader.grade_submissions(assignment, args.submissions, args.out, jobs=jobs,
                                           timeout=args.timeout or grader.DEFAULT_TIMEOUT,
                                           memory=args.memory or grader.DEFAULT_MEMORY, gradebook=args.gradebook,
                                           progress=True)
    except (intake.Unreadable, sandbox.SandboxError, report.GradebookError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    unread = sum(r.submission.fatal is not None for r in results)
    mean = sum(r.total for r in results) / len(results) if results else 0
    print(f"{assignment.name}: graded {len(results)} notebooks in {time.monotonic() - started:.1f} s with {jobs} "
          f"jobs: {len(results) - unread} read, {unread} unreadable; mean score {mean:.2f} of "
          f"{assignment.max_points:g}; results in {args.out}")
    return 0


def _gradescope_command(args):
    from . import course
    from .gradescope import bundle

    assignment = course.assignment(args.assignment)
    started = time.monotonic()
    try:
        path = bundle.build(assignment, args.zip, hidden_visibility=args.hidden_visibility, timeout=args.timeout,
                            memory=args.memory, jobs=args.jobs)
    except (bundle.BundleError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{assignment.name}: wrote {path} ({path.stat().st_size / 2**20:.1f} MB) in {time.monotonic() - started:.1f} s; "
          "upload it as the autograder of a Gradescope programming assignment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
