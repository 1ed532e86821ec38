"""The project's grader against stock `nbgrader autograde`, on the same 100 submissions.

    python benchmarks/bench_grader.py [--count 100] [--skip-nbgrader]

Builds a mixed class from the release notebook (tests/corpus.py): mostly honest work (solved
in several styles, partial, stubs, wrong answers that the public tests let through, notebooks
whose metadata an editor stripped), plus a few that the two graders score differently by design
(tampering that fools nbgrader, a wrong clip that nbgrader's public optimize test cascades into).
Both graders run end to end, as an instructor runs them: `python -m autograder grade` in a
fresh process, and `nbgrader autograde` on a course with the assignment already generated.
Prints both times (wall, and the CPU time of every process each started, which the load of a
shared machine disturbs less), the ratio, the grader's overhead per submission, and whether
the scores agree on the honest submissions. Takes several minutes, nearly all of it nbgrader's.
"""

import argparse
import csv
import os
import resource
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

from autograder.authoring import release  # noqa: E402
from autograder.grading import sandbox  # noqa: E402
from tests.corpus import CHEAP, CORPUS, Entry, notebook, solved  # noqa: E402
from tests.submissions import DINO, edited  # noqa: E402

ASSIGNMENT, EXERCISES = DINO.name, DINO.exercises

# (kind, how many in 100, do the two graders agree by design?)
MIX = [
    ("solved", 30, True),
    ("other_styles", 10, True),
    ("half", 15, True),
    ("three_of_four", 10, True),
    ("untouched", 10, True),
    ("optimize_ignores_the_learning_rate", 5, True),
    ("sample_assumes_27_characters", 5, True),
    ("no_metadata", 3, True),  # nbgrader restores the metadata (nbgrader_metadata.RestoreMetadata)
    ("clip_keeps_extra_keys", 2, False),  # nbgrader's optimize test uses the student's clip
    ("wrong_clip_right_rest", 3, False),  # the same
    ("patches_numpy", 3, False),  # nbgrader is fooled
    ("input_transformer", 2, False),  # nbgrader is fooled
    ("clip_misses_a_bound", 2, False),  # the public test fails, so nbgrader gives the cell 0
]
KINDS = {
    **CORPUS,
    "three_of_four": Entry(notebook(solved(*CHEAP)), {}),
    "optimize_ignores_the_learning_rate": Entry(
        notebook(
            solved(
                *EXERCISES,
                optimize=edited(
                    "optimize",
                    "update_parameters(parameters, gradients, learning_rate)",
                    "update_parameters(parameters, gradients, 0.01)",
                ),
            )
        ),
        {},
    ),
    "sample_assumes_27_characters": Entry(
        notebook(solved(*EXERCISES, sample=edited("sample", "np.random.choice(vocab_size,", "np.random.choice(27,"))),
        {},
    ),
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


def timed(run):
    """(wall seconds, CPU seconds of the processes it started, run's result) of run()."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    result = run()
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), result


def grade_with_grader(submissions, out, weaker=False):
    """{student: {exercise: points}} from `python -m autograder grade`, run in a fresh process.

    weaker -- grade without namespaces (bwrap hidden from PATH, --allow-weaker-isolation): what
              the namespaces themselves cost shows against the default
    """
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable)) if weaker else None
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            ASSIGNMENT,
            str(submissions),
            "--out",
            str(out),
            *(["--allow-weaker-isolation"] if weaker else []),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        sys.exit(f"the grader failed:\n{done.stderr}")
    with open(out / "grades.csv", newline="") as f:
        return {r["student_id"]: {e: float(r[e]) for e in EXERCISES} for r in csv.DictReader(f)}


def grade_with_nbgrader(submissions, course):
    """{student: {exercise: points}} from `nbgrader autograde` on course (assignment generated)."""
    from nbgrader.api import Gradebook, MissingEntry

    release.run_nbgrader(["autograde", ASSIGNMENT, "--force"], course)  # rc 1 when a kernel died: still done
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
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100, help="submissions in the class (default 100)")
    parser.add_argument("--skip-nbgrader", action="store_true", help="time the project's grader only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        students = build_class(scratch / "class", args.count)
        stubs, few = scratch / "stubs", scratch / "few_stubs"
        for i in range(args.count):
            for folder in [stubs] + ([few] if i < 10 else []):
                (folder / f"stub{i:03d}" / ASSIGNMENT).mkdir(parents=True)
                CORPUS["untouched"].write(folder / f"stub{i:03d}" / ASSIGNMENT)
        print(f"{args.count} submissions, {os.cpu_count()} cores; wall seconds (CPU seconds of all processes)")
        if sandbox.strongest_isolation()[0] == "namespaces":
            # bwrap's init in the pid namespace does not pass its descendants' CPU time up to us
            print("  note: the grader's CPU seconds leave out what runs in bwrap's namespaces: compare wall times")

        # The grader runs three times: twice before nbgrader and once after, so that a change
        # in the machine's load during the long nbgrader run shows; the median counts.
        runs = [timed(lambda: grade_with_grader(scratch / "class", scratch / "out")) for _ in range(2)]
        many = timed(lambda: grade_with_grader(stubs, scratch / "out"))
        some = timed(lambda: grade_with_grader(few, scratch / "out"))
        overhead = [(m - s) / (args.count - 10) for m, s in zip(many[:2], some[:2])]
        print(
            f"  grader overhead per submission (stubs, whose cases fail at once): {overhead[0] * 1000:.0f} ms "
            f"({overhead[1] * 1000:.0f} ms CPU); per run: {some[0] - 10 * overhead[0]:.1f} s"
        )
        if os.geteuid() == 0:  # without namespaces, root still runs children under a uid of their own
            weaker = [
                timed(lambda folder=folder: grade_with_grader(folder, scratch / "out", weaker=True))
                for folder in (stubs, few)
            ]
            per = [(m - s) / (args.count - 10) for m, s in zip(weaker[0][:2], weaker[1][:2])]
            print(
                f"  the same without namespaces (children under their own uid): {per[0] * 1000:.0f} ms "
                f"({per[1] * 1000:.0f} ms CPU) per submission; per run: {weaker[1][0] - 10 * per[0]:.1f} s; "
                f"namespaces minus that: {(overhead[0] - per[0]) * 1000:+.0f} ms per submission, "
                f"{(some[0] - 10 * overhead[0]) - (weaker[1][0] - 10 * per[0]):+.1f} s per run"
            )
        if args.skip_nbgrader:
            wall, cpu, _ = runs[0]
            print(f"  python -m autograder grade: {wall:6.1f} s ({cpu:.1f} s CPU)")
            return
        course = scratch / "course"
        course.mkdir()
        setup = timed(lambda: release.generate(DINO, course))
        shutil.copytree(scratch / "class", course / "submitted")
        theirs, their_cpu, nbgrader_scores = timed(lambda: grade_with_nbgrader(scratch / "class", course))
        runs.append(timed(lambda: grade_with_grader(scratch / "class", scratch / "out")))
        ours, our_cpu, our_scores = sorted(runs)[1]
        print(
            f"  python -m autograder grade: {ours:6.1f} s ({our_cpu:.1f} s CPU), the median of "
            + ", ".join(f"{r[0]:.1f}" for r in runs)
        )
        print(
            f"  nbgrader autograde:         {theirs:6.1f} s ({their_cpu:.1f} s CPU), after generate_assignment "
            f"({setup[0]:.1f} s, once per course, not counted)"
        )
        print(
            f"  ratio: the project's grader is {theirs / ours:.1f}x faster ({their_cpu / our_cpu:.1f}x less CPU); "
            f"per submission {ours / args.count * 1000:.0f} ms against {theirs / args.count * 1000:.0f} ms"
        )

        honest = [s for s, agrees in students.items() if agrees]
        differ = [s for s in honest if our_scores[s] != nbgrader_scores[s]]
        print(f"  scores: identical on {len(honest) - len(differ)} of {len(honest)} honest submissions")
        for student in differ:
            print(f"    {student}: grader {our_scores[student]}, nbgrader {nbgrader_scores[student]}")
        by_design = [s for s, agrees in students.items() if not agrees]
        print(f"  where they differ by design ({len(by_design)} submissions), total points:")
        for kind in sorted({s.split("_", 1)[1] for s in by_design}):
            s = next(s for s in by_design if s.endswith(kind))
            print(f"    {kind}: grader {sum(our_scores[s].values()):g}, nbgrader {sum(nbgrader_scores[s].values()):g}")


if __name__ == "__main__":
    main()
