"""The project's grader against stock `nbgrader autograde`, on the same 100 submissions.

    python benchmarks/bench_grader.py [--count 100] [--skip-nbgrader]

Builds a mixed class from the release notebook (tests/corpus.py): mostly honest work (solved
in several styles, partial, stubs, wrong answers that the public tests let through),
plus a few that the two graders score differently by design (metadata stripped by an editor,
tampering that fools nbgrader, a wrong clip that nbgrader's public optimize test cascades into).
Both graders run end to end, as an instructor runs them: `python -m autograder grade` in a
fresh process, and `nbgrader autograde` on a course with the assignment already generated.
Prints both times, the ratio, the grader's overhead per submission, and whether the scores
agree on the honest submissions. Takes several minutes, nearly all of it nbgrader's.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# nbgrader's kernels and the grader's processes import this repository's autograder, whatever
# copy the environment has installed
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

from autograder import release  # noqa: E402
from autograder.course import ASSIGNMENT, EXERCISES  # noqa: E402
from tests.corpus import CHEAP, CORPUS, Entry, notebook, solved  # noqa: E402
from tests.submissions import edited  # noqa: E402

# (kind, how many in 100, do the two graders agree by design?)
MIX = [
    ("solved", 30, True),
    ("other_styles", 10, True),
    ("half", 15, True),
    ("three_of_four", 10, True),
    ("untouched", 10, True),
    ("optimize_ignores_the_learning_rate", 5, True),
    ("sample_assumes_27_characters", 5, True),
    ("no_metadata", 3, False),  # nbgrader finds no graded cell: 0
    ("clip_keeps_extra_keys", 2, False),  # nbgrader's optimize test uses the student's clip
    ("wrong_clip_right_rest", 3, False),  # the same
    ("patches_numpy", 3, False),  # nbgrader is fooled
    ("input_transformer", 2, False),  # nbgrader is fooled
    ("clip_misses_a_bound", 2, False),  # the public test fails, so nbgrader gives the cell 0
]
KINDS = {
    **CORPUS,
    "three_of_four": Entry(notebook(solved(*CHEAP)), {}),
    "optimize_ignores_the_learning_rate": Entry(notebook(solved(*EXERCISES, optimize=edited(
        "optimize", "update_parameters(parameters, gradients, learning_rate)", "update_parameters(parameters, gradients, 0.01)"))), {}),
    "sample_assumes_27_characters": Entry(
        notebook(solved(*EXERCISES, sample=edited("sample", "np.random.choice(vocab_size,", "np.random.choice(27,"))), {}),
}


def build_class(folder, count):
    """count submissions in nbgrader's layout, the kinds of MIX in proportion; {student: agrees}."""
    kinds = [(kind, agrees) for kind, n, agrees in MIX for _ in range(n)]
    students = {}
    for i in range(count):
        kind, agrees = kinds[i * len(kinds) // count]
        student = f"s{i:03d}_{kind}"
        (folder / student / ASSIGNMENT).mkdir(parents=True)
        KINDS[kind].write(folder / student / ASSIGNMENT)
        students[student] = agrees
    return students


def time_grader(submissions, out):
    """Seconds and {student: {exercise: points}} of `python -m autograder grade`."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submissions), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"the grader failed:\n{done.stderr}")
    with open(out / "grades.csv", newline="") as f:
        return seconds, {r["student_id"]: {e: float(r[e]) for e in EXERCISES} for r in csv.DictReader(f)}


def time_nbgrader(submissions, course):
    """Seconds of `nbgrader autograde` and {student: {exercise: points}} from its gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    course.mkdir()
    started = time.perf_counter()
    release.generate(course)
    print(f"  nbgrader generate_assignment (once per course, not counted): {time.perf_counter() - started:.1f} s")
    shutil.copytree(submissions, course / "submitted")
    started = time.perf_counter()
    release.run_nbgrader(["autograde", ASSIGNMENT, "--force"], course)  # rc 1 when a kernel died: still done
    seconds = time.perf_counter() - started
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in sorted(p.name for p in submissions.iterdir()):
            scores[student] = {}
            for name in EXERCISES:
                try:
                    grade = gb.find_grade(f"test_{name}", ASSIGNMENT, ASSIGNMENT, student)
                    scores[student][name] = float(grade.score or 0)
                except MissingEntry:
                    scores[student][name] = 0.0
    return seconds, scores


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100, help="submissions in the class (default 100)")
    parser.add_argument("--skip-nbgrader", action="store_true", help="time the project's grader only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        students = build_class(scratch / "class", args.count)
        stubs = scratch / "stubs"
        for i in range(args.count):
            (stubs / f"stub{i:03d}" / ASSIGNMENT).mkdir(parents=True)
            CORPUS["untouched"].write(stubs / f"stub{i:03d}" / ASSIGNMENT)
        small = scratch / "few_stubs"
        for student in sorted(stubs.iterdir())[:10]:
            shutil.copytree(student, small / student.name)

        print(f"{args.count} submissions, {os.cpu_count()} cores")
        ours, our_scores = time_grader(scratch / "class", scratch / "out")
        print(f"  python -m autograder grade:   {ours:7.1f} s  ({ours / args.count * 1000:.0f} ms per submission)")
        many, _ = time_grader(stubs, scratch / "out_stubs")
        few, _ = time_grader(small, scratch / "out_few")
        overhead = (many - few) / (args.count - 10)
        print(f"  grader overhead: {overhead * 1000:.0f} ms per submission (machinery only: stubs whose cases "
              f"fail at once), {few - 10 * overhead:.1f} s per run (start-up, expected values)")
        if args.skip_nbgrader:
            return
        theirs, nbgrader_scores = time_nbgrader(scratch / "class", scratch / "course")
        print(f"  nbgrader autograde:           {theirs:7.1f} s  ({theirs / args.count * 1000:.0f} ms per submission)")
        print(f"  ratio: the project's grader is {theirs / ours:.1f}x faster")

        honest = [s for s, agrees in students.items() if agrees]
        differ = [s for s in honest if our_scores[s] != nbgrader_scores[s]]
        print(f"  scores: identical on {len(honest) - len(differ)} of {len(honest)} honest submissions")
        for student in differ:
            print(f"    {student}: grader {our_scores[student]}, nbgrader {nbgrader_scores[student]}")
        by_design = [s for s, agrees in students.items() if not agrees]
        print(f"  where they differ by design ({len(by_design)} submissions):")
        for kind in sorted({s.split("_", 1)[1] for s in by_design}):
            s = next(s for s in by_design if s.endswith(kind))
            print(f"    {kind}: grader {sum(our_scores[s].values()):g}, nbgrader {sum(nbgrader_scores[s].values()):g}")


if __name__ == "__main__":
    main()
