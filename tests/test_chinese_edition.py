"""The Chinese (zh-CN) edition: complete and fresh translations, the same code, one assignment, the same grades."""

import copy
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring import release, translation
from autograder.authoring.release import run_nbgrader
from autograder.course import assignments
from autograder.grading.notebooks import edition_of, marker_number, read_cells, setup_sources
from tests.submissions import DINO, FULL, hand_in, solutions, submission

ZH = DINO.edition("zh-CN")
TRANSLATION_FILE = ZH.translation
ENGLISH = release.english_source(DINO)
TRANSLATIONS = translation.load(TRANSLATION_FILE)
CJK = re.compile(r"[\u4e00-\u9fff]")
# (assignment, its English source, its zh-CN translations) of every assignment with a Chinese edition
TRANSLATED = [
    (a, release.english_source(a), translation.load(a.edition("zh-CN").translation))
    for a in assignments().values()
    if any(e.language == "zh-CN" for e in a.editions)
]


@pytest.mark.parametrize("assignment, english, translations", TRANSLATED, ids=lambda v: getattr(v, "name", ""))
def test_every_markdown_cell_has_an_up_to_date_translation(assignment, english, translations):
    found = translation.problems(english, translations, assignment.edition("zh-CN").translation)
    assert not found, "\n".join(found)


def _code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.id, c.source, c.metadata) for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("assignment", [a for a, _, _ in TRANSLATED], ids=lambda a: a.name)
def test_code_cells_are_identical_in_both_editions(assignment):
    assert _code_cells(assignment.editions[0].notebook) == _code_cells(assignment.edition("zh-CN").notebook)


def test_both_editions_are_one_nbgrader_assignment_with_one_notebook_name():
    assert [e.notebook.name for e in DINO.editions] == ["dinosaur_island.ipynb"] * 2
    assert not (DINO.source_dir.parent / "dinosaur_island_zh").exists(), "no second nbgrader assignment in source/"


def test_the_graders_find_the_same_graded_and_setup_cells_in_both_editions():
    english, chinese = (nbformat.read(e.notebook, as_version=4) for e in DINO.editions)
    graded = [
        {marker_number(c.source): c.source for c in nb.cells if c.cell_type == "code"} for nb in (english, chinese)
    ]
    assert graded[0] == graded[1] and set(graded[0]) >= {e.number for e in DINO.exercises.values()}
    assert setup_sources(english.cells) == setup_sources(chinese.cells)


def test_a_submission_is_recognised_as_its_edition():
    for language in ("en", "zh-CN"):
        cells, _ = read_cells(DINO.edition(language).notebook)
        assert edition_of(cells, DINO).language == language
    code_only = [c for c in read_cells(ZH.notebook)[0] if c.cell_type == "code"]
    assert edition_of(code_only, DINO).language == "en", "with no prose to go by, the first edition"


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


@pytest.mark.parametrize(
    "translations, cell",
    [(t, c) for _, english, t in TRANSLATED for c in translation.translatable(english)],
    ids=lambda v: getattr(v, "id", ""),
)
def test_translation_is_chinese_and_keeps_the_cells_structure(translations, cell):
    prose = _prose(translations[cell.id].text)
    assert len(CJK.findall(prose)) > len(re.findall(r"[A-Za-z]", prose)), "the prose is mostly Chinese"
    assert _structure(translations[cell.id].text) == _structure(cell.source)


def test_a_changed_english_cell_makes_its_translation_stale_and_stay_english():
    english = copy.deepcopy(ENGLISH)
    cell = next(c for c in english.cells if c.id == "train-md")
    cell.source = cell.source.replace("22001 iterations", "30001 iterations")
    found = translation.problems(english, TRANSLATIONS, TRANSLATION_FILE)
    assert len(found) == 1 and "'train-md': its English changed" in found[0]
    assert translation.english_hash(cell.source) in found[0], "the message gives the hash to paste"
    zh = {c.id: c.source for c in translation.translated(english, TRANSLATIONS, "zh.ipynb").cells}
    assert zh["train-md"] == cell.source and CJK.search(zh["clip-md"])


def test_a_new_english_cell_without_translation_and_a_leftover_translation_are_reported():
    english = copy.deepcopy(ENGLISH)
    english.cells.insert(3, nbformat.v4.new_markdown_cell("A new paragraph.", id="new-note"))
    leftovers = dict(TRANSLATIONS, **{"old-note": translation.Translation("旧的段落。", "0" * 16)})
    found = translation.problems(english, leftovers, TRANSLATION_FILE)
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
    assert TRANSLATION_FILE.parent == DINO.source_dir.parent and TRANSLATION_FILE.is_file()


@pytest.fixture(scope="module")
def graded_course(course_copy):
    """A course with both releases and one submission of each edition, autograded by stock nbgrader
    as the one assignment dinosaur_island."""
    root = course_copy
    students = {
        "solved_zh": submission(solved=solutions(), language="zh-CN"),
        "untouched_zh": submission(language="zh-CN"),
        "solved_en": submission(solved=solutions()),
    }
    hand_in(root, DINO.name, students)
    return root, run_nbgrader(["autograde", DINO.name, "--force"], root)


def test_stock_nbgrader_grades_the_chinese_edition_like_the_english_one(graded_course):
    root, autograde = graded_course
    assert autograde.returncode == 0, autograde.stdout + autograde.stderr
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        # one nbgrader assignment per assignment of the course, whatever the editions
        assert sorted(a.name for a in gb.assignments) == sorted(assignments())
        scores = {
            student: {
                name: gb.find_grade(f"test_{name}", DINO.name, DINO.name, student).score for name in DINO.exercises
            }
            for student in ("solved_zh", "untouched_zh", "solved_en")
        }
    assert scores["solved_zh"] == scores["solved_en"] == FULL
    assert scores["untouched_zh"] == {name: 0 for name in DINO.exercises}
    autograded = (root / "autograded" / "solved_zh" / DINO.name / f"{DINO.name}.ipynb").read_text(encoding="utf-8")
    assert CJK.search(autograded), "the autograded notebook keeps the student's Chinese prose"


def test_the_projects_grader_grades_an_nbgrader_tree_with_both_editions(tmp_path):
    """Students of either edition in one submitted/ tree: the same cases, the same points."""
    from autograder.grading import grader

    for student, language, solved in (
        ("li", "zh-CN", tuple(DINO.exercises)),
        ("ann", "en", ("clip",)),
        ("wu", "zh-CN", ("clip", "sample")),
    ):
        folder = tmp_path / "submitted" / student / DINO.name
        folder.mkdir(parents=True)
        nbformat.write(submission(solved=solved, language=language), folder / "any_name.ipynb")
    results = grader.grade_submissions(DINO, tmp_path / "submitted", tmp_path / "out", jobs=2).results
    assert {r.student: r.total for r in results} == {"li": 12, "ann": 2, "wu": 5}
    assert {r.student: r.submission.language for r in results} == {"li": "zh-CN", "ann": "en", "wu": "zh-CN"}
