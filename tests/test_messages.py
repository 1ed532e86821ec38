"""The message catalogs: every message in every language of the editions, rendered alike; the
feedback of a Chinese-edition student in Chinese, of an English one in English."""

import json
import re
import string

import nbformat
import pytest

from autograder.course import COURSE_ROOT, assignments
from autograder.grading import grader
from autograder.grading.messages import COMMON, LANGUAGES, Catalog, from_plain, say
from tests.submissions import DINO, edited, submission

CJK = re.compile(r"[\u4e00-\u9fff]")


def fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("name", assignments())
def test_every_message_has_every_language_with_the_same_fields(name):
    assignment = assignments()[name]
    languages = {e.language for e in assignment.editions}
    assert languages <= set(LANGUAGES)
    for key, templates in assignment.catalog.templates.items():
        assert set(templates) >= languages, f"{key} lacks {languages - set(templates)}"
        assert len({frozenset(fields(t)) for t in templates.values()}) == 1, f"{key}: the languages fill other fields"


@pytest.mark.parametrize("name", assignments())
def test_every_case_title_renders_in_every_language(name):
    assignment = assignments()[name]
    languages = [e.language for e in assignment.editions]
    for cases in assignment.cases.values():
        for case in cases:
            for language in languages:
                assert assignment.catalog.render(case.title, language)
            if "zh-CN" in languages:
                assert CJK.search(assignment.catalog.render(case.title, "zh-CN")), case.title


def test_the_common_messages_are_in_every_language():
    assert all(set(templates) == set(LANGUAGES) for templates in COMMON.values())


def test_a_catalog_refuses_a_key_defined_twice_and_text_that_is_not_a_message():
    with pytest.raises(ValueError, match="defined twice"):
        Catalog(COMMON, {"pass": {"en": "OK"}})
    with pytest.raises(TypeError, match="expected a Message"):
        Catalog(COMMON).render("PASS", "en")


def test_messages_from_a_child_are_trusted_for_nothing():
    catalog = DINO.catalog
    unreadable = say("unreadable_message")
    assert from_plain({"key": "raised", "values": {"error": "E"}}, catalog) == say("raised", error="E")
    for forged in (
        {"key": "no such key", "values": {}},
        {"key": "raised", "values": {}},  # a missing field
        {"key": "raised", "values": {"error": [1, 2]}},
        "raised",
        None,
        {
            "key": "cell_raised",
            "values": {
                "problem": {
                    "key": "cell_raised",
                    "values": {
                        "problem": {
                            "key": "cell_raised",
                            "values": {
                                "problem": {
                                    "key": "cell_raised",
                                    "values": {"problem": {"key": "raised", "values": {"error": "deep"}}},
                                }
                            },
                        }
                    },
                }
            },
        },
    ):
        assert from_plain(forged, catalog) == unreadable, forged


@pytest.fixture(scope="module")
def graded_editions(tmp_path_factory):
    root = tmp_path_factory.mktemp("in")
    wrong_clip = edited("clip", "-maxValue, maxValue)", "-10, 10)")
    for student, language in (("wang", "zh-CN"), ("ann", "en")):
        folder = root / student
        folder.mkdir()
        nbformat.write(
            submission(solved=("clip", "sample"), replace={"clip": wrong_clip}, language=language),
            folder / f"{DINO.name}.ipynb",
        )
    out = tmp_path_factory.mktemp("out")
    grader.grade_submissions(DINO, root, out, jobs=2)
    return out


def test_a_chinese_edition_student_reads_chinese_feedback(graded_editions):
    page = (graded_editions / "wang" / "feedback.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for phrase in (
        "未通过 [公开] 公开示例，maxValue 为 5",
        "通过 [隐藏] 没有需要裁剪的值（maxValue 为 100）",
        "返回的字典['dWax'] 的 15 个元素中有 7 个不同；第一个在下标 [0, 0]：得到 10.0，应为 5.0",
        "抛出了异常 NotImplementedError",
        "满分 12 分",
    ):
        assert phrase in page.replace("&#x27;", "'"), phrase
    results = json.loads((graded_editions / "wang" / "results.json").read_text(encoding="utf-8"))
    assert "未通过 [公开]" in results["tests"][0]["output"] and results["extra_data"]["language"] == "zh-CN"


def test_an_english_edition_student_reads_english_feedback_and_remarks_stay_english(graded_editions):
    page = (graded_editions / "ann" / "feedback.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "FAIL [public] the public example, maxValue 5" in page
    assert not CJK.search(page.replace(DINO.title, ""))
    grades = (graded_editions / "grades.csv").read_text(encoding="utf-8")
    assert not CJK.search(grades), "grades.csv is the instructor's, in English"


def test_every_key_the_code_says_is_in_the_catalogs():
    used = {}
    for path in sorted((COURSE_ROOT / "autograder").rglob("*.py")):
        for key in re.findall(r"\b(?:say|problem)\(\"([a-z_]+)\"", path.read_text(encoding="utf-8")):
            used.setdefault(key, path.relative_to(COURSE_ROOT).as_posix())
    assert len(used) > 50
    for name, assignment in assignments().items():
        own = {
            key: where for key, where in used.items() if f"assignments/{name}/" in where or "/assignments/" not in where
        }
        missing = {key: where for key, where in own.items() if key not in assignment.catalog.templates}
        assert not missing, f"{name}: keys said but not in the catalog: {missing}"
