"""Stock nbgrader as the README shows it: `.venv/bin/nbgrader ...` works with or without the
environment activated, and never deletes the tracked release."""

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import COURSE_ROOT
from tests.submissions import DINO

pytestmark = pytest.mark.slow  # nbgrader generates the release


@pytest.fixture
def course(tmp_path):
    """A copy of the course as a clone has it: the config, sources, release, helpers, data, figures."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(COURSE_ROOT / "nbgrader_config.py", root)
    for folder in ("source", "release", "utils", "data", "images"):
        shutil.copytree(
            COURSE_ROOT / folder,
            root / folder,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
        )
    return root


def same_tree(left, right):
    comparison = filecmp.dircmp(left, right)
    return (
        not comparison.left_only
        and not comparison.right_only
        and not comparison.diff_files
        and not comparison.funny_files
        and all(same_tree(Path(left) / d, Path(right) / d) for d in comparison.common_dirs)
    )


def test_generate_assignment_works_without_the_environment_on_path_and_keeps_the_release(course):
    scripts = Path(sys.executable).parent
    path = os.pathsep.join(["/usr/bin", "/bin"])  # not activated: the environment's scripts are not on PATH
    assert not (course / "gradebook.db").exists()  # a new gradebook: nbgrader runs alembic for it
    done = subprocess.run(
        [str(scripts / "nbgrader"), "generate_assignment", DINO.name, "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        env={"PATH": path, "HOME": os.environ.get("HOME", "/root")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "alembic" not in done.stderr
    assert same_tree(course / "release" / DINO.name, COURSE_ROOT / "release" / DINO.name), (
        "the regenerated release must be the committed one, file for file"
    )
