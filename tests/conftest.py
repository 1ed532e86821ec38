"""Fixtures shared by the test modules."""

import shutil

import pytest

from autograder.authoring import colab, publish, release
from autograder.course import assignments

# The student repository the tests publish for: a branch other than main, so that a badge or a
# download that ignores --branch is caught.
STUDENT_SITE = colab.student_site("a-university/dinosaur-island-students", "fall-2026")
# Every assignment said to be due, as when the whole series is out: a later assignment's helper
# code may then hold an earlier one's answers (publish refuses that otherwise).
ALL_DUE = tuple(assignments())


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """A course root holding a fresh release of every assignment and the gradebook that records
    them, generated once per test session. Tests that add to it work on a copy (course_copy)."""
    root = tmp_path_factory.mktemp("released")
    for assignment in assignments().values():
        release.generate(assignment, root)
    return root


@pytest.fixture(scope="module")
def course_copy(released_course, tmp_path_factory):
    """A copy of released_course of the test module's own, to submit to and autograde in."""
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(released_course, root, symlinks=True)
    return root


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """A folder holding the student edition, published for STUDENT_SITE once per test session.
    Tests read it; a test that changes the edition works on a copy of its own."""
    folder = tmp_path_factory.mktemp("student-edition") / "edition"
    publish.publish(folder, STUDENT_SITE, revealed=ALL_DUE)
    return folder


@pytest.fixture
def edition_copy(published, tmp_path):
    """A copy of the published student edition that a test may change."""
    copy = tmp_path / "edition"
    shutil.copytree(published, copy)
    return copy
