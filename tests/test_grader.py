"""The project's grader on a corpus of honest, broken and hostile submissions.

The corpus (tests/corpus.py) is graded once, in-process, for the whole module; each entry's
exact points are then checked, with its feedback. The command line is run on small corpora.
"""

import csv
import hashlib
import html
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder.course import COURSE_ROOT
from autograder.grading import grader
from autograder.grading.scoring import expected
from tests.corpus import CORPUS, notebook, solved, write_tree
from tests.submissions import DINO, submission

CASES, EXERCISES = DINO.cases, DINO.exercises

TIMEOUT = 10  # seconds per exercise: the hanging entries cost this much


def snapshot(root):
    """{relative path: sha256} of every file under root."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(root).rglob("*"))
        if p.is_file()
    }


def rows(out):
    with open(Path(out) / "grades.csv", newline="", encoding="utf-8") as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def feedback_text(out, student):
    return html.unescape((Path(out) / student / "feedback.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("submitted"))
    before = snapshot(root)
    out = tmp_path_factory.mktemp("out")
    results = grader.grade_submissions(DINO, root, out, jobs=2, timeout=TIMEOUT, memory=512).results
    return root, before, out, results


@pytest.mark.parametrize("student", CORPUS)
def test_each_exercise_gets_exactly_its_points(graded, student):
    row = rows(graded[2])[student]
    assert {name: float(row[name]) for name in EXERCISES} == {k: float(v) for k, v in CORPUS[student].points.items()}
    assert float(row["score"]) == sum(CORPUS[student].points.values())


@pytest.mark.parametrize("student", [s for s, e in CORPUS.items() if e.says])
def test_feedback_says_what_happened(graded, student):
    text = feedback_text(graded[2], student)
    for phrase in CORPUS[student].says:
        assert phrase in text


def test_submissions_are_left_exactly_as_they_were(graded):
    root, before, *_ = graded
    assert snapshot(root) == before


def test_every_student_gets_a_row_and_two_files_and_nothing_half_written(graded):
    out = graded[2]
    assert sorted(rows(out)) == sorted(CORPUS)
    for student in CORPUS:
        assert sorted(p.name for p in (out / student).iterdir()) == ["feedback.html", "results.json"]
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    with open(out / "grades.csv", newline="") as f:
        assert next(csv.reader(f)) == [
            "student_id",
            "name",
            *EXERCISES,
            "score",
            "max_score",
            "late",
            "notebook",
            "remarks",
        ]


def test_results_json_is_in_gradescope_format(graded):
    out = graded[2]
    for student, entry in CORPUS.items():
        results = json.loads((out / student / "results.json").read_text(encoding="utf-8"))
        scored = [t for t in results["tests"] if "max_score" in t]
        assert [t["name"] for t in scored] == [f"{e.marker} {e.name}" for e in EXERCISES.values()]
        assert [t["score"] for t in scored] == list(entry.points.values())
        assert [t["max_score"] for t in scored] == [e.points for e in EXERCISES.values()]
        assert results["score"] == sum(entry.points.values())
        assert all(isinstance(t["output"], str) for t in results["tests"])
        # each hidden case is a test of its own, shown once the grades are published
        details = [t for t in results["tests"] if "max_score" not in t]
        assert {t["visibility"] for t in details} <= {"after_published"}
        assert all("score" not in t and t["status"] in ("passed", "failed") for t in details)


def test_remarks_name_time_limits_memory_limits_and_crashes(graded):
    remarks = {student: rows(graded[2])[student]["remarks"] for student in ("hangs", "memory_bomb", "os_exit")}
    assert "optimize: not finished within the time limit of 10 s" in remarks["hangs"]
    assert "clip: ran out of memory: each exercise may allocate 512 MB" in remarks["memory_bomb"]
    assert "sample: not finished: the process running the code exited with status 3" in remarks["os_exit"]


def test_a_wrong_clip_costs_nothing_in_optimize_and_model(graded):
    results = {r.student: r for r in graded[3]}["wrong_clip_right_rest"]
    assert [c.passed for c in results.exercises["optimize"].cases] == [True] * len(CASES["optimize"])
    assert [c.passed for c in results.exercises["model"].cases] == [True] * len(CASES["model"])


def test_feedback_shows_public_values_but_never_hidden_ones(graded):
    out = graded[2]
    text = feedback_text(out, "clip_misses_a_bound")
    # public: where the arrays differ, with the value got and the value expected
    assert "FAIL [public] the public example, maxValue 5" in text
    where = "the returned dict['dWax'] differs in 7 of 15 entries; the first at index [0, 0]: got 10.0, expected 5.0"
    assert where in text
    assert "FAIL [hidden] other shapes (n_a 12, vocabulary 9), maxValue 1.5" in text
    every = "".join(feedback_text(out, s) + (out / s / "results.json").read_text() for s in CORPUS)
    for name, cases in CASES.items():
        for index, case in enumerate(cases):
            if not case.public:
                secret = json.dumps(expected(DINO, name, index)["result"], default=lambda a: a.tolist())
                values = [v for v in secret.replace("[", " ").replace("]", " ").replace(",", " ").split() if len(v) > 8]
                for value in values[:50]:
                    assert value not in every, f"{name}: a hidden expected value appears in the feedback"


def test_feedback_escapes_what_the_student_wrote(tmp_path):
    root = tmp_path / "in"
    folder = root / "mallory" / DINO.name
    folder.mkdir(parents=True)
    notebook(solved(clip="def clip(gradients, maxValue):\n    raise ValueError('<script>alert(1)</script>')\n"))(folder)
    grader.grade_submissions(DINO, root, tmp_path / "out", jobs=1, timeout=TIMEOUT)
    page = (tmp_path / "out" / "mallory" / "feedback.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_no_process_outlives_the_grading(tmp_path, monkeypatch):
    """Children that hang or ignore signals, and the fork servers, are all gone afterwards."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the run's scratch: a mark in its processes' environment
    write_tree(tmp_path / "in", {s: CORPUS[s] for s in ("hangs", "ignores_signals")})
    grader.grade_submissions(DINO, tmp_path / "in", tmp_path / "out", jobs=2, timeout=1)
    mark = f"TMPDIR={tmp_path}".encode()
    survivors = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if mark in (proc / "environ").read_bytes():
                survivors.append(proc.name)
        except OSError:
            continue
    assert survivors == []


# ---------------------------------------------------------------------------------------------
# the command line, on small corpora


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=str(COURSE_ROOT))
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", DINO.name, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=COURSE_ROOT,
        timeout=600,
    )


def test_cli_grades_a_zip_of_an_lms_download(tmp_path):
    tree = write_tree(tmp_path / "tree", {s: CORPUS[s] for s in ("half", "empty_file", "untouched")})
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                zf.write(path, "submitted/" + path.relative_to(tree).as_posix())  # one wrapping folder
        zf.writestr("../escaped.ipynb", "{}")  # paths that leave the folder are not extracted
        zf.writestr("/abs/escaped.ipynb", "{}")
    done = run_cli(archive, "--out", tmp_path / "out", "--jobs", 2)
    assert done.returncode == 0, done.stderr
    assert {s: r["score"] for s, r in rows(tmp_path / "out").items()} == {
        "half": "5",
        "empty_file": "0",
        "untouched": "0",
    }
    assert done.stdout.count("\n") == 1
    assert done.stdout.startswith("dinosaur_island: graded 3 students (nbgrader layout)")
    assert "notebook" in done.stderr  # the progress bar
    assert not (tmp_path / "escaped.ipynb").exists() and not Path("/abs/escaped.ipynb").exists()


def test_cli_grades_a_flat_folder_by_file_name(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    notebook(solved("clip"), "alice.ipynb")(folder)
    notebook(submission(), "bob smith.ipynb")(folder)
    done = run_cli(folder, "--out", tmp_path / "out", "--jobs", 1)
    assert done.returncode == 0, done.stderr
    graded = rows(tmp_path / "out")
    assert {s: r["clip"] for s, r in graded.items()} == {"alice": "2", "bob_smith": "0"}
    assert graded["bob_smith"]["notebook"] == "bob smith.ipynb"


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["{tmp}/missing", "--out", "{tmp}/out"], 1, "not a folder of submissions or a .zip"),
        (["{tmp}/bad.zip", "--out", "{tmp}/out"], 1, "not a folder of submissions or a .zip"),
        (["{tmp}/in", "--out", "{tmp}/in/out"], 1, "must not be inside the submissions"),
        (["{tmp}/in", "--out", "{tmp}/out", "--jobs", "0"], 2, "must be positive"),
        (["{tmp}/in"], 2, "--out"),
        (["{tmp}/in", "--out", "{tmp}/out", "--gradebook", "{tmp}/none.db"], 1, "no such gradebook"),
    ],
    ids=["missing", "not-a-zip", "out-inside", "zero-jobs", "no-out", "no-gradebook"],
)
def test_cli_fails_only_when_it_cannot_run(tmp_path, args, code, says):
    (tmp_path / "in").mkdir()
    (tmp_path / "bad.zip").write_bytes(b"PK not really")
    done = run_cli(*(a.format(tmp=tmp_path) for a in args))
    assert done.returncode == code and says in done.stderr
    assert not (tmp_path / "in" / "out").exists()


def test_an_empty_folder_grades_to_an_empty_csv(tmp_path):
    (tmp_path / "in").mkdir()
    assert grader.grade_submissions(DINO, tmp_path / "in", tmp_path / "out").results == []
    assert (tmp_path / "out" / "grades.csv").read_text().startswith("student_id,name,clip,")
