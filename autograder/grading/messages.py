"""What the graders say, in the language of the notebook's edition.

No check, no case and no step of the grader writes prose for a student. Each returns a Message: a
key into a catalog and the values that fill its template. The report renders a Message in the
language of the submission's edition (feedback.html, results.json, nbgrader's test cells) or in
English (grades.csv, which is the instructor's). A catalog is a dict {key: {language: template}};
the templates use str.format fields, and a value may itself be a Message, rendered in the same
language, or a list of them. COMMON below holds what the checks and the grader say; each
assignment's cases.py adds its own catalog, MESSAGES, for its case titles, labels and checks.

What stays untranslated: the text Python gives an exception raised by student code (it is the
student's own error), and what a process that ran student code sends back (it is quoted as is).
"""

from dataclasses import dataclass

LANGUAGES = ("en", "zh-CN")  # every template of a catalog has these; English is the fallback
MAX_VALUE = 2000  # characters of a quoted value (a student's text) kept in a rendered message


@dataclass(frozen=True)
class Message:
    key: str
    values: tuple = ()  # ((name, value), ...): a Message is hashable and immutable

    @property
    def fields(self):
        return dict(self.values)


@dataclass(frozen=True)
class Listing:
    """A list of values, rendered one after the other with the language's separator."""

    items: tuple


def say(key, /, **values):
    """The Message key with its values: numbers, strings, Messages, or lists of them (a list is
    rendered as its items separated the way the language separates them)."""
    return Message(key, tuple((name, Listing(tuple(v)) if isinstance(v, list) else v) for name, v in values.items()))


def verbatim(text):
    """A text quoted as it is in every language (an exception's message, a child's report)."""
    return say("verbatim", text=str(text))


def from_plain(data, catalog, depth=0):
    """The Message that a process running student code sent as plain data ({"key": ...,
    "values": {...}}, see capture.problem). Such data was written next to student code, so it is
    trusted for nothing: an unknown key, a value of another kind or deeper nesting than the
    grader ever sends gives the message "unreadable_message" instead."""
    if (
        type(data) is not dict
        or set(data) != {"key", "values"}
        or type(data["key"]) is not str
        or data["key"] not in catalog.templates
        or type(data["values"]) is not dict
        or depth > 3
    ):
        return say("unreadable_message")
    values = {}
    for name, value in data["values"].items():
        if type(value) is dict:
            value = from_plain(value, catalog, depth + 1)
            if value.key == "unreadable_message":
                return value
        elif type(name) is not str or type(value) not in (str, int, float):
            return say("unreadable_message")
        values[name] = value
    message = say(data["key"], **values)
    try:
        catalog.render(message, "en")
    except (KeyError, IndexError, ValueError, TypeError):  # values that do not fit the template
        return say("unreadable_message")
    return message


class Catalog:
    """Templates looked up by key, from several catalogs (later ones may add keys, never replace)."""

    def __init__(self, *tables):
        self.templates = {}
        for table in tables:
            for key, templates in table.items():
                if key in self.templates:
                    raise ValueError(f"message {key!r} is defined twice")
                self.templates[key] = templates

    def render(self, message, language):
        """The text of message in language (English where the catalog has no such template)."""
        if isinstance(message, str):
            raise TypeError(f"expected a Message, got the text {message!r}: say() what you mean")
        templates = self.templates[message.key]
        template = templates.get(language) or templates["en"]
        values = {name: self._value(value, language) for name, value in message.values}
        return template.format(**values)

    def _value(self, value, language):
        if isinstance(value, Message):
            return self.render(value, language)
        if isinstance(value, Listing):
            separator = self.templates["list_separator"].get(language) or self.templates["list_separator"]["en"]
            return separator.join(str(self._value(v, language)) for v in value.items)
        if isinstance(value, str) and len(value) > MAX_VALUE:
            return value[:MAX_VALUE] + " [...]"
        return value


COMMON = {
    "verbatim": {"en": "{text}", "zh-CN": "{text}"},
    "list_separator": {"en": ", ", "zh-CN": "、"},
    # verdicts
    "verdict": {"en": "{verdict} [{kind}] {title}", "zh-CN": "{verdict} [{kind}] {title}"},
    "pass": {"en": "PASS", "zh-CN": "通过"},
    "fail": {"en": "FAIL", "zh-CN": "未通过"},
    "public": {"en": "public", "zh-CN": "公开"},
    "hidden": {"en": "hidden", "zh-CN": "隐藏"},
    "exercise_summary": {
        "en": "{exercise}: {passed} of {hidden} hidden cases passed, {points:g} of {max_points:g} points "
        "(the public example is not scored)",
        "zh-CN": "{exercise}：{hidden} 个隐藏用例中通过 {passed} 个，得 {points:g} 分（满分 {max_points:g}；"
        "公开示例不计分）",
    },
    # what a process running student code reports (capture, sandbox)
    "unreadable_message": {
        "en": "the grading process sent a message that could not be read",
        "zh-CN": "评分进程发回的消息无法读取",
    },
    "the_result": {"en": "the result", "zh-CN": "返回值"},
    "argument_after_call": {"en": "the argument {name} after the call", "zh-CN": "调用之后的参数 {name}"},
    "not_plain_dtype": {
        "en": "{what}{path} is an array of dtype {dtype}; expected numbers",
        "zh-CN": "{what}{path} 是 dtype 为 {dtype} 的数组；应为数值",
    },
    "not_plain_key": {
        "en": "{what}{path} has a key of type {type}; expected str or int keys",
        "zh-CN": "{what}{path} 有一个类型为 {type} 的键；键应为 str 或 int",
    },
    "not_plain_type": {
        "en": "{what}{path} is of type {type}; expected numbers, lists, dicts or arrays",
        "zh-CN": "{what}{path} 的类型是 {type}；应为数值、列表、字典或数组",
    },
    "raised": {"en": "raised {error}", "zh-CN": "抛出了异常 {error}"},
    "raised_at_line": {
        "en": "raised {error} (line {line} of your cell)",
        "zh-CN": "抛出了异常 {error}（在你的单元格第 {line} 行）",
    },
    "syntax_error": {
        "en": "the cell has a syntax error on line {line}: {error}",
        "zh-CN": "单元格第 {line} 行有语法错误：{error}",
    },
    "cannot_compile": {"en": "the cell cannot be compiled: {error}", "zh-CN": "单元格无法编译：{error}"},
    "ipython_lines": {
        "en": "the IPython commands (% or !) on lines {lines} of the cell were not run: the grader runs "
        "Python only, so keep them out of graded cells",
        "zh-CN": "单元格第 {lines} 行的 IPython 命令（% 或 !）没有运行：评分程序只运行 Python，"
        "所以请不要把它们放在评分单元格里",
    },
    "cell_raised": {"en": "running the cell {problem}", "zh-CN": "运行单元格时{problem}"},
    "no_function": {"en": "the cell does not define the function {name}()", "zh-CN": "单元格没有定义函数 {name}()"},
    # what the checks say
    "item": {"en": "{label}['{key}']", "zh-CN": "{label}['{key}']"},
    "should_be_numbers": {
        "en": "{label} should be numbers, got {type}",
        "zh-CN": "{label} 应当是数值，得到的是 {type}",
    },
    "wrong_shape": {"en": "{label} has shape {got}, expected {want}", "zh-CN": "{label} 的形状是 {got}，应为 {want}"},
    "not_finite": {"en": "{label} contains nan or inf", "zh-CN": "{label} 含有 nan 或 inf"},
    "differs_number": {"en": "{label} is {got}, expected {want}", "zh-CN": "{label} 是 {got}，应为 {want}"},
    "differs_at": {
        "en": "{label} differs in {count} of {total} entries; the first at index {index}: got {got}, expected {want}",
        "zh-CN": "{label} 的 {total} 个元素中有 {count} 个不同；第一个在下标 {index}：得到 {got}，应为 {want}",
    },
    "differs_hidden": {
        "en": "{label} differs from the expected value in {count} of {total} entries "
        "(largest relative difference {diff:.1e})",
        "zh-CN": "{label} 与期望值不同：{total} 个元素中有 {count} 个不同（最大相对误差 {diff:.1e}）",
    },
    "differs_hidden_number": {
        "en": "{label} differs from the expected value by {diff:.1e} (relative)",
        "zh-CN": "{label} 与期望值的相对误差为 {diff:.1e}",
    },
    "should_be_dict": {
        "en": "{label} should be a dict, got {type}",
        "zh-CN": "{label} 应当是字典（dict），得到的是 {type}",
    },
    "exact_keys": {"en": "{label} should have exactly the keys {keys}", "zh-CN": "{label} 的键应当恰好是 {keys}"},
    "unexpected_keys": {"en": "{label} has unexpected keys: {keys}", "zh-CN": "{label} 多出了这些键：{keys}"},
    "missing_keys": {"en": "{label} lacks the keys: {keys}", "zh-CN": "{label} 缺少这些键：{keys}"},
    "should_be_array": {
        "en": "{label} should be an array of numbers, got {type}",
        "zh-CN": "{label} 应当是数值数组，得到的是 {type}",
    },
    # why a case has no result (how the process running it ended)
    "timeout": {
        "en": "not finished within the time limit of {seconds:g} s per exercise (an endless loop? very slow code?)",
        "zh-CN": "未能在每道练习 {seconds:g} 秒的时限内完成（死循环？代码太慢？）",
    },
    "flood": {
        "en": "not finished: the code wrote too much data and was stopped",
        "zh-CN": "未完成：代码输出的数据过多，已被停止",
    },
    "lost": {
        "en": "not finished: the grading process stopped while it ran this exercise",
        "zh-CN": "未完成：评分进程在运行这道练习时停止了",
    },
    "killed": {
        "en": "not finished: the process running the code was killed ({signal})",
        "zh-CN": "未完成：运行代码的进程被终止（{signal}）",
    },
    "killed_memory": {
        "en": "not finished: the process running the code was killed ({signal}), perhaps for using too much memory",
        "zh-CN": "未完成：运行代码的进程被终止（{signal}），可能是因为占用内存过多",
    },
    "memory_limit": {
        "en": "ran out of memory: each exercise may allocate {megabytes} MB (MemoryError)",
        "zh-CN": "内存不足：每道练习最多可分配 {megabytes} MB（MemoryError）",
    },
    "exited": {
        "en": "not finished: the process running the code exited with status {code} (os._exit or sys.exit?)",
        "zh-CN": "未完成：运行代码的进程以状态 {code} 退出（调用了 os._exit 或 sys.exit？）",
    },
    "unexpected_form": {
        "en": "the result has an unexpected form and could not be checked",
        "zh-CN": "结果的形式出乎意料，无法检查",
    },
    "notebook_unread": {"en": "the notebook could not be read", "zh-CN": "无法读取这个 notebook"},
    # finding the graded cells (notebooks.locate)
    "duplicate_marker": {
        "en": "{marker} marks {count} cells ({cells}); the last one, cell {cell}, was graded",
        "zh-CN": "{marker} 标记了 {count} 个单元格（{cells}）；评分的是最后一个，第 {cell} 个单元格",
    },
    "marker_line": {
        "en": "cell {cell}: the marker line reads {line!r}; it should start with '# {marker}'",
        "zh-CN": "第 {cell} 个单元格：标记行是 {line!r}，应当以 '# {marker}' 开头",
    },
    "found_by_id": {
        "en": "no cell starts with the {marker} marker line; cell {cell} was found by its nbgrader id {name!r} and "
        "graded. Keep the marker line.",
        "zh-CN": "没有单元格以 {marker} 标记行开头；第 {cell} 个单元格是凭它的 nbgrader id {name!r} 找到并评分的。"
        "请保留标记行。",
    },
    "wrong_cell_type": {
        "en": "cell {cell} ({marker}) is a {cell_type} cell; it was graded as code. Change it back to a code cell.",
        "zh-CN": "第 {cell} 个单元格（{marker}）是 {cell_type} 单元格；它已按代码评分。请把它改回代码单元格。",
    },
    "no_cell": {
        "en": "no cell is marked {marker} ({name}): the cell was deleted or its first line changed, so {name} scores 0",
        "zh-CN": "没有单元格带有标记 {marker}（{name}）：该单元格被删除了，或者它的第一行被改动了，所以 {name} 得 0 分",
    },
    # reading the notebook file (notebooks.read_cells)
    "cells_skipped": {
        "en": "these cells of the notebook are not well-formed and were skipped: {cells}",
        "zh-CN": "notebook 的第 {cells} 个单元格格式不正确，已跳过",
    },
    "bad_bytes": {
        "en": "the file has bytes that are not UTF-8 (in these cells: {cells}); they were read as \ufffd",
        "zh-CN": "文件中有不是 UTF-8 的字节（在第 {cells} 个单元格中）；它们被读作 \ufffd",
    },
    "bad_bytes_elsewhere": {
        "en": "the file has bytes that are not UTF-8 (in the notebook's metadata or outputs); they were read as \ufffd",
        "zh-CN": "文件中有不是 UTF-8 的字节（在 notebook 的元数据或输出中）；它们被读作 \ufffd",
    },
    "file_problem": {"en": "{file}: {problem}", "zh-CN": "{file}：{problem}"},
    "too_big": {
        "en": "the file is {size:.0f} MB; notebooks over {limit} MB are not read",
        "zh-CN": "文件大小为 {size:.0f} MB；超过 {limit} MB 的 notebook 不予读取",
    },
    "cannot_read": {"en": "cannot be read ({reason})", "zh-CN": "无法读取（{reason}）"},
    "empty_file": {
        "en": "the file is empty: the notebook was not saved before it was submitted",
        "zh-CN": "文件是空的：提交之前没有保存 notebook",
    },
    "invalid_json": {
        "en": "not a notebook: invalid JSON at line {line}, column {column} ({reason}); the file may have been cut off "
        "while saving",
        "zh-CN": "不是 notebook：第 {line} 行第 {column} 列的 JSON 无效（{reason}）；文件可能在保存时被截断了",
    },
    "json_too_deep": {"en": "not a notebook: its JSON is nested too deeply", "zh-CN": "不是 notebook：JSON 嵌套太深"},
    "json_not_object": {
        "en": "not a notebook: the file holds a JSON {kind}, not an object",
        "zh-CN": "不是 notebook：文件里是 JSON {kind}，而不是对象",
    },
    "no_cells": {"en": "not a notebook: it has no cells", "zh-CN": "不是 notebook：没有任何单元格"},
    "unforeseen": {"en": "could not be read ({error})", "zh-CN": "无法读取（{error}）"},
    # which file of a student was graded (intake, lms)
    "no_notebook_in_folder": {
        "en": "{folder}/: no .ipynb file in this folder",
        "zh-CN": "{folder}/：文件夹中没有 .ipynb 文件",
    },
    "several_notebooks": {
        "en": "{count} notebooks in the folder; graded {graded}, not {others}",
        "zh-CN": "文件夹中有 {count} 个 notebook；评分的是 {graded}，不是 {others}",
    },
    "same_student_id": {
        "en": "another submission is also named {student!r}; this one is graded as {renamed}",
        "zh-CN": "另一份提交也叫 {student!r}；这一份按 {renamed} 评分",
    },
    "latest_of_several": {
        "en": "{count} files handed in; graded the latest, {graded}; not {others}",
        "zh-CN": "共交了 {count} 个文件；评分的是最新的 {graded}；没有评 {others}",
    },
    "late_by_lms": {"en": "{lms} marks this submission late", "zh-CN": "{lms} 把这份提交标为迟交"},
    "late_after_due": {
        "en": "late: handed in {time}, after the due date {due}",
        "zh-CN": "迟交：提交于 {time}，晚于截止时间 {due}",
    },
    "no_notebook_from_lms": {
        "en": "the {lms} download holds no .ipynb file of this student",
        "zh-CN": "{lms} 下载的文件中没有这位学生的 .ipynb 文件",
    },
    "late_by": {
        "en": "Late: handed in {hours} h {minutes} min after the due date ({due})",
        "zh-CN": "迟交：在截止时间（{due}）之后 {hours} 小时 {minutes} 分钟才提交",
    },
    "graded_file": {"en": "Notebook: {notebook}", "zh-CN": "Notebook：{notebook}"},
    # the feedback page and the results' text
    "feedback_title": {"en": "{assignment}: feedback for {student}", "zh-CN": "{assignment}：给 {student} 的反馈"},
    "feedback_heading": {"en": "{title}: {student}", "zh-CN": "{title}：{student}"},
    "feedback_score": {
        "en": "Notebook {notebook}: {points:g} of {max_points:g} points.",
        "zh-CN": "Notebook {notebook}：得 {points:g} 分，满分 {max_points:g} 分。",
    },
    "exercise_heading": {
        "en": "{marker} {name}: {points:g} of {max_points:g}",
        "zh-CN": "{marker} {name}：{points:g} / {max_points:g}",
    },
    "note": {"en": "Note: {text}", "zh-CN": "注意：{text}"},
    "not_graded": {"en": "Not graded: {text}", "zh-CN": "未评分：{text}"},
    "hidden_summary": {
        "en": "{passed} of {hidden} hidden cases passed; {points:g} of {max_points:g} points",
        "zh-CN": "{hidden} 个隐藏用例中通过 {passed} 个；得 {points:g} 分，满分 {max_points:g} 分",
    },
    "hidden_details_later": {
        "en": "The hidden cases are listed one by one once the grades are published.",
        "zh-CN": "成绩公布后会逐一列出各个隐藏用例。",
    },
    "hidden_case_test": {
        "en": "{marker} {name}, hidden case {number}: {title}",
        "zh-CN": "{marker} {name}，隐藏用例 {number}：{title}",
    },
    "results_not_written": {
        "en": "results.json and feedback.html were not written: OUT/{folder} is a link or a file ({error})",
        "zh-CN": "未能写入 results.json 和 feedback.html：OUT/{folder} 是链接或文件（{error}）",
    },
    "not_regular_file": {
        "en": "{file} is a link or not a regular file: it was not read",
        "zh-CN": "{file} 是链接或不是普通文件：未读取",
    },
    "isolation": {"en": "Student code ran in: {how}", "zh-CN": "学生代码的运行环境：{how}"},
    "isolation_namespaces": {
        "en": "its own Linux namespaces (no course files, no network, a private /tmp), as a user that owns nothing",
        "zh-CN": "独立的 Linux 命名空间（看不到课程文件，没有网络，私有的 /tmp），以一个不拥有任何文件的用户身份运行",
    },
    "isolation_uid": {
        "en": "a separate process as a user that owns nothing, without namespaces (weaker isolation)",
        "zh-CN": "以一个不拥有任何文件的用户身份运行的独立进程，没有命名空间（隔离较弱）",
    },
    "isolation_process": {
        "en": "a separate process with limits and an audit hook only, without namespaces (the weakest isolation)",
        "zh-CN": "仅有资源限制和审计钩子的独立进程，没有命名空间（隔离最弱）",
    },
}
