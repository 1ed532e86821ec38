"""The Gradescope bundle, end to end as Gradescope runs it: the zip is built by the command line,
extracted into a tree of Gradescope's layout (moved with AUTOGRADER_ROOT), its setup.sh makes
the environment (pip, from the pins), and its run_autograder grades one submission at a time.
results.json is checked against Gradescope's documented schema and its score against the
project's grader on the same notebook."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import jsonschema
import nbformat
import pytest

from autograder.course import COURSE_ROOT
from autograder.gradescope.bundle import grading_requirements
from autograder.grading import grader
from tests.submissions import DINO, edited, submission

pytestmark = pytest.mark.slow  # setup.sh installs numpy into a fresh environment

VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
# Gradescope's results.json, as its autograder specification documents it
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string"},
                    "name_format": FORMAT,
                    "number": {"type": "string"},
                    "output": {"type": "string"},
                    "output_format": FORMAT,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],
}
WRONG_CLIP = edited("clip", "-maxValue, maxValue)", "-10, 10)")
METADATA = {
    "id": 7,
    "created_at": "2026-11-30T12:30:00.000000-08:00",
    "submission_method": "upload",
    "assignment": {
        "due_date": "2026-11-30T10:00:00.000000-08:00",
        "late_due_date": None,
        "title": "Dinosaur Island",
        "total_points": "12.0",
    },
    "users": [{"email": "li@example.com", "id": 4242, "name": "Li Wei"}],
    "previous_submissions": [],
}


def install_bundle(name, where, *options):
    """Build the bundle of the assignment called name with the command line (options added), then
    extract it and run its setup.sh as Gradescope does; returns (the zip, the AUTOGRADER_ROOT)."""
    zip_path = where / "autograder.zip"
    made = subprocess.run(
        [sys.executable, "-m", "autograder", "gradescope", name, str(zip_path), *options],
        cwd=COURSE_ROOT,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    root = where / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # as Gradescope's unzip does, keep the modes
            os.chmod(root / "source" / info.filename, info.external_attr >> 16)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    setup = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")],
        cwd=root / "source",
        capture_output=True,
        text=True,
        env=dict(os.environ, AUTOGRADER_ROOT=str(root)),
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    return zip_path, root


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """(the zip, the AUTOGRADER_ROOT where it was extracted and set up as Gradescope does)."""
    return install_bundle(DINO.name, tmp_path_factory.mktemp("bundle"), "--timeout", "20")


def run(root, files, metadata=None):
    """Hand in files ({name: bytes}) and run run_autograder; returns (process, results.json or None)."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    (root / "submission_metadata.json").unlink(missing_ok=True)
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    done = subprocess.run(
        [str(root / "run_autograder")],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "AUTOGRADER_ROOT": str(root)},
    )
    results = root / "results" / "results.json"
    return done, json.loads(results.read_text(encoding="utf-8")) if results.exists() else None


def notebook_bytes(nb):
    return nbformat.writes(nb).encode("utf-8")


def test_the_zip_holds_what_gradescope_needs_and_nothing_secret_beyond_the_reference(bundle):
    zip_path, _ = bundle
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        requirements = archive.read("requirements.txt").decode().split()
    assert {
        "setup.sh",
        "run_autograder",
        "gradescope.json",
        "source/dinosaur_island/dinosaur_island.ipynb",
        "release/dinosaur_island/dinosaur_island.ipynb",
        "release/dinosaur_island_zh/dinosaur_island.ipynb",
        "autograder/assignments/dinosaur_island/cases.py",
        "autograder/grading/grader.py",
    } <= names
    assert all(modes[name] & stat.S_IXUSR for name in ("setup.sh", "run_autograder"))
    assert not [n for n in names if n.startswith(("tests/", ".git", "gradebook")) or "__pycache__" in n]
    assert requirements == grading_requirements() and any(r.startswith("numpy==") for r in requirements)


def test_a_late_chinese_submission_under_any_name_is_graded_like_the_projects_grader_does(bundle, tmp_path):
    _, root = bundle
    nb = submission(solved=("clip", "sample", "optimize"), replace={"clip": WRONG_CLIP}, language="zh-CN")
    done, results = run(root, {"my work (1).ipynb": notebook_bytes(nb)}, METADATA)
    assert done.returncode == 0, done.stderr
    jsonschema.validate(results, SCHEMA)

    (tmp_path / "in" / "li").mkdir(parents=True)
    nbformat.write(nb, tmp_path / "in" / "li" / "my work (1).ipynb")
    [expected] = grader.grade_submissions(DINO, tmp_path / "in", tmp_path / "out", jobs=2).results
    assert results["score"] == expected.total == 6.66
    scored = [t for t in results["tests"] if "max_score" in t]
    assert [(t["score"], t["max_score"]) for t in scored] == [
        (e.points, DINO.exercises[n].points) for n, e in expected.exercises.items()
    ]
    assert [t["status"] for t in scored] == ["failed", "passed", "passed", "failed"]
    hidden = [t for t in results["tests"] if "max_score" not in t]
    assert len(hidden) == sum(not c.public for cases in DINO.cases.values() for c in cases)
    assert {t["visibility"] for t in hidden} == {"after_published"} and {t["visibility"] for t in scored} == {"visible"}

    assert "Notebook：submission/my work (1).ipynb" in results["output"]  # which file, in the edition's language
    assert "迟交" in results["output"] and "2 小时 30 分钟" in results["output"] and results["extra_data"]["late"]
    assert "学生代码的运行环境" in results["output"] and "student code runs in" in done.stdout
    assert "未通过 [公开] 公开示例，maxValue 为 5" in scored[0]["output"]
    assert results["extra_data"]["users"] == [4242] and results["execution_time"] > 0


def test_a_zip_or_several_notebooks_say_which_was_graded(bundle, tmp_path):
    _, root = bundle
    archive = tmp_path / "work.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("work/dinosaur_island.ipynb", notebook_bytes(submission(solved=tuple(DINO.exercises))))
        z.writestr("work/scratch.ipynb", notebook_bytes(submission()))
    done, results = run(root, {"work.zip": archive.read_bytes(), "notes.txt": b"hello"})
    assert done.returncode == 0, done.stderr
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == DINO.max_points
    assert "Notebook: submission/work.zip/work/dinosaur_island.ipynb" in results["output"]
    assert "not submission/work.zip/work/scratch.ipynb" in results["output"]
    assert results["extra_data"]["late"] is False and "Late" not in results["output"]


def test_nothing_handed_in_scores_zero_with_the_reason(bundle):
    _, root = bundle
    done, results = run(root, {"answers.pdf": b"%PDF-1.4"})
    assert done.returncode == 0, done.stderr
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == 0 and "no .ipynb file" in results["output"]
    assert all(t["score"] == 0 for t in results["tests"] if "max_score" in t)


def test_a_broken_bundle_fails_loudly_instead_of_giving_zeros(bundle):
    _, root = bundle
    helper = root / "source" / "release" / "dinosaur_island" / "utils" / "rnn.py"
    kept = helper.read_bytes()
    helper.write_text("raise ImportError('a broken release')\n")
    try:
        done, results = run(root, {"dinosaur_island.ipynb": notebook_bytes(submission())})
    finally:
        helper.write_bytes(kept)
    assert done.returncode == 1 and "could not grade" in done.stderr and "a broken release" in done.stderr
    assert results is None
