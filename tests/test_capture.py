"""Plain data across a process boundary: what crosses, and what is refused on the way back."""

import base64
import io
import json
import pickle

import numpy as np
import pytest

from autograder.grading.messages import from_plain
from autograder.grading.sandboxed.capture import CappedText, raised
from autograder.grading.sandboxed.forkserver import compiled
from autograder.grading.sandboxed.protocol import NotPlainData, dumps, loads, split_frames, write_frame
from tests.submissions import DINO


def test_plain_data_survives_the_round_trip():
    value = {
        "gradients": {"dWaa": np.arange(6.0).reshape(2, 3), "db": np.array([[True], [False]])},
        7: [None, 1, -2.5, float("inf"), "né\n", [np.int32(4), np.uint8(255)]],
        "empty": np.zeros((0, 3), dtype=np.int16),
    }
    back = loads(dumps(value))
    assert list(back) == ["gradients", 7, "empty"]
    assert back[7] == [None, 1, -2.5, float("inf"), "né\n", [4, 255]]
    assert back["gradients"]["dWaa"].tolist() == value["gradients"]["dWaa"].tolist()
    assert back["gradients"]["db"].dtype == np.bool_ and back["empty"].shape == (0, 3)
    assert back["gradients"]["dWaa"].flags.writeable


def test_what_is_not_plain_data_is_refused_before_it_leaves():
    class Sneaky(np.ndarray):
        pass

    for value in (object(), np.zeros(3).view(Sneaky), {1.5: "float key"}, np.array(["a"])):
        with pytest.raises(NotPlainData):
            dumps(value)


def tagged_array(dtype, shape, data):
    return json.dumps({"array": [dtype, shape, base64.b64encode(data).decode()]}).encode()


@pytest.mark.parametrize(
    "data",
    [
        pickle.dumps({"a": 1}),  # pickle would run code on the way in; it is not even read
        b'{"__reduce__": 1}',  # an untagged dict
        tagged_array("|O8", [1], b"\0" * 8),  # object arrays are pointers
        tagged_array("<f8", [2], b"\0" * 8),  # the data does not fill the shape
        tagged_array("<f8", [-1], b""),
        json.dumps({"array": ["<f8", [1], "not base64!"]}).encode(),
        json.dumps({"dict": [[1.5, 2]]}).encode(),
        b"[" * 100 + b"]" * 100,  # nested deeper than any result
        b"\xff\xfe",
    ],
    ids=[
        "pickle",
        "untagged",
        "object-dtype",
        "short-data",
        "negative-shape",
        "bad-base64",
        "float-key",
        "deep",
        "not-utf8",
    ],
)
def test_untrusted_bytes_decode_to_plain_data_or_nothing(data):
    with pytest.raises(NotPlainData):
        loads(data)


def test_capped_text_keeps_the_beginning_only():
    out = CappedText(limit=10)
    for _ in range(1000):
        assert out.write("abcdefgh") == 8
    assert out.getvalue() == "abcdefghab"


def test_raised_names_the_line_of_the_cell():
    source = "def f():\n    x = 1\n    return 1 / 0\n"
    namespace = {}
    exec(compile(source, "<UNQ_C9 cell>", "exec"), namespace)
    with pytest.raises(ZeroDivisionError) as info:
        namespace["f"]()
    message = from_plain(raised(info.value, "<UNQ_C9 cell>"), DINO.catalog)
    assert DINO.catalog.render(message, "en") == "raised ZeroDivisionError: division by zero (line 3 of your cell)"
    assert (
        DINO.catalog.render(message, "zh-CN") == "抛出了异常 ZeroDivisionError: division by zero（在你的单元格第 3 行）"
    )
    assert DINO.catalog.render(from_plain(raised(ValueError("x" * 10_000)), DINO.catalog), "en").endswith("[...]")


def test_a_cut_off_output_keeps_its_complete_frames():
    stream = io.BytesIO()
    for payload in (b"one", b"", b"three"):
        write_frame(stream, payload)
    assert split_frames(stream.getvalue()) == [b"one", b"", b"three"]
    assert split_frames(stream.getvalue()[:-2]) == [b"one", b""]


def test_ipython_lines_are_dropped_only_when_the_cell_needs_it():
    code, removed = compiled("x = 5 \\\n    % 3\n", "<cell>")
    namespace = {}
    exec(code, namespace)
    assert removed == [] and namespace["x"] == 2  # a continued expression: Python's modulo, kept
    code, removed = compiled("%time\ndef f():\n    !ls\n    return 1\n", "<cell>")
    exec(code, namespace)
    assert removed == [1, 3] and namespace["f"]() == 1
    with pytest.raises(SyntaxError):
        compiled("%time\ndef f(:\n", "<cell>")
