"""What it costs to take grades where instructors keep them: the Gradescope bundle and the LMS files.

    python benchmarks/bench_grades_out.py [--students 200] [--repeats 5] [--skip-gradescope]

Measures, each as the median of --repeats runs:
- building the Gradescope bundle (`python -m autograder gradescope`, in a fresh process);
- one run of the bundle's run_autograder on a solved notebook, as Gradescope runs it (the bundle
  extracted and set up once with its own setup.sh, which installs the pins with pip), side by
  side with `python -m autograder grade` on the same notebook, whose difference is what the
  Gradescope wrapper adds;
- the LMS work for a class of --students: finding the students in Canvas's download (the LMS's
  ids, the latest of several files, litter set aside) against the same notebooks as a plain
  nbgrader tree, and filling Canvas's gradebook export and Moodle's grading worksheet from
  grades.csv; per student. Grading itself is left out: benchmarks/bench_grader.py measures it.
The machine's load disturbs single runs; the medians are what to compare.
"""

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from autograder.grading import intake, lms_import  # noqa: E402
from tests.submissions import DINO, solutions, submission  # noqa: E402


def median_seconds(run, repeats):
    """The median wall time of repeats calls of run()."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def command(*args, env=None, cwd=ROOT):
    done = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done


def gradescope(scratch, repeats):
    zip_path = scratch / "autograder.zip"
    build, _ = median_seconds(
        lambda: command(sys.executable, "-m", "autograder", "gradescope", DINO.name, str(zip_path)), repeats
    )
    root = scratch / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():
            os.chmod(root / "source" / info.filename, info.external_attr >> 16)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    started = time.perf_counter()
    command("bash", str(root / "source" / "setup.sh"), env=dict(os.environ, AUTOGRADER_ROOT=str(root)))
    setup = time.perf_counter() - started
    (root / "submission").mkdir()
    nbformat.write(submission(solved=tuple(solutions())), root / "submission" / f"{DINO.name}.ipynb")
    environment = {"PATH": os.environ["PATH"], "AUTOGRADER_ROOT": str(root)}
    run, runs = median_seconds(lambda: command(str(root / "run_autograder"), env=environment, cwd=root), repeats)
    local = scratch / "local" / "student"
    local.mkdir(parents=True)
    shutil.copy(root / "submission" / f"{DINO.name}.ipynb", local)
    grade, grades = median_seconds(
        lambda: command(
            sys.executable,
            "-m",
            "autograder",
            "grade",
            DINO.name,
            str(local.parent),
            "--out",
            str(scratch / "out"),
            "--jobs",
            "2",
        ),
        repeats,
    )
    print(
        f"Gradescope bundle: built in {build:.2f} s ({zip_path.stat().st_size / 2**20:.1f} MB); setup.sh "
        f"{setup:.0f} s (once, when Gradescope builds the image)"
    )
    print(
        f"run_autograder on a solved notebook: {run:.2f} s (runs {', '.join(f'{t:.2f}' for t in runs)}); "
        f"`autograder grade` on the same notebook: {grade:.2f} s (runs {', '.join(f'{t:.2f}' for t in grades)}); "
        f"ratio {run / grade:.2f}"
    )


def canvas_download(folder, students, notebooks):
    """A Canvas download of students: every fifth has handed in twice, one in ten late, plus litter."""
    members = {}
    for n in range(students):
        user, name = 10000 + n, f"student{n:03d}"
        members[f"{name}_{user}_{6000000 + 2 * n}_{DINO.name}.ipynb"] = notebooks[n % len(notebooks)]
        if n % 5 == 0:
            late = "_LATE" if n % 10 == 0 else ""
            members[f"{name}{late}_{user}_{6000001 + 2 * n}_{DINO.name}-1.ipynb"] = notebooks[(n + 1) % len(notebooks)]
    members["readme.txt"] = b"downloaded from Canvas"
    path = folder / "canvas.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def nbgrader_tree(folder, students, notebooks):
    path = folder / "nbgrader.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(students):
            archive.writestr(f"student{n:03d}/{DINO.name}/{DINO.name}.ipynb", notebooks[n % len(notebooks)])
    return path


def lms(scratch, students, repeats):
    notebooks = [nbformat.writes(submission(solved=solved)).encode() for solved in ((), ("clip",), tuple(solutions()))]
    canvas, tree = canvas_download(scratch, students, notebooks), nbgrader_tree(scratch, students, notebooks)

    def discover(archive):
        with tempfile.TemporaryDirectory(dir=scratch) as unpacked:
            found = intake.discover(archive, unpacked, DINO)
            assert len(found.submissions) == students, (found.layout, len(found.submissions))

    canvas_time, _ = median_seconds(lambda: discover(canvas), repeats)
    tree_time, _ = median_seconds(lambda: discover(tree), repeats)
    grades = scratch / "grades.csv"
    with open(grades, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "name", *DINO.exercises, "score", "max_score", "late", "notebook", "remarks"])
        for n in range(students):
            writer.writerow([10000 + n, f"student{n:03d}", 2, 3, 0, 0, 5, 12, "", "x.ipynb", ""])
    export, worksheet = io.StringIO(), io.StringIO()
    csv.writer(export).writerows(
        [
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{DINO.title} (4321)", "Current Points"],
            ["    Points Possible", "", "", "", "", "100", "(read only)"],
        ]
        + [[f"Student {n}", 10000 + n, f"S{n}", f"s{n}", "Sec 1", "", "0"] for n in range(students)]
    )
    csv.writer(worksheet).writerows(
        [
            [
                "Identifier",
                "Full name",
                "Email address",
                "Status",
                "Grade",
                "Maximum Grade",
                "Grade can be changed",
                "Last modified (submission)",
                "Last modified (grade)",
                "Feedback comments",
            ]
        ]
        + [
            [
                f"Participant {10000 + n}",
                f"Student {n}",
                f"s{n}@x.edu",
                "Submitted for grading",
                "",
                "12.00",
                "Yes",
                "-",
                "-",
                "",
            ]
            for n in range(students)
        ]
    )
    (scratch / "export.csv").write_text(export.getvalue())
    (scratch / "worksheet.csv").write_text(worksheet.getvalue())
    fill_canvas, _ = median_seconds(
        lambda: lms_import.canvas(grades, scratch / "export.csv", scratch / "import.csv", DINO), repeats
    )
    fill_moodle, _ = median_seconds(
        lambda: lms_import.moodle(grades, scratch / "worksheet.csv", scratch / "upload.csv"), repeats
    )
    per = 1000 / students
    print(
        f"{students} students, finding them: Canvas download {canvas_time:.2f} s ({canvas_time * per:.1f} ms a "
        f"student), the same notebooks as an nbgrader tree {tree_time:.2f} s ({tree_time * per:.1f} ms a student); "
        f"ratio {canvas_time / tree_time:.2f}"
    )
    print(
        f"{students} students, import files: Canvas gradebook {fill_canvas * 1000:.1f} ms "
        f"({fill_canvas * per * 1000:.0f} µs a student), Moodle worksheet {fill_moodle * 1000:.1f} ms "
        f"({fill_moodle * per * 1000:.0f} µs a student)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-gradescope", action="store_true", help="leave out the bundle (its setup.sh uses pip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grades-out-") as scratch:
        scratch = Path(scratch)
        lms(scratch, args.students, args.repeats)
        if not args.skip_gradescope:
            gradescope(scratch, args.repeats)


if __name__ == "__main__":
    main()
