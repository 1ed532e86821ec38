"""Benchmark: the student's model() on utils.rnn against the straightforward helpers.

    python benchmarks/bench_rnn.py [--iterations 22001] [--repeats 3]

Runs the reference model (clip, sample, optimize, model) on dinos.txt twice per repeat, once
with our rnn_forward / rnn_backward / update_parameters and once with the straightforward ones
in benchmarks/straightforward_rnn.py, alternating so that a slow spell of a shared machine
hits both. Prints the median times and their ratio, for the CPU time of this process (what to
quote: other processes on a shared machine disturb it far less than the wall clock) and for
the wall clock. Then checks that both runs printed
the same log (loss and sampled names) at every print step through iteration 12000, and that
it is the course's log (facts, section 2.4). Exit status 1 if a log differs.

Later iterations are not compared: the training is chaotic, so a different but equally
correct order of floating-point sums changes the names after ~12000 iterations.
"""

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import utils  # noqa: E402  (after the path is set)
from autograder.assignments.dinosaur_island.published_log import (  # noqa: E402
    LAST_PORTABLE_ITERATION,
    PUBLISHED_LOG,
    training_log,
)
from autograder.course import assignment  # noqa: E402
from autograder.grading.reference import solution_namespace  # noqa: E402
from benchmarks import straightforward_rnn  # noqa: E402

HELPERS = {
    "ours": None,  # the names `from utils import *` binds
    "straightforward": {
        "initialize_parameters": straightforward_rnn.initialize_parameters,
        "rnn_forward": straightforward_rnn.rnn_forward,
        "rnn_backward": straightforward_rnn.rnn_backward,
        "update_parameters": straightforward_rnn.update_parameters,
    },
}


def train(overrides, iterations, names, char_to_ix, ix_to_char):
    """(CPU seconds, wall seconds, printed log) of one model() run with the given helpers."""
    model = solution_namespace(assignment("dinosaur_island"), overrides)["model"]
    out = io.StringIO()
    cpu, wall = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(out):
        model(names, ix_to_char, char_to_ix, iterations)
    return time.process_time() - cpu, time.perf_counter() - wall, out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=22001)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    text = utils.load_corpus("dinos.txt")
    _, char_to_ix, ix_to_char = utils.build_vocabulary(text)
    names = text.split("\n")

    times = {name: {"cpu": [], "wall": []} for name in HELPERS}
    logs = {}
    for repeat in range(args.repeats):
        # Alternate the order too, so neither side always runs first (warm caches, turbo).
        order = list(HELPERS) if repeat % 2 == 0 else list(HELPERS)[::-1]
        for name in order:
            cpu, wall, log = train(HELPERS[name], args.iterations, names, char_to_ix, ix_to_char)
            times[name]["cpu"].append(cpu)
            times[name]["wall"].append(wall)
            logs.setdefault(name, log)

    print(f"model({args.iterations}) on dinos.txt, {args.repeats} runs each, medians:")
    for clock in ("cpu", "wall"):
        ours, base = (statistics.median(times[name][clock]) for name in ("ours", "straightforward"))
        print(f"  {clock:4s}  ours {ours:6.2f} s   straightforward {base:6.2f} s   ratio {base / ours:4.2f}x")

    last = min(LAST_PORTABLE_ITERATION, args.iterations - 1)
    ours, base = (training_log(logs[name], last) for name in ("ours", "straightforward"))
    course = {j: step for j, step in PUBLISHED_LOG.items() if j <= last}
    ok = ours == base and all(ours.get(j) == step for j, step in course.items())
    for j in sorted(set(ours) | set(base) | set(course)):
        if not ours.get(j) == base.get(j) == course.get(j, ours.get(j)):
            print(f"  iteration {j}: ours {ours.get(j)}, straightforward {base.get(j)}, course {course.get(j)}")
    verdict = "identical, and the course's" if ok else "DIFFERENT"
    print(f"  logs through iteration {last}: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
