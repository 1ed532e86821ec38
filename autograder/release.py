"""Generating the student release from the source notebook with nbgrader.

`python -m autograder release` links the support files into source/<assignment>/, then runs
`nbgrader generate_assignment`, which strips the solutions and hidden tests and copies the
notebook and the files it needs into release/<assignment>/.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from .course import ASSIGNMENT, COURSE_ROOT, SOURCE_DIR, SOURCE_NOTEBOOK, SUPPORT_FILES

IMAGE_REFERENCE = re.compile(r"""(?:src=["']|\]\()(images/[\w.-]+\.png)""")


def support_files():
    """The files the release needs besides the notebook, relative to the repository root."""
    nb = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    images = sorted({m for c in nb.cells if c.cell_type == "markdown" for m in IMAGE_REFERENCE.findall(c.source)})
    return list(SUPPORT_FILES) + images


def link_support_files():
    """Make source/<assignment>/ hold a symlink for each support file, and nothing stale."""
    wanted = support_files()
    for folder in {Path(f).parts[0] for f in wanted}:
        for path in sorted((SOURCE_DIR / folder).rglob("*"), reverse=True):
            if path.relative_to(SOURCE_DIR).as_posix() not in wanted and (path.is_symlink() or path.is_file()):
                path.unlink()
    for name in wanted:
        target = COURSE_ROOT / name
        if not target.is_file():
            raise FileNotFoundError(f"{target} is missing; the release needs it (listed in autograder/course.py)")
        link = SOURCE_DIR / name
        link.parent.mkdir(parents=True, exist_ok=True)
        relative = os.path.relpath(target, link.parent)
        if link.is_symlink() and os.readlink(link) == relative:
            continue
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(relative)


def generate(root=None):
    """Write release/<assignment>/ under root (default: the repository) from the source.

    nbgrader also records the assignment in root/gradebook.db, which `nbgrader autograde`
    needs. With another root, the fresh release (and its gradebook) is written there and the
    repository's release is untouched. Returns the release folder.
    """
    root = Path(root or COURSE_ROOT).resolve()
    link_support_files()
    done = run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], root)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{done.stdout}\n{done.stderr}")
    return root / "release" / ASSIGNMENT


def run_nbgrader(args, root=None):
    """Run `nbgrader ARGS` on the course at root (default: the repository); returns the process.

    The course's source is always the repository's; root decides where nbgrader's working
    folders (release/, submitted/, autograded/, feedback/) and gradebook.db live.
    """
    root = Path(root or COURSE_ROOT).resolve()
    command = [
        sys.executable, "-m", "nbgrader", *args,
        f"--CourseDirectory.root={root}",
        f"--CourseDirectory.source_directory={COURSE_ROOT / 'source'}",
        f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}",
    ]
    # nbgrader calls the `alembic` command by name: make sure this Python's scripts are on
    # PATH even when its environment is not activated.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return subprocess.run(command, cwd=COURSE_ROOT, capture_output=True, text=True, env=env)
