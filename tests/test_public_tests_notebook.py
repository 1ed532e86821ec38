"""The public tests in the released notebooks, as a student runs them (Restart & Run All).

Correct answers in other styles than the solution's (other names, other loops) run the whole
notebook clean, every cell after them included; wrong answers fail their test cells with
tracebacks that end in the student's cells, never in utils/public_tests.py, and in the Chinese
edition the checks speak Chinese.
"""

import re
import shutil

import pytest

from tests.mistakes import MISTAKES, STYLES
from tests.notebook_runner import execute, text_of
from tests.submissions import DINO, edited, solutions, submission

pytestmark = pytest.mark.slow  # each runs a whole notebook in a kernel


def _styled(exercise, number=0):
    source = solutions()[exercise]
    for old, new in STYLES[exercise][number]:
        source = source.replace(old, new)
    return source


def _run(tmp_path, language, replace, env=None):
    folder = tmp_path / DINO.name
    shutil.copytree(DINO.edition(language).release_dir, folder)
    nb = submission(solved=solutions(), replace=replace, language=language)
    return execute(nb, folder, allow_errors=True, env=env)


def _errors(done):
    return {
        c.id: c.outputs[-1]
        for c in done.cells
        if c.cell_type == "code" and c.outputs and c.outputs[-1].output_type == "error"
    }


def test_correct_answers_in_other_styles_run_the_whole_notebook_clean(tmp_path):
    done = _run(tmp_path, "en", {exercise: _styled(exercise) for exercise in STYLES})
    assert not _errors(done), {k: v.evalue for k, v in _errors(done).items()}
    printed = "".join(text_of(c) for c in done.cells)
    assert printed.count("All tests passed") == len(DINO.exercises)
    assert "FAIL" not in printed
    train = next(c for c in done.cells if c.id == "train")
    assert "Iteration: 22000" in text_of(train) and "j = 1536: the name of examples[0]" in text_of(train)


def _mistake(name):
    mistake = next(m for m in MISTAKES if m.name == name)
    return mistake.exercise, edited(mistake.exercise, mistake.old, mistake.new)


def test_failing_tests_end_in_the_students_cells_and_speak_chinese_in_the_chinese_edition(tmp_path):
    replace = dict(
        [_mistake("optimize updates with the unclipped gradients, clips afterwards"), _mistake("sample without ravel")]
    )
    done = _run(tmp_path, "zh-CN", replace, env={"NBGRADER_EXECUTION": "autograde"})
    errors = _errors(done)
    assert set(errors) >= {"test_sample", "test_optimize"}, set(errors)
    for cell_id in ("test_sample", "test_optimize"):
        traceback = "\n".join(errors[cell_id].traceback)
        assert "public_tests.py" not in traceback, traceback
    # the check that failed names the mistake, in Chinese
    optimize = text_of(next(c for c in done.cells if c.id == "test_optimize"))
    assert "未通过  更新是 parameters - learning_rate" in optimize
    assert "提示：你的更新用的是裁剪之前的梯度" in optimize
    assert errors["test_optimize"].ename == "PublicTestFailed"
    # the student's own error goes on to the notebook, its traceback ending in their sample
    sample = text_of(next(c for c in done.cells if c.id == "test_sample"))
    assert "提示：np.random.choice 需要一维的 p" in sample
    frames = [re.sub(r"\x1b\[[0-9;]*m", "", frame) for frame in errors["test_sample"].traceback]
    cells = [frame for frame in frames if re.search(r"Cell In\[\d+\]", frame)]
    assert len(cells) >= 2 and "np.random.choice" in cells[-1], errors["test_sample"].traceback
