"""The reference solution reproduces the published training log and passes the public tests."""

import contextlib
import io

from autograder.assignments.dinosaur_island.published_log import PUBLISHED_LOG, training_log
from autograder.grading.reference import solution_namespace
from tests.submissions import DINO
from utils import public_tests


def test_model_reproduces_the_published_log_through_12000_iterations():
    ns = solution_namespace(DINO)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _, last_name = ns["model"](ns["data"].split("\n"), ns["ix_to_char"], ns["char_to_ix"], 12001)
    assert training_log(out.getvalue()) == PUBLISHED_LOG
    assert last_name == "Trognesaurus\n"


def test_reference_passes_the_public_tests(capsys):
    ns = solution_namespace(DINO)
    public_tests.clip_test(ns["clip"])
    public_tests.sample_test(ns["sample"])
    public_tests.optimize_test(ns["optimize"])
    public_tests.model_test(ns["model"])
    assert capsys.readouterr().out.count("All tests passed") == len(DINO.exercises)
