"""The checks students run after each exercise of the dinosaur notebook.

Each test calls the student's function on the public example (the one the original assignment
published) and checks the whole contract of the exercise on it: what comes back, what happens to
the arguments, and, for optimize and model, how the provided functions were used. It prints one
line per check, PASS or FAIL; a failed check shows what was expected and what came back, side by
side, and a hint that names the likely mistake. These are the public checks only: grading adds
hidden cases with other seeds, shapes and sizes.

A test whose checks fail raises PublicTestFailed. Errors raised by the student's code pass
through unchanged after a hint is printed. In IPython neither error's traceback shows the frames
of this file: the student reads their own cell, not ours.

The messages are in the language of the notebook's edition (see notebook_language).
"""

import contextlib
import io
import json
import os
import re
import string
import sys
import types
from pathlib import Path

import numpy as np

from .public_examples import public_gradients, public_optimize_arguments, public_sample_parameters
from .rnn import rnn_backward, rnn_forward, softmax
from .text import build_vocabulary, load_corpus

# what the notebook's `from utils.public_tests import *` brings in: the tests, and nothing that
# could shadow a name of the student's
__all__ = ["PublicTestFailed", "clip_test", "model_test", "optimize_test", "sample_test"]

GRADIENT_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
PARAMETER_SHAPES = {"Wax": (50, 27), "Waa": (50, 50), "Wya": (27, 50), "b": (50, 1), "by": (27, 1)}
NOTEBOOK = "dinosaur_island.ipynb"


class PublicTestFailed(AssertionError):
    """Some check of a public test failed; the lines printed above say which and why."""


def _letters_vocabulary():
    """char_to_ix and ix_to_char for the newline and a-z, as built from the dinosaur names."""
    _, char_to_ix, ix_to_char = build_vocabulary("\n" + string.ascii_lowercase)
    return char_to_ix, ix_to_char


# ---------------------------------------------------------------------------------------------
# what the tests say, in English and in Chinese

MESSAGES = {
    "pass": ("PASS", "通过"),
    "fail": ("FAIL", "未通过"),
    "expected": ("expected", "应为"),
    "got": ("got     ", "得到"),
    "hint": ("hint: ", "提示："),
    "all_passed": ("All tests passed for {name}.", "{name} 的所有测试都通过了。"),
    "failed": (
        "{name}: {failed} of {total} checks failed (see the lines above)",
        "{name}：{total} 项检查中有 {failed} 项未通过（见上面各行）",
    ),
    "example": ("{name}, the public example{detail}:", "{name}，公开示例{detail}："),
    "raised": ("FAIL  calling {name} raised {error}: {text}", "未通过  调用 {name} 时抛出了异常 {error}：{text}"),
    "no_hint_for_error": (
        "the traceback below ends at the line of your code that raised it",
        "下面的错误回溯（traceback）最后指向你的代码中抛出异常的那一行",
    ),
    "more": ("(and {count} more)", "（另有 {count} 处）"),
    "clip_detail": (" (maxValue = {m})", "（maxValue = {m}）"),
    "sample_detail": (" (seed 24, n_a 100, vocab_size 27)", "（种子 24，n_a 100，vocab_size 27）"),
    "optimize_detail": (" (seed 1, n_a 100, learning_rate 0.01)", "（种子 1，n_a 100，learning_rate 0.01）"),
    "model_detail": (" (2001 iterations on the dinosaur names)", "（在全部恐龙名字上迭代 2001 次）"),
    "before_clipping": ("{value} before clipping", "裁剪前为 {value}"),
    "moved_by": ("{label} moved by {value}", "{label} 移动了 {value}"),
    "from_index": ("from index {index} on", "从下标 {index} 起"),
    "zeros": ("a_prev = zeros", "a_prev = 零向量"),
    "previous_state": ("a_prev = the a_last the call before returned", "a_prev = 上一次调用返回的 a_last"),
    "other_array": ("another array", "另一个数组"),
    "same_dict": ("the dict model initialised", "model 初始化的那个字典"),
    "other_dict": ("another dict", "另一个字典"),
    # clip
    "clip_dict": ("clip returns a dict", "clip 返回一个字典（dict）"),
    "clip_dict_hint": ("return the dict clipped that you filled", "请返回你填好的字典 clipped"),
    "clip_keys": ("its keys are exactly dWaa, dWax, dWya, db, dby", "它的键恰好是 dWaa、dWax、dWya、db、dby"),
    "clip_da_next": (
        "'da_next' is not a gradient to clip: return only the five gradients (loop over their names, "
        "not over gradients.items())",
        "'da_next' 不是要裁剪的梯度：只返回那五个梯度（按它们的名字循环，而不是遍历 gradients.items()）",
    ),
    "clip_missing": (
        "store every clipped gradient in the dict: clipped[name] = np.clip(...) (np.clip returns a new "
        "array; it does not change its argument)",
        "把每个裁剪后的梯度存进字典：clipped[name] = np.clip(...)（np.clip 返回新数组，不会修改它的参数）",
    ),
    "clip_caller": ("the caller's gradients are unchanged", "调用者传入的梯度没有被改动"),
    "clip_in_place": (
        "you clipped the caller's arrays in place (np.clip(..., out=g) or g[...] = ...): make new "
        "arrays, e.g. np.clip(g, -maxValue, maxValue)",
        "你原地裁剪了调用者的数组（np.clip(..., out=g) 或 g[...] = ...）：请创建新数组，例如 "
        "np.clip(g, -maxValue, maxValue)",
    ),
    "clip_removed_key": (
        "you removed a key from the caller's dict (del or pop): build a new dict instead",
        "你从调用者的字典中删除了键（del 或 pop）：请另建一个新字典",
    ),
    "clip_shapes": (
        "every value is a numpy array of its gradient's shape",
        "每个值都是与对应梯度形状相同的 numpy 数组",
    ),
    "clip_arrays_hint": (
        "store what np.clip returns, an array of the gradient's shape (not a list, not a number)",
        "请存入 np.clip 返回的结果：与梯度形状相同的数组（不是列表，也不是一个数）",
    ),
    "clip_inside": ("values inside [-{m}, {m}] are unchanged", "在 [-{m}, {m}] 之内的值保持不变"),
    "clip_inside_hint": (
        "only values outside the interval change; the rest must stay exactly as they are",
        "只有区间之外的值才改变；其余的值必须原样保留",
    ),
    "clip_above": ("values above {m} become {m}", "大于 {m} 的值变成 {m}"),
    "clip_below": ("values below -{m} become -{m}", "小于 -{m} 的值变成 -{m}"),
    "clip_bound_hint": (
        "clip to [-maxValue, maxValue]: np.clip(g, -maxValue, maxValue), with the argument maxValue "
        "(not a number of your own) and the minus sign on the lower bound",
        "裁剪到 [-maxValue, maxValue]：np.clip(g, -maxValue, maxValue)，使用参数 maxValue"
        "（而不是你自己写的数），下界要带负号",
    ),
    "clip_hard_coded": (
        "these values were clipped at {bound}, not at maxValue = {m}: use the argument maxValue",
        "这些值被裁剪到了 {bound}，而不是 maxValue = {m}：请使用参数 maxValue",
    ),
    "value_is": ("{label} = {got}, as published", "{label} = {got}，与公布的值相同"),
    "value_of": ("{label} is the published value", "{label} 是公布的值"),
    # sample
    "sample_list": ("sample returns a list", "sample 返回一个列表（list）"),
    "sample_list_hint": ("return indices, the list you appended to", "请返回你逐个追加元素的列表 indices"),
    "sample_ints": ("every index is one int in [0, 27)", "每个下标都是 [0, 27) 中的一个整数"),
    "sample_ints_hint": (
        "append the index itself: np.random.choice(vocab_size, p=...) without a size gives one int; "
        "append idx, not a character or an array",
        "追加下标本身：不带 size 参数的 np.random.choice(vocab_size, p=...) 返回一个整数；请追加 idx，而不是字符或数组",
    ),
    "sample_newline": ("the list ends with the newline's index, 0", "列表以换行符的下标 0 结尾"),
    "sample_newline_hint": (
        "the loop stops once the newline is drawn; it is appended like any other index",
        "抽到换行符时循环结束；换行符的下标和其他下标一样要追加到列表里",
    ),
    "sample_parameters": ("the parameters are unchanged", "参数没有被改动"),
    "sample_parameters_hint": (
        "sample only reads the parameters: use new arrays (a = np.tanh(...)), not in-place operations on them",
        "sample 只读取参数：请使用新数组（a = np.tanh(...)），不要对参数做原地运算",
    ),
    "sample_indices": ("the sampled indices are the published ones", "采样得到的下标与公布的相同"),
    "no_seed_call": ("no call of np.random.seed", "没有调用 np.random.seed"),
    "sample_seeding": (
        "draw {draw} came after {got}, expected after np.random.seed({want}): keep the "
        "given line np.random.seed(counter + seed) right before np.random.choice, and seed += 1 and "
        "counter += 1 at the end of each step",
        "第 {draw} 次抽取之前是 {got}，应为 np.random.seed({want})：请保留给出的那一行 "
        "np.random.seed(counter + seed)，紧挨在 np.random.choice 之前，并在每一步结束时执行 seed += 1 "
        "和 counter += 1",
    ),
    "sample_one_hot": (
        "the input x must be the one-hot of the character you just sampled, and only of it: start "
        "from a new zero vector, then x[idx] = 1",
        "输入 x 必须是刚刚采样到的那个字符的独热（one-hot）向量，而且只标记这一个字符：先建一个新的"
        "零向量，再令 x[idx] = 1",
    ),
    "sample_x_fixed": (
        "the input x never changes: after each draw it must become the one-hot of the character drawn",
        "输入 x 一直没有变：每次抽取之后，它必须变成抽到的字符的独热向量",
    ),
    "sample_state": (
        "the hidden state is not carried: after each step, a_prev = a",
        "隐状态没有传下去：每一步之后要令 a_prev = a",
    ),
    "sample_argmax": (
        "draw the character at random with np.random.choice(vocab_size, p=y.ravel()), not the most "
        "likely one (np.argmax)",
        "请用 np.random.choice(vocab_size, p=y.ravel()) 随机抽取字符，而不是取最可能的字符（np.argmax）",
    ),
    "sample_first": (
        "already the first step's probabilities differ: check Step 1 (x and a_prev start as zero "
        "vectors) and Step 2 (a = tanh(Wax x + Waa a_prev + b), y = softmax(Wya a + by))",
        "第一步的概率就不同：请检查第 1 步（x 和 a_prev 都从零向量开始）和第 2 步"
        "（a = tanh(Wax x + Waa a_prev + b)，"
        "y = softmax(Wya a + by)）",
    ),
    "sample_later": (
        "the probabilities of the first {count} steps are right, those of the next are not: check "
        "what is carried to the next step: x = the one-hot of the index just drawn, a_prev = a",
        "前 {count} 步的概率是对的，下一步的却不对：请检查传给下一步的东西：x = 刚抽到的下标的独热向量，a_prev = a",
    ),
    "sample_draw": (
        "the probabilities are right at every step, the draws are not: draw with np.random.choice("
        "vocab_size, p=y.ravel()) right after np.random.seed(counter + seed), and append the index drawn",
        "每一步的概率都是对的，抽取的结果却不对：请紧接在 np.random.seed(counter + seed) 之后用 "
        "np.random.choice(vocab_size, p=y.ravel()) 抽取，并把抽到的下标追加到列表中",
    ),
    "sample_no_draws": (
        "np.random.choice was never called: draw each character with np.random.choice(vocab_size, "
        "p=y.ravel()) right after np.random.seed(counter + seed)",
        "从未调用 np.random.choice：请紧接在 np.random.seed(counter + seed) 之后用 "
        "np.random.choice(vocab_size, p=y.ravel()) 抽取每个字符",
    ),
    "sample_shapes": (
        "the probabilities have the wrong size: keep x a column of shape (vocab_size, 1), like the "
        "zero vector of Step 1, so that a is (n_a, 1) and y is (vocab_size, 1)",
        "概率的个数不对：请让 x 保持为形状 (vocab_size, 1) 的列向量（和第 1 步的零向量一样），"
        "这样 a 的形状是 (n_a, 1)，y 的形状是 (vocab_size, 1)",
    ),
    "sample_ravel": (
        "np.random.choice needs p as a flat array: p=y.ravel()",
        "np.random.choice 需要一维的 p：请用 p=y.ravel()",
    ),
    # optimize
    "optimize_tuple": ("optimize returns (loss, gradients, a_last)", "optimize 返回 (loss, gradients, a_last)"),
    "optimize_tuple_hint": (
        "return the three values in this order: loss, gradients, a[len(X) - 1]",
        "按这个顺序返回三个值：loss、gradients、a[len(X) - 1]",
    ),
    "optimize_loss": ("the loss is the one rnn_forward computes", "损失就是 rnn_forward 计算出的那个值"),
    "optimize_loss_hint": (
        "return the loss of rnn_forward(X, Y, a_prev, parameters), before the update",
        "请返回 rnn_forward(X, Y, a_prev, parameters) 的损失（在更新之前计算）",
    ),
    "optimize_keys": (
        "the gradients have exactly the keys dWaa, dWax, dWya, db, dby",
        "梯度的键恰好是 dWaa、dWax、dWya、db、dby",
    ),
    "optimize_da_next": (
        "'da_next' is there: these are rnn_backward's gradients, not clip's, or your clip keeps "
        "it (does clip's test pass?). Return gradients = clip(gradients, 5)",
        "出现了 'da_next'：这是 rnn_backward 返回的梯度，而不是 clip 的结果，或者你的 clip 保留了它"
        "（clip 的测试通过了吗？）。请返回 gradients = clip(gradients, 5)",
    ),
    "optimize_clipped": ("the gradients returned are clipped to [-5, 5]", "返回的梯度裁剪到了 [-5, 5]"),
    "optimize_not_clipped": (
        "return the clipped gradients: gradients = clip(gradients, 5), and return those",
        "请返回裁剪后的梯度：gradients = clip(gradients, 5)，然后返回它们",
    ),
    "optimize_clip_bound": (
        "the gradients were clipped at {bound}; clip them at 5: clip(gradients, 5)",
        "梯度被裁剪到了 {bound}；请裁剪到 5：clip(gradients, 5)",
    ),
    "optimize_gradients": (
        "the gradients are those of rnn_backward, clipped at 5",
        "梯度就是 rnn_backward 的梯度裁剪到 5 之后的值",
    ),
    "optimize_gradients_hint": (
        "compute them with rnn_backward(X, Y, parameters, cache), using the cache of rnn_forward, before the update",
        "请用 rnn_backward(X, Y, parameters, cache) 计算它们，cache 来自 rnn_forward，并且要在更新之前计算",
    ),
    "optimize_updated": ("the caller's parameters were updated in place", "调用者的参数被原地更新了"),
    "optimize_no_update": (
        "the parameters did not change: call update_parameters(parameters, gradients, "
        "learning_rate); it changes the caller's arrays in place (a new dict would not reach "
        "the caller)",
        "参数没有变化：请调用 update_parameters(parameters, gradients, learning_rate)；它会原地修改"
        "调用者的数组（新建一个字典是传不回调用者的）",
    ),
    "optimize_step": (
        "the update is parameters - learning_rate * (the clipped gradients)",
        "更新是 parameters - learning_rate * （裁剪后的梯度）",
    ),
    "optimize_unclipped": (
        "your update used the gradients before clipping: clip first, then update with the clipped gradients",
        "你的更新用的是裁剪之前的梯度：请先裁剪，再用裁剪后的梯度更新",
    ),
    "optimize_twice": (
        "the parameters moved twice as far: update once per call",
        "参数移动了两倍的距离：每次调用只更新一次",
    ),
    "optimize_sign": (
        "the parameters moved uphill: gradient descent subtracts learning_rate * gradient",
        "参数朝上坡方向移动了：梯度下降是减去 learning_rate * gradient",
    ),
    "optimize_rate": (
        "the step was {ratio:g} times the expected one: update with the argument learning_rate",
        "这一步是预期步长的 {ratio:g} 倍：请用参数 learning_rate 更新",
    ),
    "optimize_step_hint": (
        "update_parameters(parameters, gradients, learning_rate) with the clipped gradients",
        "用裁剪后的梯度调用 update_parameters(parameters, gradients, learning_rate)",
    ),
    "optimize_a_last": ("a_last is the last hidden state, a[len(X) - 1]", "a_last 是最后一个隐状态 a[len(X) - 1]"),
    "optimize_a_dict": (
        "you returned the whole dict a: return a[len(X) - 1], the state of the last step",
        "你返回了整个字典 a：请返回 a[len(X) - 1]，即最后一步的隐状态",
    ),
    "optimize_a_prev": (
        "you returned a_prev, the state before the first step: return a[len(X) - 1]",
        "你返回了 a_prev，即第一步之前的隐状态：请返回 a[len(X) - 1]",
    ),
    "optimize_a_other": (
        "you returned the hidden state of step {step}: the last step is len(X) - 1 = {last}",
        "你返回的是第 {step} 步的隐状态：最后一步是 len(X) - 1 = {last}",
    ),
    "optimize_a_hint": (
        "rnn_backward returns (gradients, a): return a[len(X) - 1]",
        "rnn_backward 返回 (gradients, a)：请返回 a[len(X) - 1]",
    ),
    "arguments_unchanged": ("X, Y and a_prev are unchanged", "X、Y 和 a_prev 没有被改动"),
    "arguments_unchanged_hint": (
        "optimize must not change X, Y or a_prev: work on new lists and arrays",
        "optimize 不能修改 X、Y 或 a_prev：请使用新的列表和数组",
    ),
    "key_error_a": (
        "a is keyed by the time steps 0 .. len(X) - 1 (and -1 for a_prev): the last one is a[len(X) - 1]",
        "a 的键是时间步 0 .. len(X) - 1（以及代表 a_prev 的 -1）：最后一个是 a[len(X) - 1]",
    ),
    # model
    "model_calls": ("model calls optimize once per iteration", "model 每次迭代调用一次 optimize"),
    "model_calls_hint": (
        "call optimize(X, Y, a_prev, parameters, learning_rate=0.01) once in each iteration",
        "每次迭代调用一次 optimize(X, Y, a_prev, parameters, learning_rate=0.01)",
    ),
    "model_no_optimize": (
        "model did not call optimize: the checks of its calls are skipped",
        "model 没有调用 optimize：跳过对这些调用的检查",
    ),
    "model_x": ("X = [None] + the indices of the iteration's name", "X = [None] + 本次迭代的名字的各字符下标"),
    "model_y": ("Y = X[1:] + [the newline's index]", "Y = X[1:] + [换行符的下标]"),
    "model_state": (
        "each call of optimize starts from the a_prev the previous call returned",
        "每次调用 optimize 都从上一次调用返回的 a_prev 开始",
    ),
    "model_rate": ("the learning rate is 0.01", "学习率是 0.01"),
    "model_same_parameters": ("every call trains the same parameters", "每次调用训练的都是同一组参数"),
    "at_iteration": ("at iteration j = {j}", "在第 j = {j} 次迭代"),
    "model_none": (
        "X must start with None, which stands for the zero vector of the first step",
        "X 必须以 None 开头，它代表第一步的零向量",
    ),
    "model_characters": (
        "X must hold indices, not characters: [char_to_ix[ch] for ch in the name]",
        "X 里应当是下标而不是字符：[char_to_ix[ch] for ch in 名字]",
    ),
    "model_unshuffled": (
        "this is the name of data_x, not of the shuffled examples: use examples[idx]",
        "这是 data_x 中的名字，而不是打乱后的 examples 中的：请用 examples[idx]",
    ),
    "model_order": (
        "this is the name of another iteration: at iteration j, train on examples[j % len(examples)]",
        "这是另一次迭代的名字：第 j 次迭代要用 examples[j % len(examples)] 训练",
    ),
    "model_x_hint": (
        "for iteration j: idx = j % len(examples), the name examples[idx], X = [None] + its indices",
        "第 j 次迭代：idx = j % len(examples)，名字是 examples[idx]，X = [None] + 它的各字符下标",
    ),
    "model_y_newline": (
        "Y must end with the newline's index, char_to_ix['\\n'], which ends the name",
        "Y 必须以换行符的下标 char_to_ix['\\n'] 结尾，它表示名字的结束",
    ),
    "model_y_shift": (
        "Y is X shifted one step to the left: Y = X[1:] + [char_to_ix['\\n']]",
        "Y 是 X 向左移动一步：Y = X[1:] + [char_to_ix['\\n']]",
    ),
    "model_state_zero": (
        "the first call starts from zeros, and each later call from the a_prev the previous one "
        "returned: curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, ...)",
        "第一次调用从零向量开始，之后每次调用都从上一次返回的 a_prev 开始：curr_loss, gradients, "
        "a_prev = optimize(X, Y, a_prev, parameters, ...)",
    ),
    "model_rate_hint": ("call optimize with learning_rate=0.01", "调用 optimize 时使用 learning_rate=0.01"),
    "model_parameters_hint": (
        "pass the parameters that model initialised, every time: do not create new ones in the loop",
        "每次都传入 model 初始化好的 parameters：不要在循环里重新创建参数",
    ),
    "model_result": ("model returns (parameters, last_dino_name)", "model 返回 (parameters, last_dino_name)"),
    "model_result_hint": (
        "keep the template's return line: return parameters, last_dino_name",
        "请保留模板中的 return 语句：return parameters, last_dino_name",
    ),
    "model_shapes": (
        "the parameters have the shapes of n_a = 50 and vocab_size = 27",
        "参数的形状对应 n_a = 50 和 vocab_size = 27",
    ),
    "model_name": (
        "after 2001 iterations the last sampled name is the published one",
        "2001 次迭代之后，最后采样出的名字与公布的相同",
    ),
    "model_name_follows": ("this follows from the failures above", "这是上面那些失败造成的结果"),
    "model_name_hint": (
        "the calls of optimize looked right: check that nothing else in the loop changed (the "
        "sampling and printing part is given)",
        "对 optimize 的调用看起来是对的：请检查循环中是否改动了其他东西（采样和打印部分是给定的）",
    ),
    "model_index_error": (
        "at iteration j = {j} = len(examples), examples[j] is past the end of the list: go "
        "around with idx = j % len(examples)",
        "在第 j = {j} = len(examples) 次迭代时，examples[j] 超出了列表末尾：请用 idx = j % len(examples) 从头再来",
    ),
    "model_name_error": (
        "the template's code after your lines uses the names curr_loss and a_prev: name the loss "
        "of the step curr_loss and the last hidden state a_prev",
        "模板中你的代码之后的部分用到了 curr_loss 和 a_prev 这两个名字："
        "请把这一步的损失命名为 curr_loss，"
        "把最后的隐状态命名为 a_prev",
    ),
    "model_optimize_failed": (
        "the error came from optimize: does optimize's test pass?",
        "错误来自 optimize：optimize 的测试通过了吗？",
    ),
}


def notebook_language():
    """ "zh-CN" when the notebook being run is the Chinese edition, else "en".

    The code cells of all editions are the same, so the tests tell the edition by its prose: the
    notebook Jupyter says it runs (JPY_SESSION_NAME; VS Code's __vsc_ipynb_file__), or else
    dinosaur_island.ipynb in the working folder, is Chinese if its markdown has Chinese characters.
    English when no notebook is found (e.g. on Colab, where the notebook is not a local file).
    """
    for path in _notebook_candidates():
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        prose = "".join(
            "".join(c.get("source", "")) for c in cells if isinstance(c, dict) and c.get("cell_type") == "markdown"
        )
        return "zh-CN" if re.search("[\u4e00-\u9fff]", prose) else "en"
    return "en"


def _notebook_candidates():
    candidates = [os.environ.get("JPY_SESSION_NAME", "")]
    shell = _ipython()
    if shell is not None:
        candidates.append(str(shell.user_ns.get("__vsc_ipynb_file__", "")))
    candidates.append(NOTEBOOK)
    return [c for c in candidates if c.endswith(".ipynb") and Path(c).is_file()]


def _ipython():
    """The running IPython shell, if any (IPython is not imported when it is not loaded already)."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def _say(language, key, **values):
    english, chinese = MESSAGES[key]
    return (chinese if language == "zh-CN" else english).format(**values)


# ---------------------------------------------------------------------------------------------
# printing the checks


def show(value):
    """A value as a student should read it: floats as the shortest text that reads back as them
    (two different floats never print alike), small arrays in full, big ones by shape."""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return f"array of shape {value.shape}: {show(value.item())}"
        return f"array of shape {value.shape}"
    if isinstance(value, (list, tuple)) and len(value) > 30:
        return f"{type(value).__name__} of {len(value)}: {show(list(value[:30]))[:-1]}, ...]"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, np.integer):
        return str(int(value))
    return repr(value)


class _Report:
    """The PASS and FAIL lines of one public test, printed as they are decided."""

    def __init__(self, name):
        self.name = name
        self.language = notebook_language()
        self.total = self.failed = 0

    def say(self, key, **values):
        return _say(self.language, key, **values)

    def heading(self, detail=""):
        print(self.say("example", name=self.name, detail=detail))

    def check(self, passed, key, values=None, expected=None, got=None, hint=None, where=None):
        """One check: prints PASS or FAIL with its title (MESSAGES[key] filled with values); a
        failure also prints where, the expected and got texts one above the other, and the hint
        (a key or a (key, values) pair). Returns passed."""
        self.total += 1
        title = self.say(key, **(values or {}))
        if passed:
            print(f"  {self.say('pass')}  {title}")
            return True
        self.failed += 1
        print(f"  {self.say('fail')}  {title}" + (f" ({where})" if where else ""))
        if expected is not None or got is not None:
            print(f"        {self.say('expected')}: {expected}")
            print(f"        {self.say('got')}: {got}")
        if hint:
            key, fields = (hint, {}) if isinstance(hint, str) else hint
            print(f"        {self.say('hint')}{self.say(key, **fields)}")
        return False

    def call(self, fn, args, hint_for):
        """fn(*args); when it raises, print a FAIL line and the hint hint_for(error) gives (a key,
        a (key, values) pair or None), then let the error go on to the notebook."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        try:
            return fn(*args)
        except Exception as error:
            self.failed += 1
            print(self.say("raised", name=self.name, error=type(error).__name__, text=error))
            hint = hint_for(error) or "no_hint_for_error"
            key, fields = (hint, {}) if isinstance(hint, str) else hint
            print(f"        {self.say('hint')}{self.say(key, **fields)}")
            raise

    def finish(self):
        __tracebackhide__ = True
        if self.failed:
            raise PublicTestFailed(self.say("failed", name=self.name, failed=self.failed, total=self.total))
        print(f"\033[92m{self.say('all_passed', name=self.name)}\033[0m")


def _numbers(value):
    """value as an array of floats, or None when it is not numbers (a string, a dict, ...)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _first_difference(got, want, ok):
    """Where arrays got and want first differ (ok: the boolean array of agreeing entries), as
    'index [i, j]' with the two values, and how many entries differ."""
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    return list(index), show(want[index]), show(got[index]), int((~ok).sum())


def _compare_arrays(report, key, values, got, want, hint, rtol=1e-7, atol=1e-12, label=""):
    """A check that array got has want's shape and values; on failure the first different entry."""
    if _numbers(got) is None:
        return report.check(False, key, values, expected=f"array {want.shape}", got=type(got).__name__, hint=hint)
    got = _numbers(got)
    if got.shape != want.shape:
        return report.check(False, key, values, expected=f"shape {want.shape}", got=f"shape {got.shape}", hint=hint)
    ok = np.isclose(got, want, rtol=rtol, atol=atol)
    if ok.all():
        return report.check(True, key, values)
    index, expected, found, count = _first_difference(got, want, ok)
    more = "" if count == 1 else " " + report.say("more", count=count - 1)
    return report.check(
        False, key, values, expected=f"{label}{index} = {expected}", got=f"{label}{index} = {found}{more}", hint=hint
    )


def _published(report, label, got, want):
    """A check of one published value (as the original assignment printed it)."""
    try:  # the published values have 8 decimals
        ok = bool(np.allclose(np.asarray(got, dtype=float), want, rtol=1e-7, atol=1e-8))
        got = np.asarray(got).tolist()
    except (TypeError, ValueError):
        ok = False
    if ok:
        return report.check(True, "value_is", {"label": label, "got": show(got)})
    return report.check(False, "value_of", {"label": label}, expected=show(want), got=show(got))


# ---------------------------------------------------------------------------------------------
# clip


def clip_test(clip):
    """clip on the public gradients (with the extra key da_next), at maxValue 10 and 5."""
    __tracebackhide__ = True
    report = _Report("clip")
    published = {
        10: [
            ("dWaa", (1, 2), 10.0),
            ("dWax", (3, 1), -10.0),
            ("dWya", (1, 2), 0.2971381536101662),
            ("db", (4,), [10.0]),
            ("dby", (1,), [8.45833407]),
        ],
        5: [
            ("dWaa", (1, 2), 5.0),
            ("dWax", (3, 1), -5.0),
            ("dWya", (1, 2), 0.2971381536101662),
            ("db", (4,), [5.0]),
            ("dby", (1,), [5.0]),
        ],
    }
    for max_value, values in published.items():
        gradients = public_gradients()
        before = {k: v.copy() for k, v in gradients.items()}
        report.heading(report.say("clip_detail", m=max_value))
        clipped = report.call(clip, (gradients, max_value), lambda error: None)
        if _check_clip(report, clipped, gradients, before, max_value):
            for key, index, want in values:
                _published(report, key + "".join(f"[{i}]" for i in index), clipped[key][index], want)
    report.finish()


def _check_clip(report, clipped, gradients, before, m):
    """The checks of one call of clip; True when its values are worth comparing with the published ones."""
    if not report.check(
        isinstance(clipped, dict), "clip_dict", expected="dict", got=type(clipped).__name__, hint="clip_dict_hint"
    ):
        return False
    keys = sorted(clipped, key=str)
    hint = "clip_da_next" if "da_next" in clipped else "clip_missing"
    keys_ok = report.check(
        keys == sorted(GRADIENT_KEYS), "clip_keys", expected=sorted(GRADIENT_KEYS), got=keys, hint=hint
    )
    changed = [k for k in before if k in gradients and not np.array_equal(gradients[k], before[k])]
    if set(gradients) != set(before):
        report.check(False, "clip_caller", expected=sorted(before), got=sorted(gradients), hint="clip_removed_key")
    elif changed:
        k = changed[0]
        index, want, got, _ = _first_difference(gradients[k], before[k], gradients[k] == before[k])
        report.check(
            False,
            "clip_caller",
            expected=f"gradients['{k}']{index} = {want}",
            got=f"gradients['{k}']{index} = {got}",
            hint="clip_in_place",
        )
    else:
        report.check(True, "clip_caller")
    present = [k for k in GRADIENT_KEYS if k in clipped]
    arrays = {k: _numbers(clipped[k]) for k in present}
    wrong_shape = [
        k
        for k in present
        if not isinstance(clipped[k], np.ndarray) or arrays[k] is None or arrays[k].shape != before[k].shape
    ]
    if not report.check(
        not wrong_shape,
        "clip_shapes",
        expected=wrong_shape and f"{wrong_shape[0]}: {before[wrong_shape[0]].shape}",
        got=wrong_shape
        and f"{wrong_shape[0]}: {type(clipped[wrong_shape[0]]).__name__} {np.shape(clipped[wrong_shape[0]])}",
        hint="clip_arrays_hint",
    ):
        return False
    regions = {
        "clip_inside": (lambda x: np.abs(x) <= m, lambda x: x, "clip_inside_hint"),
        "clip_above": (lambda x: x > m, lambda x: np.full_like(x, m), "clip_bound_hint"),
        "clip_below": (lambda x: x < -m, lambda x: np.full_like(x, -m), "clip_bound_hint"),
    }
    # a student who clipped at a bound of their own: every array is before clipped at the largest |value|
    bound = max((float(np.abs(a).max()) for a in arrays.values() if a.size), default=None)
    if bound is not None and not all(np.array_equal(arrays[k], np.clip(before[k], -bound, bound)) for k in present):
        bound = None
    values_ok = True
    for key, (where, target, hint) in regions.items():
        bad = [(k, where(before[k]) & (arrays[k] != target(before[k]))) for k in present]
        bad = [(k, mask) for k, mask in bad if mask.any()]
        if not bad:
            report.check(True, key, {"m": m})
            continue
        values_ok = False
        k, mask = bad[0]
        index = tuple(int(i) for i in np.argwhere(mask)[0])
        got = arrays[k][index]
        if key != "clip_inside" and bound not in (None, m):
            hint = ("clip_hard_coded", {"bound": show(bound), "m": m})
        report.check(
            False,
            key,
            {"m": m},
            expected=f"{k}{list(index)} = {show(target(before[k])[index])}",
            got=f"{k}{list(index)} = {show(got)} ({report.say('before_clipping', value=show(before[k][index]))})",
            hint=hint,
        )
    return keys_ok and values_ok


# ---------------------------------------------------------------------------------------------
# sample

SAMPLE_EXPECTED = [23, 16, 26, 26, 24, 3, 21, 1, 7, 24, 15, 3, 25, 20, 6, 13, 10, 8, 20, 12, 2, 0]
# What four common mistakes give on the public example (found by running them, see
# tests/mistakes.py): the test names the mistake when a student's list is one of these.
SAMPLE_MISTAKES = {
    (23, 16, 20, 26, 18, 17, 7, 0): "sample_one_hot",
    (
        23,
        16,
        15,
        26,
        26,
        23,
        14,
        2,
        13,
        2,
        3,
        22,
        23,
        21,
        16,
        22,
        2,
        9,
        19,
        12,
        2,
        14,
        2,
        23,
        16,
        3,
        7,
        2,
        15,
        26,
        22,
        24,
        16,
        16,
        8,
        12,
        2,
        18,
        1,
        24,
        1,
        2,
        1,
        0,
    ): "sample_x_fixed",
    tuple([23] * 50 + [0]): "sample_state",
    (23, 16, 20, 4, 19, 0): "sample_argmax",
}


def sample_test(sample):
    """sample from the public parameters (seed 24, n_a 100) with seed 0."""
    __tracebackhide__ = True
    report = _Report("sample")
    char_to_ix, ix_to_char = _letters_vocabulary()
    parameters = public_sample_parameters()
    before = {k: v.copy() for k, v in parameters.items()}
    report.heading(report.say("sample_detail"))
    with _recording_draws() as draws:
        indices = report.call(sample, (parameters, char_to_ix, 0), _sample_error_hint)
    if report.check(
        isinstance(indices, list), "sample_list", expected="list", got=type(indices).__name__, hint="sample_list_hint"
    ):
        ints = all(isinstance(ix, (int, np.integer)) and not isinstance(ix, bool) and 0 <= ix < 27 for ix in indices)
        bad = next((ix for ix in indices if not isinstance(ix, (int, np.integer)) or not 0 <= ix < 27), None)
        report.check(ints, "sample_ints", expected="int", got=None if ints else show(bad), hint="sample_ints_hint")
        report.check(
            bool(indices) and indices[-1] == 0,
            "sample_newline",
            expected=0,
            got=show(indices[-1]) if indices else "[]",
            hint="sample_newline_hint",
        )
        unchanged = all(np.array_equal(parameters[k], v) for k, v in before.items())
        report.check(unchanged, "sample_parameters", hint="sample_parameters_hint")
        same = ints and [int(ix) for ix in indices] == SAMPLE_EXPECTED
        report.check(
            same,
            "sample_indices",
            expected=show(SAMPLE_EXPECTED),
            got=show(indices),
            hint=None if same else _sample_hint(indices if ints else [], draws, before, report.language),
            where=None if same or not ints else _position(report, indices),
        )
        if same:
            print(f"        {''.join(ix_to_char[ix] for ix in indices)!r}")
    report.finish()


def _position(report, indices):
    """Where a list of indices first differs from the published one."""
    first = next(
        (i for i, (a, b) in enumerate(zip(indices, SAMPLE_EXPECTED)) if a != b), min(len(indices), len(SAMPLE_EXPECTED))
    )
    return report.say("from_index", index=first)


def _sample_hint(indices, draws, parameters, language):
    """The likely mistake behind a wrong list of indices, from how np.random was used, the list,
    and the first step whose probabilities differ from the model's (given the indices drawn)."""
    for draw, (seed, _) in enumerate(draws):
        if seed != 2 * draw:
            called = _say(language, "no_seed_call") if seed is None else f"np.random.seed({seed})"
            return ("sample_seeding", {"draw": draw, "got": called, "want": 2 * draw})
    mistake = SAMPLE_MISTAKES.get(tuple(int(ix) for ix in indices))
    if mistake:
        return mistake
    if draws:
        step = _first_wrong_probabilities(parameters, indices, [p for _, p in draws])
        if step is None:
            return "sample_draw"
        return ("sample_later", {"count": step}) if step else "sample_first"
    return "sample_no_draws"


def _first_wrong_probabilities(parameters, indices, probabilities):
    """The first step t whose probabilities (as given to np.random.choice) are not the model's,
    when the model is run on the indices drawn before t; None when every step's are right."""
    Wax, Waa, Wya, b, by = (parameters[k] for k in ("Wax", "Waa", "Wya", "b", "by"))
    a, x = np.zeros((Waa.shape[0], 1)), np.zeros((Wax.shape[1], 1))
    for t, p in enumerate(probabilities):
        a = np.tanh(Wax @ x + Waa @ a + b)  # the formulas of section 2.2
        y = softmax(Wya @ a + by).ravel()
        if p is None or p.shape != y.shape or not np.allclose(p, y, rtol=1e-6, atol=1e-12):
            return t
        if t >= len(indices):
            return None
        x = np.zeros_like(x)
        x[int(indices[t])] = 1
    return None


def _sample_error_hint(error):
    text = str(error)
    # numpy's words for a p that is a column, not a flat array
    if isinstance(error, ValueError) and ("1-dimensional" in text or "too deep" in text):
        return "sample_ravel"
    if isinstance(error, ValueError) and "same size" in text:
        return "sample_shapes"
    return None


@contextlib.contextmanager
def _recording_draws():
    """Record, for each np.random.choice call while active, the seed last given to np.random.seed
    (None when none came since the previous draw) and the probabilities p (None if absent)."""
    draws, last_seed = [], [None]
    seed, choice = np.random.seed, np.random.choice

    def recording_seed(*args, **kwargs):
        __tracebackhide__ = True
        last_seed[0] = args[0] if args else kwargs.get("seed")
        return seed(*args, **kwargs)

    def recording_choice(*args, **kwargs):
        __tracebackhide__ = True
        p = kwargs.get("p", args[3] if len(args) > 3 else None)
        draws.append((last_seed[0], None if _numbers(p) is None else np.ravel(_numbers(p))))
        last_seed[0] = None
        return choice(*args, **kwargs)

    np.random.seed, np.random.choice = recording_seed, recording_choice
    try:
        yield draws
    finally:
        np.random.seed, np.random.choice = seed, choice


# ---------------------------------------------------------------------------------------------
# optimize


def optimize_test(optimize):
    """One step of optimize from the public example (seed 1), learning rate 0.01."""
    __tracebackhide__ = True
    report = _Report("optimize")
    X, Y, a_prev, parameters = public_optimize_arguments()
    inputs = (list(X), list(Y), a_prev.copy())
    before = {k: v.copy() for k, v in parameters.items()}
    # What the provided functions give on this example: the unclipped gradients and the states.
    _, cache = rnn_forward(X, Y, a_prev.copy(), {k: v.copy() for k, v in before.items()})
    raw, states = rnn_backward(X, Y, {k: v.copy() for k, v in before.items()}, cache)
    clipped = {k: np.clip(raw[k], -5, 5) for k in GRADIENT_KEYS}
    report.heading(report.say("optimize_detail"))
    result = report.call(
        optimize, (X, Y, a_prev, parameters, 0.01), lambda error: "key_error_a" if isinstance(error, KeyError) else None
    )

    shape_ok = isinstance(result, (tuple, list)) and len(result) == 3
    kinds = tuple(type(v).__name__ for v in result) if isinstance(result, (tuple, list)) else type(result).__name__
    if not report.check(
        shape_ok and not isinstance(result[0], dict),
        "optimize_tuple",
        expected="(float, dict, ndarray)",
        got=kinds,
        hint="optimize_tuple_hint",
    ):
        report.finish()
    loss, gradients, a_last = result
    try:
        loss_ok = bool(np.isclose(float(loss), 126.50397572165389, rtol=1e-9))
    except (TypeError, ValueError):
        loss_ok = False
    report.check(loss_ok, "optimize_loss", expected=show(126.50397572165389), got=show(loss), hint="optimize_loss_hint")
    _check_optimize_gradients(report, gradients, raw, clipped)
    _check_update(report, parameters, before, raw, clipped)
    _check_a_last(report, a_last, states, len(X))
    report.check(
        inputs[0] == X and inputs[1] == Y and np.array_equal(inputs[2], a_prev),
        "arguments_unchanged",
        hint="arguments_unchanged_hint",
    )
    if isinstance(gradients, dict) and all(k in gradients for k in GRADIENT_KEYS):
        for label, got, want in (
            ('gradients["dWaa"][1][2]', gradients["dWaa"][1][2], 0.19470931534713587),
            ('np.argmax(gradients["dWax"])', np.argmax(gradients["dWax"]), 93),
            ('gradients["dWya"][1][2]', gradients["dWya"][1][2], -0.007773876032002162),
            ('gradients["db"][4]', gradients["db"][4], [-0.06809825]),
            ('gradients["dby"][1]', gradients["dby"][1], [0.01538192]),
        ):
            _published(report, label, got, want)
    if np.shape(a_last) == (100, 1):
        _published(report, "a_last[4]", a_last[4], [-1.0])
    report.finish()


def _check_optimize_gradients(report, gradients, raw, clipped):
    if not isinstance(gradients, dict):
        report.check(False, "optimize_keys", expected="dict", got=type(gradients).__name__, hint="optimize_tuple_hint")
        return
    keys = sorted(gradients, key=str)
    report.check(
        keys == sorted(GRADIENT_KEYS),
        "optimize_keys",
        expected=sorted(GRADIENT_KEYS),
        got=keys,
        hint="optimize_da_next" if "da_next" in gradients else "optimize_tuple_hint",
    )
    present = {k: _numbers(gradients[k]) for k in GRADIENT_KEYS if k in gradients}

    def malformed(k):
        return not isinstance(gradients[k], np.ndarray) or present[k] is None or present[k].shape != clipped[k].shape

    if any(malformed(k) for k in present):
        k = next(k for k in present if malformed(k))
        report.check(
            False,
            "optimize_gradients",
            expected=f"{k}: array {clipped[k].shape}",
            got=f"{k}: {type(gradients[k]).__name__} {np.shape(gradients[k])}",
            hint="optimize_gradients_hint",
        )
        return
    largest = max((np.abs(v).max() for v in present.values()), default=0)
    if largest > 5:
        unclipped = all(np.allclose(present[k], raw[k]) for k in present)
        hint = "optimize_not_clipped" if unclipped else ("optimize_clip_bound", {"bound": show(largest)})
        report.check(False, "optimize_clipped", expected="max |g| <= 5", got=f"max |g| = {show(largest)}", hint=hint)
    else:
        report.check(True, "optimize_clipped")
    wrong = [
        k
        for k in present
        if present[k].shape != clipped[k].shape or not np.allclose(present[k], clipped[k], rtol=1e-7, atol=1e-12)
    ]
    if wrong:  # one check for the five arrays; the first one that differs is shown
        _compare_arrays(
            report,
            "optimize_gradients",
            None,
            present[wrong[0]],
            clipped[wrong[0]],
            "optimize_gradients_hint",
            label=wrong[0],
        )
    elif present:
        report.check(True, "optimize_gradients")


def _check_update(report, parameters, before, raw, clipped, rate=0.01):
    """Whether the caller's parameters moved by -rate * the clipped gradients, and if not, why."""
    if not isinstance(parameters, dict) or any(k not in parameters for k in before):
        report.check(False, "optimize_updated", hint="optimize_no_update")
        return
    if any(_numbers(parameters[k]) is None or np.shape(parameters[k]) != before[k].shape for k in before):
        report.check(False, "optimize_updated", hint="optimize_step_hint")
        return
    moved = {k: _numbers(parameters[k]) - before[k] for k in before}
    if not report.check(any(np.any(m != 0) for m in moved.values()), "optimize_updated", hint="optimize_no_update"):
        return
    step = {k: -rate * clipped["d" + k] for k in before}

    def moved_by(target):
        return all(np.allclose(moved[k], target[k], rtol=1e-6, atol=1e-12) for k in before)

    if moved_by(step):
        report.check(True, "optimize_step")
        return
    flat_moved = np.concatenate([moved[k].ravel() for k in before])
    flat_step = np.concatenate([step[k].ravel() for k in before])
    ratio = float(flat_moved.dot(flat_step) / flat_step.dot(flat_step))
    if moved_by({k: -rate * raw["d" + k] for k in before}):
        hint = "optimize_unclipped"
    elif np.isclose(ratio, 2):
        hint = "optimize_twice"
    elif ratio < 0:
        hint = "optimize_sign"
    elif moved_by({k: ratio * step[k] for k in before}):
        hint = ("optimize_rate", {"ratio": round(ratio, 6)})
    else:
        hint = "optimize_step_hint"
    k = next(k for k in before if not np.allclose(moved[k], step[k], rtol=1e-6, atol=1e-12))
    ok = np.isclose(moved[k], step[k], rtol=1e-6, atol=1e-12)
    index, want, got, _ = _first_difference(moved[k], step[k], ok)
    report.check(
        False,
        "optimize_step",
        expected=report.say("moved_by", label=f"{k}{index}", value=want),
        got=report.say("moved_by", label=f"{k}{index}", value=got),
        hint=hint,
    )


def _check_a_last(report, a_last, states, T):
    want = states[T - 1]
    if isinstance(a_last, dict):
        report.check(False, "optimize_a_last", expected="array of shape (100, 1)", got="dict", hint="optimize_a_dict")
        return
    got = _numbers(a_last)
    if got is None or not isinstance(a_last, np.ndarray):
        report.check(
            False, "optimize_a_last", expected="array (100, 1)", got=type(a_last).__name__, hint="optimize_a_hint"
        )
        return
    if got.shape == want.shape and np.allclose(got, want, rtol=1e-7, atol=1e-12):
        report.check(True, "optimize_a_last")
        return
    hint = "optimize_a_hint"
    for t in range(-1, T - 1):
        if got.shape == want.shape and np.allclose(got, states[t], rtol=1e-7, atol=1e-12):
            hint = "optimize_a_prev" if t == -1 else ("optimize_a_other", {"step": t, "last": T - 1})
    _compare_arrays(report, "optimize_a_last", None, got, want, hint, label="a_last")


# ---------------------------------------------------------------------------------------------
# model


class _OptimizeRecorder:
    """Stands in for optimize inside the student's model: checks each call's arguments against
    what iteration j should pass, then calls the student's optimize. The first failure of each
    check is kept, with what was expected and what came."""

    CHECKS = ("model_x", "model_y", "model_state", "model_rate", "model_same_parameters")

    def __init__(self, optimize, examples, char_to_ix, data_x, say):
        self.optimize, self.examples, self.char_to_ix, self.say = optimize, examples, char_to_ix, say
        self.unshuffled = [x.strip() for x in data_x]
        self.calls, self.last_state, self.parameters = 0, None, None
        self.failures = {}  # check -> (j, expected, got, hint)

    def _indices(self, name):
        return [None] + [self.char_to_ix[ch] for ch in name]

    def __call__(self, X, Y, a_prev, parameters, learning_rate=0.01):
        __tracebackhide__ = True
        j, n = self.calls, len(self.examples)
        self.calls += 1
        want_x = self._indices(self.examples[j % n])
        if "model_x" not in self.failures and list(X) != want_x:
            self.failures["model_x"] = (j, show(want_x), show(list(X)), self._x_hint(list(X), j))
        want_y = list(X)[1:] + [self.char_to_ix["\n"]]
        if "model_y" not in self.failures and list(Y) != want_y:
            hint = "model_y_newline" if list(X)[1:] in (list(Y), list(Y)[:-1]) else "model_y_shift"
            self.failures["model_y"] = (j, show(want_y), show(list(Y)), hint)
        want_state = np.zeros((PARAMETER_SHAPES["b"][0], 1)) if j == 0 else self.last_state
        if "model_state" not in self.failures and not np.array_equal(_numbers(a_prev), want_state):
            got = "zeros" if not np.any(a_prev) else "other_array"
            self.failures["model_state"] = (
                j,
                self.say("zeros" if j == 0 else "previous_state"),
                self.say(got),
                "model_state_zero",
            )
        if "model_rate" not in self.failures and learning_rate != 0.01:
            self.failures["model_rate"] = (j, "0.01", show(learning_rate), "model_rate_hint")
        if self.parameters is None:
            self.parameters = parameters
        elif "model_same_parameters" not in self.failures and not self._same(parameters):
            self.failures["model_same_parameters"] = (
                j,
                self.say("same_dict"),
                self.say("other_dict"),
                "model_parameters_hint",
            )
        result = self.optimize(X, Y, a_prev, parameters, learning_rate)
        self.last_state = (
            _numbers(np.copy(result[2])) if isinstance(result, (tuple, list)) and len(result) == 3 else None
        )
        return result

    def _same(self, parameters):
        """Whether parameters is the dict of the first call, or a copy holding its very arrays
        (which the in-place update of update_parameters reaches just as well)."""
        return parameters is self.parameters or (
            isinstance(parameters, dict) and all(parameters.get(k) is v for k, v in self.parameters.items())
        )

    def _x_hint(self, inputs, j):
        """The likely mistake behind inputs, the X that iteration j passed."""
        n = len(self.examples)
        name = self.examples[j % n]
        if inputs == self._indices(name)[1:]:
            return "model_none"
        if inputs[1:] == list(name):
            return "model_characters"
        if inputs == self._indices(self.unshuffled[j % n]):
            return "model_unshuffled"
        if any(inputs == self._indices(other) for other in self.examples):
            return "model_order"
        return "model_x_hint"


def _with_optimize(model, optimize):
    """A copy of model that calls optimize where it names optimize (the notebook's globals, with
    optimize replaced, in a namespace of its own: the notebook's is left as it is)."""
    namespace = dict(model.__globals__, optimize=optimize)
    copy = types.FunctionType(model.__code__, namespace, model.__name__, model.__defaults__, model.__closure__)
    copy.__kwdefaults__ = model.__kwdefaults__
    return copy


def model_test(model):
    """Train for 2001 iterations on the dinosaur names, checking every call of optimize."""
    __tracebackhide__ = True
    report = _Report("model")
    data = load_corpus("dinos.txt")
    _, char_to_ix, ix_to_char = build_vocabulary(data)
    data_x = data.split("\n")
    examples = [x.strip() for x in data_x]
    state = np.random.get_state()
    np.random.seed(0)
    np.random.shuffle(examples)  # the order the template's shuffle gives
    np.random.set_state(state)
    student_optimize = model.__globals__.get("optimize")
    recorder = (
        _OptimizeRecorder(student_optimize, examples, char_to_ix, data_x, report.say) if student_optimize else None
    )
    trained = _with_optimize(model, recorder) if recorder else model
    report.heading(report.say("model_detail"))
    result = report.call(
        _quietly(trained),
        (data_x, ix_to_char, char_to_ix, 2001, 50, 7, 27, False),
        lambda error: _model_error_hint(error, recorder, len(examples)),
    )

    calls_ok = True
    if recorder is None or recorder.calls == 0:
        print(f"  {report.say('model_no_optimize')}")
    else:
        calls_ok = report.check(
            recorder.calls == 2001, "model_calls", expected=2001, got=recorder.calls, hint="model_calls_hint"
        )
        for key in _OptimizeRecorder.CHECKS:
            failure = recorder.failures.get(key)
            if failure is None:
                report.check(True, key)
            else:
                j, expected, got, hint = failure
                calls_ok = (
                    report.check(
                        False, key, expected=expected, got=got, hint=hint, where=report.say("at_iteration", j=j)
                    )
                    and calls_ok
                )
    if not report.check(
        isinstance(result, (tuple, list)) and len(result) == 2,
        "model_result",
        expected="(dict, str)",
        got=type(result).__name__,
        hint="model_result_hint",
    ):
        report.finish()
    parameters, last_name = result
    shapes = {k: np.shape(parameters.get(k)) for k in PARAMETER_SHAPES} if isinstance(parameters, dict) else {}
    report.check(shapes == PARAMETER_SHAPES, "model_shapes", expected=PARAMETER_SHAPES, got=shapes or parameters)
    expected = "Tpraneronxeros\n"
    report.check(
        last_name == expected,
        "model_name",
        expected=repr(expected),
        got=repr(last_name),
        hint="model_name_hint" if calls_ok else "model_name_follows",
    )
    report.finish()


def _quietly(fn):
    """fn, with what it prints thrown away (model's training log is not the point of its test)."""

    def quiet(*args):
        __tracebackhide__ = True
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(*args)

    return quiet


def _model_error_hint(error, recorder, n):
    if isinstance(error, NameError) and any(name in str(error) for name in ("curr_loss", "a_prev")):
        return "model_name_error"
    if recorder is not None and isinstance(error, IndexError) and recorder.calls == n:
        return ("model_index_error", {"j": n})
    if recorder is not None and recorder.failures:  # the arguments of a call were wrong: say how
        return next(recorder.failures[key][3] for key in recorder.CHECKS if key in recorder.failures)
    tb = error.__traceback__
    while tb is not None:
        if recorder is not None and tb.tb_frame.f_code is recorder.optimize.__code__:
            return "model_optimize_failed"
        tb = tb.tb_next
    return None


# ---------------------------------------------------------------------------------------------
# tracebacks that end in the student's cell


def _without_our_frames(tb):
    """The traceback tb with the frames of this file left out."""
    kept = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != __file__:
            kept.append(tb)
        tb = tb.tb_next
    for earlier, later in zip(kept, kept[1:] + [None]):
        earlier.tb_next = later
    return kept[0] if kept else None


def _show_failure(shell, etype, value, tb, tb_offset=None):
    """IPython's handler of PublicTestFailed: the usual traceback, without this file's frames."""
    shell.showtraceback((etype, value, _without_our_frames(tb)), tb_offset=tb_offset)


if _ipython() is not None:
    _ipython().set_custom_exc((PublicTestFailed,), _show_failure)
