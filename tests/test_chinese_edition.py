"""The Chinese (zh-CN) edition: complete and fresh translations, the same code, the same grades."""

import copy
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring import release, translation
from autograder.grading.notebooks import marker_number, setup_sources
from autograder.course import (ASSIGNMENT, EXERCISES, RELEASE_DIR, SOURCE_NOTEBOOK, TRANSLATION_FILE,
                               ZH_ASSIGNMENT, ZH_SOURCE_NOTEBOOK)
from autograder.authoring.release import run_nbgrader
from tests.submissions import solutions, submission

ENGLISH = release.english_source()
TRANSLATIONS = translation.load()
EDITIONS = {  # (English, Chinese) notebook of each stage
    "source": (SOURCE_NOTEBOOK, ZH_SOURCE_NOTEBOOK),
    "release": (RELEASE_DIR / f"{ASSIGNMENT}.ipynb", RELEASE_DIR.parent / ZH_ASSIGNMENT / f"{ZH_ASSIGNMENT}.ipynb"),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_markdown_cell_has_an_up_to_date_translation():
    found = translation.problems(ENGLISH, TRANSLATIONS)
    assert not found, "\n".join(found)


def test_committed_chinese_source_is_generated_from_the_english_and_the_translations():
    assert nbformat.read(ZH_SOURCE_NOTEBOOK, as_version=4) == translation.translated(ENGLISH, TRANSLATIONS), (
        f"{ZH_SOURCE_NOTEBOOK} is stale: run `python -m autograder release`")


def _code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.id, c.source, c.metadata) for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("stage", EDITIONS)
def test_code_cells_are_identical_in_both_editions(stage):
    english, chinese = EDITIONS[stage]
    assert _code_cells(english) == _code_cells(chinese)


def test_the_graders_find_the_same_graded_and_setup_cells_in_both_editions():
    english, chinese = (nbformat.read(path, as_version=4) for path in EDITIONS["release"])
    graded = [{marker_number(c.source): c.source for c in nb.cells if c.cell_type == "code"} for nb in (english, chinese)]
    assert graded[0] == graded[1] and set(graded[0]) >= {e.number for e in EXERCISES.values()}
    assert setup_sources(english.cells) == setup_sources(chinese.cells)


def _structure(markdown):
    """What a translation must keep: heading levels, display formulas, code blocks, figures, links."""
    return {
        "headings": re.findall(r"^(#+) ", markdown, flags=re.MULTILINE),
        "formulas": re.findall(r"\$\$.+?\$\$", markdown, flags=re.DOTALL),
        "code blocks": re.findall(r"```.*?```", markdown, flags=re.DOTALL),
        "figures": re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown),
        "links": re.findall(r"\]\((https?://[^)]+)\)", markdown),
    }


def _prose(markdown):
    """The markdown without what stays in English: code, formulas, link and image targets."""
    return re.sub(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)", " ", markdown, flags=re.DOTALL)


@pytest.mark.parametrize("cell", translation.translatable(ENGLISH), ids=lambda c: c.id)
def test_translation_is_chinese_and_keeps_the_cells_structure(cell):
    prose = _prose(TRANSLATIONS[cell.id].text)
    assert len(CJK.findall(prose)) > len(re.findall(r"[A-Za-z]", prose)), "the prose is mostly Chinese"
    assert _structure(TRANSLATIONS[cell.id].text) == _structure(cell.source)


def test_a_changed_english_cell_makes_its_translation_stale_and_stay_english():
    english = copy.deepcopy(ENGLISH)
    cell = next(c for c in english.cells if c.id == "train-md")
    cell.source = cell.source.replace("22001 iterations", "30001 iterations")
    found = translation.problems(english, TRANSLATIONS)
    assert len(found) == 1 and "'train-md': its English changed" in found[0]
    assert translation.english_hash(cell.source) in found[0], "the message gives the hash to paste"
    zh = {c.id: c.source for c in translation.translated(english, TRANSLATIONS).cells}
    assert zh["train-md"] == cell.source and CJK.search(zh["clip-md"])


def test_a_new_english_cell_without_translation_and_a_leftover_translation_are_reported():
    english = copy.deepcopy(ENGLISH)
    english.cells.insert(3, nbformat.v4.new_markdown_cell("A new paragraph.", id="new-note"))
    leftovers = dict(TRANSLATIONS, **{"old-note": translation.Translation("旧的段落。", "0" * 16)})
    found = translation.problems(english, leftovers)
    assert any("'new-note' has no translation" in f for f in found)
    assert any("translates 'old-note', which is not a markdown cell" in f for f in found)


def test_a_malformed_entry_names_the_file_and_the_cell(tmp_path):
    bad = tmp_path / "zh-CN.yml"
    bad.write_text("title:\n  text: 标题\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"zh-CN.yml, entry 'title': expected exactly the strings"):
        translation.load(bad)


def test_the_translation_file_sits_where_nbgrader_does_not_look_for_assignments():
    # nbgrader takes every folder of source/ for an assignment and copies an assignment folder's
    # files into its release: a file directly in source/ is neither
    assert TRANSLATION_FILE.parent == SOURCE_NOTEBOOK.parent.parent and TRANSLATION_FILE.is_file()


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A course with both releases and two Chinese-edition submissions, autograded by stock nbgrader."""
    root = tmp_path_factory.mktemp("course")
    release.generate(root)
    students = {"solved": submission(solved=solutions(), assignment=ZH_ASSIGNMENT),
                "untouched": submission(assignment=ZH_ASSIGNMENT)}
    for student, nb in students.items():
        folder = root / "submitted" / student / ZH_ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ZH_ASSIGNMENT}.ipynb")
    return root, run_nbgrader(["autograde", ZH_ASSIGNMENT, "--force"], root)


def test_stock_nbgrader_grades_the_chinese_edition_like_the_english_one(graded_course):
    root, autograde = graded_course
    assert autograde.returncode == 0, autograde.stdout + autograde.stderr
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        scores = {student: {name: gb.find_grade(f"test_{name}", ZH_ASSIGNMENT, ZH_ASSIGNMENT, student).score
                            for name in EXERCISES} for student in ("solved", "untouched")}
    assert scores["solved"] == {name: e.points for name, e in EXERCISES.items()}
    assert scores["untouched"] == {name: 0 for name in EXERCISES}


def test_the_projects_grader_grades_an_nbgrader_tree_with_both_editions(tmp_path):
    """Students of either edition in one submitted/ tree: the same cases, the same points."""
    from autograder.grading import grader

    for student, assignment, solved in (("li", ZH_ASSIGNMENT, tuple(EXERCISES)), ("ann", ASSIGNMENT, ("clip",)),
                                        ("wu", ZH_ASSIGNMENT, ("clip", "sample"))):
        folder = tmp_path / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(submission(solved=solved, assignment=assignment), folder / "any_name.ipynb")
    results = grader.grade_submissions(tmp_path / "submitted", tmp_path / "out", jobs=2)
    totals = {r.student: r.total for r in results}
    assert totals == {"li": 12, "ann": 2, "wu": 5}
