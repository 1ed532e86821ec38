"""How long a student waits: Restart & Run All of the solved release notebook, and its training cell.

    .venv/bin/python benchmarks/bench_notebook.py [--runs N] [--language en|zh-CN]

Runs the released notebook, with the instructor's solution typed into its graded cells, in a
fresh kernel from a copy of its release folder (what Kernel → Restart Kernel and Run All Cells
does), N times, and prints the wall-clock time of each run (kernel start included) and the time
of the "Train it" cell (22001 iterations), from the timestamps Jupyter records for each cell.
The notebook states the range; on a shared machine the fastest run is the closest to an idle one.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.notebook_runner import cell_seconds, execute  # noqa: E402
from tests.submissions import DINO, solutions, submission  # noqa: E402


def run_once(language):
    """(seconds of the whole run, seconds of the training cell)."""
    with tempfile.TemporaryDirectory(prefix="bench-notebook-") as scratch:
        folder = Path(scratch) / DINO.name
        shutil.copytree(DINO.edition(language).release_dir, folder)
        nb = submission(solved=solutions(), language=language)
        start = time.perf_counter()
        done = execute(nb, folder)
        total = time.perf_counter() - start
    train = next(c for c in done.cells if c.get("id") == "train")
    return total, cell_seconds(train)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--language", default="en")
    args = parser.parse_args(argv)
    totals, trains = [], []
    for i in range(args.runs):
        total, train = run_once(args.language)
        totals.append(total)
        trains.append(train)
        print(f"run {i + 1}: Restart & Run All {total:.1f} s, of which the training cell {train:.1f} s")
    print(
        f"of {args.runs} runs: Restart & Run All {min(totals):.1f} to {max(totals):.1f} s (median "
        f"{statistics.median(totals):.1f}), training cell {min(trains):.1f} to {max(trains):.1f} s (median "
        f"{statistics.median(trains):.1f}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
