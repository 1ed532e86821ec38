"""One epoch of the Shakespeare LSTM: our numpy code against the same model in PyTorch.

    python -m benchmarks.bench_lstm [--threads 1 2] [--batch-sizes 128 32] [--repeats 1]

run from the repository root with the project's Python. Each measurement runs in a fresh
process with its thread count set before numpy or torch is loaded: an epoch of the 31412
windows (shuffled, dropout 0.5, Adam), timed, with the process's peak resident memory during
the epoch. Batches of 128 are the original Keras setting; 32 is what utils/train_lstm.py and
the notebook use. numpy and PyTorch alternate, so a change of load on the machine hits both,
and the script prints the ratio numpy / PyTorch for every thread count and batch size.
It also times writing 400 characters with utils.lstm.generate.

PyTorch is never a dependency of the project: the first run creates benchmarks/.venv-torch
(gitignored) and installs torch==2.13.0 (CPU) and this numpy's version into it; the PyTorch
side runs with that interpreter.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TORCH_VENV = ROOT / "benchmarks" / ".venv-torch"
TORCH_PYTHON = TORCH_VENV / "bin" / "python"
TORCH_VERSION = "2.13.0"


def torch_python():
    """The benchmark venv's interpreter, after creating the venv and installing torch if needed."""
    check = [str(TORCH_PYTHON), "-c", f"import torch; assert torch.__version__.startswith('{TORCH_VERSION}')"]
    if TORCH_PYTHON.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return TORCH_PYTHON
    import numpy

    print(f"creating {TORCH_VENV.relative_to(ROOT)} with torch=={TORCH_VERSION} (once)", flush=True)
    venv.create(TORCH_VENV, with_pip=True)
    subprocess.run(
        [
            str(TORCH_PYTHON),
            "-m",
            "pip",
            "install",
            "--quiet",
            f"torch=={TORCH_VERSION}",
            f"numpy=={numpy.__version__}",
        ],
        check=True,
    )
    return TORCH_PYTHON


def run_worker(python, framework, threads, batch_size):
    """Run one measurement in a fresh process; returns its JSON result as a dict."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    out = subprocess.run(
        [
            str(python),
            "-m",
            "benchmarks.bench_lstm",
            "--worker",
            framework,
            "--threads",
            str(threads),
            "--batch-sizes",
            str(batch_size),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# -----------------------------------------------------------------------------------------
# inside a worker process


def reset_peak_memory():
    """Make the kernel forget this process's peak resident memory so far (Linux >= 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


def memory_mb(field):
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def windows():
    """All 31412 training windows of the Sonnets, and the vocabulary size."""
    from utils.lstm import build_windows, encode
    from utils.text import build_vocabulary, load_corpus

    text = load_corpus("shakespeare.txt")
    chars, char_to_ix, _ = build_vocabulary(text)
    X, Y = build_windows(encode(text, char_to_ix))
    return X, Y, len(chars)


def numpy_epoch(X, Y, vocab_size, batch_size):
    """Time one epoch of utils.lstm, as the notebook trains it; returns (seconds, mean batch loss)."""
    import numpy as np

    from utils.lstm import Adam, initialize_parameters
    from utils.train_lstm import train_epoch

    parameters = initialize_parameters(vocab_size)
    optimizer = Adam(parameters)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    losses = train_epoch(parameters, optimizer, X, Y, rng, batch_size)
    return time.perf_counter() - start, sum(losses) / len(losses)


def torch_epoch(X, Y, vocab_size, batch_size):
    """Time one epoch of the same model built from torch.nn; returns (seconds, mean batch loss)."""
    import torch
    from torch import nn

    class StackedLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm1 = nn.LSTM(vocab_size, 128, batch_first=True)
            self.lstm2 = nn.LSTM(128, 128, batch_first=True)
            self.dropout = nn.Dropout(0.5)
            self.dense = nn.Linear(128, vocab_size)

        def forward(self, x):
            h1, _ = self.lstm1(x)
            h2, _ = self.lstm2(self.dropout(h1))
            return self.dense(self.dropout(h2[:, -1]))  # softmax is inside the loss

    torch.manual_seed(0)
    model = StackedLSTM()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    losses = []
    start = time.perf_counter()
    order = torch.randperm(len(X))
    for s in range(0, len(X), batch_size):
        batch = order[s : s + batch_size]
        x = nn.functional.one_hot(X[batch], vocab_size).float()
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), Y[batch])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return time.perf_counter() - start, sum(losses) / len(losses)


def generation_ms():
    """Best of 5 and median time, in ms, to write 400 characters with the shipped model."""
    import numpy as np

    from utils.lstm import generate, load_model
    from utils.train_lstm import MODEL_PATH

    parameters, chars = load_model(MODEL_PATH)
    times = []
    for seed in range(5):
        start = time.perf_counter()
        generate(parameters, chars, "Forsooth this maketh no sense ", 400, 1.0, np.random.default_rng(seed))
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def worker(framework, threads, batch_size):
    X, Y, vocab_size = windows()
    if framework == "torch":
        import torch

        torch.set_num_threads(threads)
    rss_before = memory_mb("VmRSS")
    reset_peak_memory()
    epoch = numpy_epoch if framework == "numpy" else torch_epoch
    seconds, loss = epoch(X, Y, vocab_size, batch_size)
    result = {"seconds": seconds, "loss": loss, "rss_before_mb": rss_before, "peak_mb": memory_mb("VmHWM")}
    if framework == "numpy":
        result["generate_ms"] = generation_ms()
    print(json.dumps(result))


# -----------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="thread counts to compare")
    parser.add_argument(
        "--batch-sizes",
        type=int,
        nargs="+",
        default=[128, 32],
        help="batch sizes to compare (128: the original's; 32: our training's)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="epochs timed per framework, thread count and batch size (the median is used)",
    )
    parser.add_argument("--worker", choices=["numpy", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.threads[0], args.batch_sizes[0])

    pythons = {"numpy": Path(sys.executable), "torch": torch_python()}
    print(
        f"one epoch = 31412 windows of 40 characters; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} at the start"
    )
    for batch_size in args.batch_sizes:
        for threads in args.threads:
            results = {"numpy": [], "torch": []}
            for _ in range(args.repeats):
                for framework in ("numpy", "torch"):
                    results[framework].append(run_worker(pythons[framework], framework, threads, batch_size))
            seconds = {fw: statistics.median(r["seconds"] for r in rs) for fw, rs in results.items()}
            print(f"\nbatches of {batch_size}, {threads} thread{'s' if threads > 1 else ''}:")
            for fw, rs in results.items():
                each = ", ".join(f"{r['seconds']:.1f}" for r in rs)
                peak = max(r["peak_mb"] for r in rs)
                growth = max(r["peak_mb"] - r["rss_before_mb"] for r in rs)
                print(
                    f"  {fw:<6} epoch {seconds[fw]:6.1f} s (each run: {each}; mean batch loss "
                    f"{rs[0]['loss']:.3f}); peak memory {peak:.0f} MiB, {growth:.0f} MiB above the "
                    "process before the epoch"
                )
            ratio = seconds["numpy"] / seconds["torch"]
            print(f"  ratio numpy / PyTorch: {ratio:.2f} (target <= 1.5)")
    best, median = results["numpy"][0]["generate_ms"]
    print(f"\nnumpy: 400 characters generated in {best:.1f} ms (best of 5), median {median:.1f} ms (target <= 50 ms)")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    sys.exit(main())
