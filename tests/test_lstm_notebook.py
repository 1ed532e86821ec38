"""The Shakespeare notebook: committed clean, and runs headless top to bottom from its folder.

The full run trains a shortened epoch (LSTM_EPOCH_BATCHES) and writes from a prompt given in
LSTM_PROMPT that is long, upper-case and full of characters the model does not know. Shorter
runs of the first cells check the other ways in: no prompt and no stdin, the course folder as
the working directory, and a folder where the course cannot be found.
"""

import re
from pathlib import Path

import nbformat
import pytest

from tests.notebook_runner import execute, text_of

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "shakespeare_lstm.ipynb"
WEIRD_PROMPT = "SHALL I COMPARE THEE TO A SUMMER\u2019S DAY? \u201cThou art more lovely\u201d \u2014 and 42 \U0001f339"


def run(cell_ids=None, cwd=NOTEBOOK.parent, env=None, allow_errors=False):
    """Execute the notebook (or only the cells with the given ids) in a fresh kernel.

    env -- environment variables for the kernel (see tests.notebook_runner.execute)
    Returns {cell id: everything the cell printed or displayed as text, and its error}.
    """
    nb = nbformat.read(NOTEBOOK, as_version=4)
    if cell_ids is not None:
        nb.cells = [c for c in nb.cells if c.id in cell_ids]
    done = execute(nb, cwd, allow_errors=allow_errors, env=env, timeout=120)
    return {c.id: text_of(c) for c in done.cells if c.cell_type == "code"}


@pytest.fixture(scope="module")
def full_run():
    return run(env={"LSTM_EPOCH_BATCHES": "3", "LSTM_PROMPT": WEIRD_PROMPT})


def test_committed_notebook_has_no_outputs_and_meaningful_unique_ids():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", i) for i in ids), ids


def test_one_cell_step_shows_its_shapes(full_run):
    out = full_run["cell-step"]
    assert "x_t (38, 3)  h_t (5, 3)  c_t (5, 3)" in out
    assert out.rstrip().endswith("c_t = i * g: True")


def test_gradient_checks_print_small_relative_errors(full_run):
    cell = [float(e) for e in re.findall(r"relative error (\S+)", full_run["cell-gradcheck"])]
    assert len(cell) == 6  # x_t, h_prev, c_prev, Wx, Wh, b
    model = [float(e) for e in re.findall(r"relative error (\S+)", full_run["gradcheck"])]
    assert len(model) == 16  # eight weight arrays, without and with dropout
    assert max(cell + model) < 1e-7


def test_shipped_model_is_loaded_and_compared_with_the_baseline(full_run):
    out = full_run["load"]
    assert "validation loss of the LSTM" in out and "n-gram baseline" in out


def test_the_epoch_is_shortened_by_the_environment_variable(full_run):
    assert "trained on 3 batches" in full_run["train"]
    before_after = r"validation loss: \d\.\d{4} before this epoch, \d\.\d{4} after"
    assert re.search(before_after, full_run["train"])


def test_a_hostile_prompt_writes_a_poem_with_a_note_for_every_change(full_run):
    assert WEIRD_PROMPT in full_run["prompt"] or repr(WEIRD_PROMPT) in full_run["prompt"]
    out = full_run["poem"]
    notes = [line for line in out.splitlines() if line.startswith("note: ")]
    assert len(notes) == 4, out
    assert "upper case was lowered" in notes[0]
    for typed, plain in (("\u2019", "'"), ("\u201c", "'"), ("\u201d", "'"), ("\u2014", "-")):
        assert f"{typed!r} -> {plain!r}" in notes[1]
    assert "dropped characters the model does not know: '24\U0001f339'" in notes[2]
    assert "the model reads the last 40" in notes[3]
    assert "the model reads: " + repr("er's day? 'thou art more lovely' - and  ") in out
    assert "400 characters written" in out


def test_four_temperatures_are_shown(full_run):
    out = full_run["temperatures"]
    for t in ("0.2", "0.5", "1.0", "1.2"):
        assert f"----- temperature {t} -----" in out


def test_without_a_person_or_a_prompt_the_default_line_is_used():
    out = run(["setup", "imports", "prompt"])
    assert "first line: 'Forsooth this maketh no sense '" in out["prompt"]


def test_setup_works_from_the_course_folder():
    out = run(["setup", "imports", "data"], cwd=ROOT)
    assert "31412 windows in the whole text" in out["data"]


def test_setup_says_where_it_looked_when_the_course_is_missing(tmp_path):
    out = run(["setup"], cwd=tmp_path, allow_errors=True)
    assert "FileNotFoundError" in out["setup"] and "utils/lstm.py is neither in" in out["setup"]
