"""The grading cases of Dinosaur Island's four exercises, defined once for every way of grading.

A case builds its arguments from a fixed seed, and its expected result is what the reference
solution does with the same arguments on the same machine. Its check compares the two and
returns a list of messages, empty when the case passes. The messages of a public case may show
expected values (the students have them already); those of a hidden case say which property
failed and by how much, never what the expected value is.

The nbgrader hidden test cells (autograder.grading.kernel) and the project's grader both use
CASES; nothing else defines a case. What the cases say (titles, labels, failures) is in MESSAGES,
in every language of the assignment's editions.
"""

import importlib.util
import string

import numpy as np

from ...course import COURSE_ROOT, DATA_DIR
from ...grading.checks import Case, close, is_array, same_dict_of_arrays
from ...grading.messages import say

GRADIENT_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
PARAMETER_KEYS = ("Wax", "Waa", "Wya", "b", "by")


# ---------------------------------------------------------------------------------------------
# building arguments


def _load_public_examples():
    """utils/public_examples.py, loaded by its path: the public examples are built as the public
    tests build them, and the utils package is not imported here (the sandbox imports the
    release's own copy)."""
    path = COURSE_ROOT / "utils" / "public_examples.py"
    spec = importlib.util.spec_from_file_location("dinosaur_public_examples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLES = _load_public_examples()


def _vocabulary(chars):
    """Plain char_to_ix and ix_to_char dicts, the newline first, then sorted characters."""
    ordered = ["\n"] + sorted(set(chars) - {"\n"})
    return {c: i for i, c in enumerate(ordered)}, {i: c for i, c in enumerate(ordered)}


def _gradients(seed, n_a, vocab_size, scale, extra_key=False):
    rng = np.random.RandomState(seed)
    shapes = {
        "dWaa": (n_a, n_a),
        "dWax": (n_a, vocab_size),
        "dWya": (vocab_size, n_a),
        "db": (n_a, 1),
        "dby": (vocab_size, 1),
    }
    gradients = {k: rng.randn(*s) * scale for k, s in shapes.items()}
    if extra_key:
        gradients["da_next"] = rng.randn(n_a, 1) * scale  # rnn_backward returns this key too
    return gradients


def _synthetic_names(seed, count, letters):
    """count pronounceable-looking names made of letters, alternating consonant and vowel."""
    rng = np.random.RandomState(seed)
    vowels = [c for c in letters if c in "aeiou"]
    consonants = [c for c in letters if c not in "aeiou"]
    names = []
    for _ in range(count):
        length = rng.randint(3, 9)
        names.append("".join(rng.choice(consonants if i % 2 == 0 else vowels) for i in range(length)))
    return names


# ---------------------------------------------------------------------------------------------
# clip


def _check_clip(got, want, public):
    problems = same_dict_of_arrays(
        say("returned_dict"), got["result"], want["result"], GRADIENT_KEYS, public, rtol=0, atol=0
    )
    if any(not np.array_equal(got["gradients_after"][k], want["gradients_after"][k]) for k in GRADIENT_KEYS):
        problems.append(say("clip_changed_argument"))
    return problems


def _clip_cases():
    def public(max_value):
        return lambda: {"gradients": EXAMPLES.public_gradients(), "maxValue": max_value}

    return [
        Case(say("clip_public", max_value=10), True, public(10), _check_clip),
        Case(say("clip_public", max_value=5), True, public(5), _check_clip),
        Case(
            say("clip_other_shapes", n_a=12, vocabulary=9, max_value=1.5),
            False,
            lambda: {"gradients": _gradients(11, 12, 9, 4.0), "maxValue": 1.5},
            _check_clip,
        ),
        Case(
            say("clip_extra_key", max_value=0.5),
            False,
            lambda: {"gradients": _gradients(12, 6, 4, 1.0, extra_key=True), "maxValue": 0.5},
            _check_clip,
        ),
        Case(
            say("clip_nothing_to_clip", max_value=100),
            False,
            lambda: {"gradients": _gradients(13, 8, 27, 1.0), "maxValue": 100},
            _check_clip,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# sample


def _check_sample(got, want, public):
    indices, expected = got["result"], want["result"]
    newline = expected[-1]  # the reference always ends with the newline index
    vocab_size = want["parameters_after"]["by"].shape[0]
    if not isinstance(indices, list):
        return [say("sample_not_list", type=type(indices).__name__)]
    problems = []
    if not all(type(ix) is int for ix in indices):
        problems.append(say("sample_index_not_int"))
    elif not all(0 <= ix < vocab_size for ix in indices):
        problems.append(say("sample_index_range"))
    if len(indices) > 51:
        problems.append(say("sample_too_long", count=len(indices)))
    if not indices or indices[-1] != newline:
        problems.append(say("sample_no_newline"))
    if not problems and indices != expected:
        first = next((i for i, (a, b) in enumerate(zip(indices, expected)) if a != b), min(len(indices), len(expected)))
        if public:
            problems.append(
                say(
                    "sample_differs_public",
                    position=first,
                    got=str(indices[first : first + 5]),
                    want=str(expected[first : first + 5]),
                    indices=str(indices),
                    expected=str(expected),
                )
            )
        else:
            problems.append(say("sample_differs_hidden", position=first))
    if not _parameters_unchanged(got["parameters_after"], want["parameters_after"]):
        problems.append(say("sample_changed_parameters"))
    return problems


def _parameters_unchanged(got, want):
    return isinstance(got, dict) and all(
        k in got and is_array(got[k]) and np.array_equal(got[k], want[k]) for k in PARAMETER_KEYS
    )


def _public_sample():
    char_to_ix, _ = _vocabulary("\n" + string.ascii_lowercase)
    return {"parameters": EXAMPLES.public_sample_parameters(), "char_to_ix": char_to_ix, "seed": 0}


def _sample_case(title, seed, n_a, chars, sample_seed, scale=1.0, never_end=False):
    """A hidden case of sample."""

    def build():
        char_to_ix, _ = _vocabulary(chars)
        parameters = EXAMPLES.random_parameters(n_a, len(char_to_ix), np.random.RandomState(seed), scale)
        if never_end:
            parameters["by"][char_to_ix["\n"]] = -1e3  # the newline is never drawn
        return {"parameters": parameters, "char_to_ix": char_to_ix, "seed": sample_seed}

    return Case(title, False, build, _check_sample)


def _sample_cases():
    letters = "\n" + string.ascii_lowercase
    return [
        Case(say("sample_public", seed=24, n_a=100), True, _public_sample, _check_sample),
        _sample_case(say("sample_other_seed", n_a=30), 5, 30, letters, 7, scale=0.7),
        _sample_case(say("small_vocabulary", vocabulary=9), 9, 16, "\nabcdefgh", 2, scale=0.5),
        _sample_case(say("sample_never_ends", limit=50), 21, 10, letters, 4),
    ]


# ---------------------------------------------------------------------------------------------
# optimize


def _check_optimize(got, want, public):
    result, expected = got["result"], want["result"]
    if not isinstance(result, list) or len(result) != 3:
        return [say("optimize_not_tuple")]
    loss, gradients, a_last = result
    exp_loss, exp_gradients, exp_a_last = expected
    problems = close(say("the_loss"), loss, exp_loss, public, rtol=1e-9, atol=0)
    problems += same_dict_of_arrays(say("the_gradients"), gradients, exp_gradients, GRADIENT_KEYS, public)
    if (
        isinstance(gradients, dict)
        and all(is_array(gradients.get(k)) for k in GRADIENT_KEYS)
        and any(np.abs(gradients[k]).max() > 5 for k in GRADIENT_KEYS)
    ):
        problems.append(say("gradients_not_clipped"))
    problems += close(say("a_last"), a_last, exp_a_last, public)
    problems += same_dict_of_arrays(
        say("parameters_after_step"), got["parameters_after"], want["parameters_after"], PARAMETER_KEYS, public
    )
    return problems


def _public_optimize():
    X, Y, a_prev, parameters = EXAMPLES.public_optimize_arguments()
    return {"X": X, "Y": Y, "a_prev": a_prev, "parameters": parameters, "learning_rate": 0.01}


def _optimize_case(title, seed, n_a, vocab_size, X, Y, lr, scale=1.0, a_scale=1.0):
    """A hidden case of optimize."""

    def build():
        rng = np.random.RandomState(seed)
        a_prev = np.tanh(rng.randn(n_a, 1) * a_scale)
        parameters = EXAMPLES.random_parameters(n_a, vocab_size, rng, scale)
        return {"X": list(X), "Y": list(Y), "a_prev": a_prev, "parameters": parameters, "learning_rate": lr}

    return Case(title, False, build, _check_optimize)


def _optimize_cases():
    return [
        Case(say("optimize_public", seed=1), True, _public_optimize, _check_optimize),
        _optimize_case(
            say("optimize_starts_with_none", n_a=20, rate=0.05),
            2,
            20,
            27,
            [None, 20, 18, 5, 24],
            [20, 18, 5, 24, 0],
            0.05,
            scale=0.3,
        ),
        _optimize_case(
            say("optimize_large_weights", limit=5),
            3,
            12,
            27,
            [None, 1, 14, 11, 25, 12, 15, 19, 1, 21, 18, 21, 19],
            [1, 14, 11, 25, 12, 15, 19, 1, 21, 18, 21, 19, 0],
            0.01,
            scale=3.0,
        ),
        _optimize_case(
            say("optimize_small_vocabulary", vocabulary=9, n_a=7, rate=0.1),
            4,
            7,
            9,
            [None, 3, 1, 8, 8],
            [3, 1, 8, 8, 0],
            0.1,
            scale=0.5,
            a_scale=0.5,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# model


def _check_model(got, want, public):
    result, expected = got["result"], want["result"]
    if not isinstance(result, list) or len(result) != 2:
        return [say("model_not_tuple")]
    parameters, last_name = result
    problems = same_dict_of_arrays(
        say("trained_parameters"), parameters, expected[0], PARAMETER_KEYS, public, rtol=1e-6, atol=1e-9
    )
    if not isinstance(last_name, str):
        problems.append(say("last_name_not_str", type=type(last_name).__name__))
    elif last_name != expected[1]:
        if public:
            problems.append(say("last_name_public", got=repr(last_name), want=repr(expected[1])))
        else:
            problems.append(say("last_name_hidden" if last_name.endswith("\n") else "last_name_no_newline"))
    return problems


def _model_case(title, public, names, num_iterations, n_a, dino_names):
    def build():
        data_x = names()
        char_to_ix, ix_to_char = _vocabulary("".join(data_x))
        return {
            "data_x": data_x,
            "ix_to_char": ix_to_char,
            "char_to_ix": char_to_ix,
            "num_iterations": num_iterations,
            "n_a": n_a,
            "dino_names": dino_names,
            "vocab_size": len(char_to_ix),
            "verbose": False,
        }

    return Case(title, public, build, _check_model)


def _dino_names():
    return (DATA_DIR / "dinos.txt").read_text(encoding="utf-8").lower().split("\n")


def _model_cases():
    def some_dinos():
        names = _dino_names()
        picked = np.random.RandomState(4).choice(len(names), 40, replace=False)
        return [names[i] for i in sorted(picked)]

    # Every grader runs these for every student, so they train briefly: the public test's 2001
    # iterations on all the names (model_test in the notebook) cost a second per student. A
    # mistake in the order of the examples, X and Y, the learning rate or the hidden state
    # carried from one step to the next shows in the trained parameters after a few steps; the
    # two shorter lists are gone through more than twice, which checks the wrap-around.
    return [
        _model_case(say("model_all_names", iterations=101, n_a=50, per_print=7), False, _dino_names, 101, 50, 7),
        _model_case(
            say("model_some_names", count=40, iterations=101, n_a=16, per_print=3), False, some_dinos, 101, 16, 3
        ),
        _model_case(
            say("model_other_names", vocabulary=10, iterations=71, n_a=12),
            False,
            lambda: _synthetic_names(6, 30, "aeioustrnk"),
            71,
            12,
            2,
        ),
    ]


CASES = {
    "clip": _clip_cases(),
    "sample": _sample_cases(),
    "optimize": _optimize_cases(),
    "model": _model_cases(),
}


# What the cases say, in the languages of the editions (see autograder/grading/messages.py).
MESSAGES = {
    # labels
    "returned_dict": {"en": "the returned dict", "zh-CN": "返回的字典"},
    "the_loss": {"en": "the loss", "zh-CN": "损失（loss）"},
    "the_gradients": {"en": "the gradients", "zh-CN": "梯度（gradients）"},
    "a_last": {"en": "a_last", "zh-CN": "a_last"},
    "parameters_after_step": {"en": "the parameters after the step", "zh-CN": "更新一步之后的参数"},
    "trained_parameters": {"en": "the trained parameters", "zh-CN": "训练得到的参数"},
    # case titles
    "clip_public": {"en": "the public example, maxValue {max_value}", "zh-CN": "公开示例，maxValue 为 {max_value}"},
    "clip_other_shapes": {
        "en": "other shapes (n_a {n_a}, vocabulary {vocabulary}), maxValue {max_value}",
        "zh-CN": "其他形状（n_a {n_a}，词表大小 {vocabulary}），maxValue 为 {max_value}",
    },
    "clip_extra_key": {
        "en": "gradients with the extra key 'da_next', maxValue {max_value}",
        "zh-CN": "梯度字典多一个键 'da_next'，maxValue 为 {max_value}",
    },
    "clip_nothing_to_clip": {
        "en": "nothing to clip (maxValue {max_value})",
        "zh-CN": "没有需要裁剪的值（maxValue 为 {max_value}）",
    },
    "sample_public": {
        "en": "the public example (seed {seed}, n_a {n_a})",
        "zh-CN": "公开示例（种子 {seed}，n_a {n_a}）",
    },
    "sample_other_seed": {"en": "n_a {n_a}, another seed", "zh-CN": "n_a 为 {n_a}，另一个种子"},
    "small_vocabulary": {"en": "a vocabulary of {vocabulary} characters", "zh-CN": "只有 {vocabulary} 个字符的词表"},
    "sample_never_ends": {
        "en": "a model that never writes a newline (stop at {limit})",
        "zh-CN": "一个从不生成换行符的模型（到 {limit} 个字符时停止）",
    },
    "optimize_public": {"en": "the public example (seed {seed})", "zh-CN": "公开示例（种子 {seed}）"},
    "optimize_starts_with_none": {
        "en": "a name starting with None, n_a {n_a}, learning rate {rate}",
        "zh-CN": "以 None 开头的名字，n_a {n_a}，学习率 {rate}",
    },
    "optimize_large_weights": {
        "en": "large weights: the gradients must be clipped at {limit}",
        "zh-CN": "权重很大：梯度必须裁剪到 {limit}",
    },
    "optimize_small_vocabulary": {
        "en": "a vocabulary of {vocabulary} characters, n_a {n_a}, learning rate {rate}",
        "zh-CN": "只有 {vocabulary} 个字符的词表，n_a {n_a}，学习率 {rate}",
    },
    "model_all_names": {
        "en": "the dinosaur names, {iterations} iterations, n_a {n_a}, {per_print} names per print",
        "zh-CN": "全部恐龙名字，{iterations} 次迭代，n_a {n_a}，每次打印 {per_print} 个名字",
    },
    "model_some_names": {
        "en": "{count} of the names, {iterations} iterations, n_a {n_a}, {per_print} names per print",
        "zh-CN": "其中 {count} 个名字，{iterations} 次迭代，n_a {n_a}，每次打印 {per_print} 个名字",
    },
    "model_other_names": {
        "en": "other names with a vocabulary of {vocabulary} characters, {iterations} iterations, n_a {n_a}",
        "zh-CN": "其他名字，词表有 {vocabulary} 个字符，{iterations} 次迭代，n_a {n_a}",
    },
    # what the checks say
    "clip_changed_argument": {
        "en": "the caller's gradients were changed: clip must leave its argument's arrays as they are",
        "zh-CN": "调用者的梯度被改动了：clip 不能修改传入参数中的数组",
    },
    "sample_not_list": {
        "en": "sample should return a list, got {type}",
        "zh-CN": "sample 应当返回列表（list），得到的是 {type}",
    },
    "sample_index_not_int": {"en": "every index should be an int", "zh-CN": "每个下标都应当是 int"},
    "sample_index_range": {
        "en": "every index should be in [0, vocab_size)",
        "zh-CN": "每个下标都应当在 [0, vocab_size) 范围内",
    },
    "sample_too_long": {
        "en": "at most 50 characters plus the newline may be sampled, got {count} indices",
        "zh-CN": "最多只能采样 50 个字符加一个换行符，得到了 {count} 个下标",
    },
    "sample_no_newline": {
        "en": "the indices must end with the newline index",
        "zh-CN": "下标序列必须以换行符的下标结尾",
    },
    "sample_differs_public": {
        "en": "the sampled indices differ from position {position} on: got {got}..., expected {want}...; "
        "all sampled: {indices}, all expected: {expected}",
        "zh-CN": "采样得到的下标从第 {position} 个位置起不同：得到 {got}……，应为 {want}……；"
        "全部采样结果：{indices}，全部期望值：{expected}",
    },
    "sample_differs_hidden": {
        "en": "the sampled indices differ from the expected ones from position {position} on (check the seeding "
        "protocol and the RNN step)",
        "zh-CN": "采样得到的下标从第 {position} 个位置起与期望值不同（请检查设置随机种子的约定和 RNN 的单步计算）",
    },
    "sample_changed_parameters": {"en": "sample must not change the parameters", "zh-CN": "sample 不能修改参数"},
    "optimize_not_tuple": {
        "en": "optimize should return a tuple (loss, gradients, a_last)",
        "zh-CN": "optimize 应当返回元组 (loss, gradients, a_last)",
    },
    "gradients_not_clipped": {
        "en": "the gradients returned are not clipped to [-5, 5]",
        "zh-CN": "返回的梯度没有裁剪到 [-5, 5]",
    },
    "model_not_tuple": {
        "en": "model should return a tuple (parameters, last_dino_name)",
        "zh-CN": "model 应当返回元组 (parameters, last_dino_name)",
    },
    "last_name_not_str": {
        "en": "last_dino_name should be a str, got {type}",
        "zh-CN": "last_dino_name 应当是字符串（str），得到的是 {type}",
    },
    "last_name_public": {
        "en": "last_dino_name is {got}, expected {want}",
        "zh-CN": "last_dino_name 是 {got}，应为 {want}",
    },
    "last_name_hidden": {
        "en": "last_dino_name is not the name the reference samples last",
        "zh-CN": "last_dino_name 不是参考答案最后采样出的名字",
    },
    "last_name_no_newline": {
        "en": "last_dino_name is not the name the reference samples last (it should keep its trailing newline)",
        "zh-CN": "last_dino_name 不是参考答案最后采样出的名字（它应当保留末尾的换行符）",
    },
}
