"""LMS in, LMS out: the downloads of Canvas, Moodle, Blackboard and Gradescope give one row per
student under the LMS's own id, the latest notebook graded and lateness marked, and no student
made of litter; grades.csv fills Canvas's gradebook export and Moodle's grading worksheet.
The fixtures are made here, in the formats those LMSs document and write."""

import csv
import io
import subprocess
import sys
import zipfile

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.course import COURSE_ROOT
from autograder.grading import grader, lms_import
from tests.submissions import DINO, submission

SOLVED = submission(solved=("clip", "sample"))  # 5 points, cheap to grade
CLIP_ONLY = submission(solved=("clip",))  # 2 points
NOTHING = submission()  # 0 points


def nb(notebook):
    return nbformat.writes(notebook).encode("utf-8")


def make_zip(path, members):
    """A zip of members: {name: bytes} or {name: (bytes, (y, m, d, H, M, S))}."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            data, when = data if isinstance(data, tuple) else (data, (2026, 11, 30, 9, 0, 0))
            archive.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


def grades(out):
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def canvas(tmp_path_factory, course_copy):
    """Canvas's "Download Submissions" zip, graded into a copy of the course's gradebook."""
    where = tmp_path_factory.mktemp("canvas")
    download = make_zip(
        where / "submissions.zip",
        {
            "smithalice_10001_6789000_dinosaur_island.ipynb": nb(SOLVED),
            "smithalice_10001_6789001_notes.pdf": b"%PDF-1.4",
            "jonesbob_10002_6789050_dinosaur_island.ipynb": nb(NOTHING),
            "jonesbob_LATE_10002_6789100_dinosaur_island-1.ipynb": nb(CLIP_ONLY),
            "leechen_10003_6789200_homework.ipynb": nb(submission(solved=("clip",), language="zh-CN")),
            ".DS_Store": b"\0\0\0\1Bud1",
            "__MACOSX/._smithalice_10001_6789000_dinosaur_island.ipynb": b"\0\5\26\7",
            "readme.txt": b"downloaded from Canvas",
        },
    )
    batch = grader.grade_submissions(DINO, download, where / "out", jobs=2, gradebook=course_copy / "gradebook.db")
    return batch, where / "out", course_copy / "gradebook.db"


def test_canvas_one_row_per_student_under_the_canvas_user_id(canvas):
    batch, out, _ = canvas
    assert batch.layout == "Canvas"
    rows = grades(out)
    assert sorted(rows) == ["10001", "10002", "10003"]
    assert {s: (float(r["score"]), r["late"], r["name"]) for s, r in rows.items()} == {
        "10001": (5, "", "smithalice"),
        "10002": (2, "yes", "jonesbob"),
        "10003": (2, "", "leechen"),
    }


def test_canvas_the_latest_upload_is_graded_and_the_others_listed(canvas):
    row = grades(canvas[1])["10002"]
    assert row["notebook"] == "jonesbob_LATE_10002_6789100_dinosaur_island-1.ipynb"
    assert (
        "2 files handed in; graded the latest, jonesbob_LATE_10002_6789100_dinosaur_island-1.ipynb; "
        "not jonesbob_10002_6789050_dinosaur_island.ipynb" in row["remarks"]
    )
    assert "Canvas marks this submission late" in row["remarks"]


def test_canvas_litter_makes_no_student_anywhere(canvas):
    batch, out, gradebook = canvas
    assert batch.ignored == ["readme.txt", "smithalice_10001_6789001_notes.pdf"]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["10001", "10002", "10003"]
    with Gradebook(f"sqlite:///{gradebook}") as gb:
        assert sorted(s.id for s in gb.students) == ["10001", "10002", "10003"]
        assert gb.find_student("10002").last_name == "jonesbob"


def test_moodle_participant_ids_names_and_the_file_moodle_recorded_last(tmp_path):
    download = make_zip(
        tmp_path / "moodle.zip",
        {
            "Jane Doe_123456_assignsubmission_file_/dinosaur_island.ipynb": nb(SOLVED),
            "Jane Doe_123456_assignsubmission_onlinetext_onlinetext.html": b"<p>see my notebook</p>",
            "Zhang Wei_123457_assignsubmission_file_/draft.ipynb": (nb(NOTHING), (2026, 11, 30, 9, 0, 0)),
            "Zhang Wei_123457_assignsubmission_file_/final.ipynb": (nb(CLIP_ONLY), (2026, 11, 30, 21, 0, 0)),
            "Zhang Wei_123457_assignsubmission_file_/attempt.ipynb": (nb(NOTHING), (2026, 11, 30, 12, 0, 0)),
        },
    )
    batch = grader.grade_submissions(DINO, download, tmp_path / "out", jobs=2)
    rows = grades(tmp_path / "out")
    assert batch.layout == "Moodle" and sorted(rows) == ["123456", "123457"]
    assert (rows["123456"]["name"], float(rows["123456"]["score"])) == ("Jane Doe", 5)
    assert (rows["123457"]["name"], float(rows["123457"]["score"])) == ("Zhang Wei", 2)
    assert rows["123457"]["notebook"] == "Zhang Wei_123457_assignsubmission_file_/final.ipynb"
    assert "3 files handed in; graded the latest" in rows["123457"]["remarks"]
    assert batch.ignored == ["Jane Doe_123456_assignsubmission_onlinetext_onlinetext.html"]


def test_blackboard_usernames_receipt_names_latest_attempt_and_the_due_date(tmp_path):
    from datetime import datetime

    folder = tmp_path / "blackboard"
    folder.mkdir()
    attempts = {
        ("jdoe", "2026-11-30-10-00-00"): NOTHING,
        ("jdoe", "2026-12-01-09-30-00"): SOLVED,
        ("ksmith", "2026-11-29-18-00-00"): CLIP_ONLY,
    }
    names = {"jdoe": "Jane Doe", "ksmith": "Kim Smith"}
    for (user, time), notebook in attempts.items():
        stem = f"Dinosaur Island_{user}_attempt_{time}"
        (folder / f"{stem}_dinosaur_island.ipynb").write_bytes(nb(notebook))
        (folder / f"{stem}.txt").write_text(
            f"Name: {names[user]} ({user})\nAssignment: Dinosaur Island\nDate Submitted: {time}\n"
            f"Current Grade: Needs Grading\n\nFiles:\n\tOriginal filename: dinosaur_island.ipynb\n"
            f"\tFilename: {stem}_dinosaur_island.ipynb\n",
            encoding="utf-8",
        )
    batch = grader.grade_submissions(DINO, folder, tmp_path / "out", jobs=2, due=datetime(2026, 11, 30, 23, 59))
    rows = grades(tmp_path / "out")
    assert batch.layout == "Blackboard" and batch.ignored == []
    assert {s: (r["name"], float(r["score"]), r["late"]) for s, r in rows.items()} == {
        "jdoe": ("Jane Doe", 5, "yes"),
        "ksmith": ("Kim Smith", 2, ""),
    }
    assert "late: handed in 2026-12-01 09:30, after the due date 2026-11-30 23:59" in rows["jdoe"]["remarks"]


def test_a_gradescope_export_grades_each_member_of_a_group(tmp_path):
    export = tmp_path / "export"
    for key, notebook in (("submission_111", SOLVED), ("submission_112", CLIP_ONLY)):
        (export / key).mkdir(parents=True)
        (export / key / "dinosaur_island.ipynb").write_bytes(nb(notebook))
    (export / "submission_metadata.yml").write_text(
        "submission_111:\n"
        "  :submitters:\n"
        "  - :name: Ann Lee\n    :sid: 'A1'\n    :email: ann@example.edu\n"
        "  - :name: Bo Chen\n    :sid: 'B2'\n    :email: bo@example.edu\n"
        "  :created_at: 2026-11-30 10:00:00.123456789 -0800\n  :score: 0.0\n"
        "submission_112:\n"
        "  :submitters:\n"
        "  - :name: Cy Park\n    :sid: ''\n    :email: cy@example.edu\n"
        "  :created_at: 2026-12-01 10:00:00.000000000 -0800\n",
        encoding="utf-8",
    )
    from datetime import datetime, timedelta, timezone

    due = datetime(2026, 11, 30, 23, 59, tzinfo=timezone(timedelta(hours=-8)))
    batch = grader.grade_submissions(DINO, export, tmp_path / "out", jobs=2, due=due)
    rows = grades(tmp_path / "out")
    assert batch.layout == "Gradescope"
    assert {s: (r["name"], float(r["score"]), r["late"]) for s, r in rows.items()} == {
        "A1": ("Ann Lee", 5, ""),
        "B2": ("Bo Chen", 5, ""),
        "cy@example.edu": ("Cy Park", 2, "yes"),
    }


def test_nbgrader_trees_and_flat_folders_are_still_what_they_were_and_timestamps_tell_lateness(tmp_path):
    from datetime import datetime

    for student, stamp in (("alice", "2026-11-30 22:00:00.000000 UTC"), ("carl", "2026-12-01 08:00:00.000000 UTC")):
        folder = tmp_path / "in" / student / DINO.name
        folder.mkdir(parents=True)
        (folder / "dinosaur_island.ipynb").write_bytes(nb(CLIP_ONLY))
        (folder / "timestamp.txt").write_text(stamp)  # as nbgrader collect writes it
    (tmp_path / "in" / "bob.ipynb").write_bytes(nb(NOTHING))
    (tmp_path / "in" / "list.txt").write_text("alice, bob, carl")
    batch = grader.grade_submissions(
        DINO, tmp_path / "in", tmp_path / "out", jobs=1, due=datetime(2026, 11, 30, 23, 59)
    )
    rows = grades(tmp_path / "out")
    assert batch.layout == "nbgrader" and sorted(rows) == ["alice", "bob", "carl"]
    assert batch.ignored == ["list.txt"]
    assert {s: r["late"] for s, r in rows.items()} == {"alice": "", "bob": "", "carl": "yes"}


# ---------------------------------------------------------------------------------------------
# LMS out

GRADES = (
    "student_id,name,clip,sample,optimize,model,score,max_score,late,notebook,remarks\n"
    "10001,smithalice,2,3,0,0,5,12,,a.ipynb,\n10002,jonesbob,2,0,0,0,2,12,yes,b.ipynb,\n"
    "10003,leechen,2,3,3,4,12,12,,c.ipynb,\n"
)


def write(path, text, bom=False):
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_canvas_gradebook_export_gets_the_assignment_column_filled_and_scaled(tmp_path):
    export = write(
        tmp_path / "gradebook.csv",
        "Student,ID,SIS User ID,SIS Login ID,Section,"
        "Dinosaur Island: a character-level language model (4321),Step by Step (4320),"
        "Current Points,Final Points\r\n"
        "    Points Possible,,,,,100.00,10.00,(read only),(read only)\r\n"
        '"Smith, Alice",10001,S1,alice,Sec 1,,9.00,9.00,9.00\r\n'
        '"Jones, Bob",10002,S2,bob,Sec 1,50.00,,0.00,0.00\r\n'
        '"Student, Test",10004,,,Sec 1,,,0.00,0.00\r\n',
        bom=True,
    )
    out = tmp_path / "import.csv"
    outcome = lms_import.canvas(write(tmp_path / "grades.csv", GRADES), export, out, DINO)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf"), "Canvas's own encoding is kept"
    before = list(csv.reader(io.StringIO(export.read_bytes().decode("utf-8-sig"))))
    column = before[0].index("Dinosaur Island: a character-level language model (4321)")
    assert [r[column] for r in rows[2:]] == ["41.67", "16.67", ""]  # 5 and 2 of 12, as points of 100
    assert [r[:column] + r[column + 1 :] for r in rows] == [r[:column] + r[column + 1 :] for r in before]
    assert outcome.filled == 2 and outcome.scale == pytest.approx(100 / 12)
    assert outcome.ungraded == [("10004", "Student, Test")] and outcome.unknown == ["10003"]


def test_canvas_column_must_be_found_or_named(tmp_path):
    export = write(tmp_path / "gradebook.csv", "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (1),Quiz 2 (2)\r\n")
    grades_csv = write(tmp_path / "grades.csv", GRADES)
    with pytest.raises(lms_import.LmsFileError, match=r"pass --column with one of: 'Quiz 1 \(1\)', 'Quiz 2 \(2\)'"):
        lms_import.canvas(grades_csv, export, tmp_path / "import.csv", DINO)
    assert not (tmp_path / "import.csv").exists()
    filled = lms_import.canvas(grades_csv, export, tmp_path / "import.csv", DINO, column="Quiz 2 (2)")
    assert filled.column == "Quiz 2 (2)"


def test_moodle_worksheet_gets_its_grade_column_and_keeps_the_rest(tmp_path):
    worksheet = write(
        tmp_path / "worksheet.csv",
        "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
        "Last modified (submission),Last modified (grade),Feedback comments\n"
        "Participant 10001,Alice Smith,a@x.edu,Submitted for grading,,12.00,Yes,"
        '"Monday, 30 November 2026, 10:00 AM",-,\n'
        "Participant 10002,Bob Jones,b@x.edu,Submitted for grading,,12.00,No,-,-,\n"
        "Participant 10009,Nobody Here,n@x.edu,No submission,,12.00,Yes,-,-,\n",
    )
    out = tmp_path / "upload.csv"
    outcome = lms_import.moodle(write(tmp_path / "grades.csv", GRADES), worksheet, out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["Grade"] for r in rows] == ["5.00", "", ""]
    assert rows[0]["Last modified (submission)"] == "Monday, 30 November 2026, 10:00 AM"
    assert outcome.locked == [("10002", "Bob Jones")] and outcome.ungraded == [("10009", "Nobody Here")]
    assert outcome.unknown == ["10003"] and outcome.scale == 1


def test_the_command_reports_every_student_it_could_not_match(tmp_path):
    worksheet = write(
        tmp_path / "worksheet.csv",
        "Identifier,Full name,Grade,Maximum Grade,Last modified (grade)\n"
        "Participant 10001,Alice Smith,,12.00,-\n"
        "Participant 10008,Eve Adams,,12.00,-\n",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "lms-import",
            "moodle",
            DINO.name,
            str(write(tmp_path / "grades.csv", GRADES)),
            str(worksheet),
            "--out",
            str(tmp_path / "upload.csv"),
        ],
        cwd=COURSE_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "10008 (Eve Adams) is on the roster but has no grade" in done.stderr
    for student in ("10002", "10003"):
        assert f"{student} has a grade in" in done.stderr and "not imported" in done.stderr
    assert "1 grades in column 'Grade'" in done.stdout
    same = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "lms-import",
            "moodle",
            DINO.name,
            str(tmp_path / "grades.csv"),
            str(worksheet),
            "--out",
            str(worksheet),
        ],
        cwd=COURSE_ROOT,
        capture_output=True,
        text=True,
    )
    assert same.returncode == 2 and "keep the LMS's own copy" in same.stderr
