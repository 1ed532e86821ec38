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
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import utils  # noqa: E402  (after the path is set)
from benchmarks import straightforward_rnn  # noqa: E402

LAST_COMPARED_ITERATION = 12000

# The log of the course's passing run (facts, section 2.4): loss and the 7 names per print step.
COURSE_LOG = {
    0: ("23.087336", "Nkzxwtdmfqoeyhsqwasjkjvu Kneb Kzxwtdmfqoeyhsqwasjkjvu Neb"
                     " Zxwtdmfqoeyhsqwasjkjvu Eb Xwtdmfqoeyhsqwasjkjvu"),
    2000: ("27.884160", "Liusskeomnolxeros Hmdaairus Hytroligoraurus Lecalosapaus Xusicikoraurus"
                        " Abalpsamantisaurus Tpraneronxeros"),
    4000: ("25.901815", "Mivrosaurus Inee Ivtroplisaurus Mbaaisaurus Wusichisaurus Cabaselachus"
                        " Toraperlethosdarenitochusthiamamumamaon"),
    6000: ("24.608779", "Onwusceomosaurus Lieeaerosaurus Lxussaurus Oma Xusteonosaurus Eeahosaurus"
                        " Toreonosaurus"),
    8000: ("24.070350", "Onxusichepriuon Kilabersaurus Lutrodon Omaaerosaurus Xutrcheps Edaksoje"
                        " Trodiktonus"),
    10000: ("23.844446", "Onyusaurus Klecalosaurus Lustodon Ola Xusodonia Eeaeosaurus"
                         " Troceosaurus"),
    12000: ("23.291971", "Onyxosaurus Kica Lustrepiosaurus Olaagrraiansaurus Yuspangosaurus"
                         " Eealosaurus Trognesaurus"),
}

# TEMPORARY: a stand-in for the instructor's solution cells (clip, sample, optimize, model),
# written from the facts file, until autograder.reference reaches this branch. It follows the
# same protocol, so it prints the same log; only the source notebook's copy is authoritative.
_STAND_IN_SOLUTIONS = '''
def clip(gradients, maxValue):
    names = ("dWaa", "dWax", "dWya", "db", "dby")
    return {name: np.clip(gradients[name], -maxValue, maxValue) for name in names}

def sample(parameters, char_to_ix, seed):
    Waa, Wax, Wya = parameters["Waa"], parameters["Wax"], parameters["Wya"]
    by, b = parameters["by"], parameters["b"]
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter, newline = [], -1, 0, char_to_ix["\\n"]
    while idx != newline and counter != 50:
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
        y = softmax(np.dot(Wya, a) + by)
        np.random.seed(counter + seed)
        idx = np.random.choice(vocab_size, p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(newline)
    return indices

def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]

def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
          vocab_size=27):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)]]
        Y = X[1:] + [char_to_ix["\\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            print("Iteration: %d, Loss: %f" % (j, loss) + "\\n")
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
                print(last_dino_name.replace("\\n", ""))
            print("\\n")
    return parameters, last_dino_name
'''


def solution_namespace(overrides=None):
    """A namespace with clip, sample, optimize and model on top of `from utils import *`.

    overrides -- {name: object} bound before the solutions are defined, e.g. the helpers
    TEMPORARY: to be replaced by `from autograder.reference import solution_namespace`.
    """
    namespace = {}
    exec("import numpy as np\nfrom utils import *", namespace)
    namespace.update(overrides or {})
    exec(_STAND_IN_SOLUTIONS, namespace)
    return namespace


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
    model = solution_namespace(overrides)["model"]
    out = io.StringIO()
    cpu, wall = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(out):
        model(names, ix_to_char, char_to_ix, iterations)
    return time.process_time() - cpu, time.perf_counter() - wall, out.getvalue()


def print_steps(log, last):
    """{iteration: (loss, names joined by spaces)} for the print steps up to last."""
    steps = {}
    for block in re.split(r"(?=Iteration: )", log)[1:]:
        head, *names = block.split("\n")
        iteration, loss = re.fullmatch(r"Iteration: (\d+), Loss: (\S+)", head).groups()
        if int(iteration) <= last:
            steps[int(iteration)] = (loss, " ".join(name for name in names if name))
    return steps


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
        print(f"  {clock:4s}  ours {ours:6.2f} s   straightforward {base:6.2f} s"
              f"   ratio {base / ours:4.2f}x")

    last = min(LAST_COMPARED_ITERATION, args.iterations - 1)
    ours, base = (print_steps(logs[name], last) for name in ("ours", "straightforward"))
    course = {j: step for j, step in COURSE_LOG.items() if j <= last}
    ok = ours == base and all(ours.get(j) == step for j, step in course.items())
    for j in sorted(set(ours) | set(base) | set(course)):
        if not ours.get(j) == base.get(j) == course.get(j, ours.get(j)):
            print(f"  iteration {j}: ours {ours.get(j)}, straightforward {base.get(j)},"
                  f" course {course.get(j)}")
    verdict = "identical, and the course's" if ok else "DIFFERENT"
    print(f"  logs through iteration {last}: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
