"""The times the Shakespeare notebook and the README state, measured: python -m benchmarks.notebook_times

Run from the repository root with the project's Python. Each run is a Restart & Run All of
notebooks/shakespeare_lstm.ipynb: a fresh kernel runs every cell, headless (nbclient), from the
notebook's folder, with the whole extra epoch and the default first line (no LSTM_* variable is
passed on). The script prints the whole run's wall time, the time of every cell that took a second
or more (the extra epoch is the cell `train`), and the time to write 400 characters that the poem
cell prints, with the median over the runs, the number of CPUs and the load average before and
after: the machine may be shared, and a time measured under load is a longer one.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.notebook_runner import cell_seconds

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "shakespeare_lstm.ipynb"


def restart_and_run_all():
    """Run the notebook once in a fresh kernel; returns (wall seconds, {cell id: seconds}, poem ms)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSTM_")}
    client = NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        record_timing=True,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    start = time.perf_counter()
    client.execute(env=env)
    wall = time.perf_counter() - start
    cells = {c.id: cell_seconds(c) for c in nb.cells if c.cell_type == "code"}
    poem = next(c for c in nb.cells if c.id == "poem")
    printed = "".join(o.get("text", "") for o in poem.outputs)
    return wall, cells, float(re.search(r"written in (\d+) ms", printed).group(1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of the whole notebook (the median is used)")
    args = parser.parse_args(argv)

    print(
        f"{NOTEBOOK.relative_to(ROOT)}, Restart & Run All x {args.repeats}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} at the start",
        flush=True,
    )
    runs = []
    for k in range(args.repeats):
        runs.append(restart_and_run_all())
        print(f"  run {k + 1}: {runs[-1][0]:.1f} s (load average {os.getloadavg()[0]:.2f})", flush=True)
    walls, cells, poems = zip(*runs)
    print(
        f"Restart & Run All: median {statistics.median(walls):.1f} s (each run: {', '.join(f'{w:.1f}' for w in walls)})"
    )
    for cell_id in cells[0]:
        times = [c[cell_id] for c in cells]
        if max(times) >= 1:
            print(
                f"  cell {cell_id:<16} median {statistics.median(times):6.1f} s "
                f"(each run: {', '.join(f'{t:.1f}' for t in times)})"
            )
    print(
        f"400 characters written in a median of {statistics.median(poems):.0f} ms "
        f"(each run: {', '.join(f'{p:.0f}' for p in poems)})"
    )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    sys.exit(main())
