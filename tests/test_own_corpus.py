"""Training on your own list: the validating loader, and the second corpus shipped with the course."""

import hashlib

import pytest

from utils.text import DATA_DIR, MAX_ITEM_LENGTH, build_vocabulary, load_items

SECOND_CORPUS = "swiss_first_names.txt"


def _file(tmp_path, content, name="items.txt"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_any_characters_make_items_and_the_vocabulary_comes_from_the_data(tmp_path):
    path = _file(tmp_path, "Jean-Luc\r\n  O'Brien \n\nMarie Thérèse\nZoë\n")
    items = load_items(path)
    assert items == ["jean-luc", "o'brien", "marie thérèse", "zoë"]
    chars, char_to_ix, _ = build_vocabulary("\n".join(items))
    assert chars[0] == "\n" and {" ", "'", "-", "é", "è", "ë"} <= set(chars)
    assert len(chars) == len(set("\n".join(items)))


def test_decomposed_accents_become_one_character(tmp_path):
    # "e" followed by a combining acute accent, as some keyboards and macOS file names produce
    items = load_items(_file(tmp_path, "Rene\u0301\nRené\n"))
    assert items == ["rené", "rené"] and len(items[0]) == 4


def test_a_byte_order_mark_is_not_a_character(tmp_path):
    assert load_items(_file(tmp_path, b"\xef\xbb\xbfAnna\nBen\n")) == ["anna", "ben"]


def test_a_file_in_data_is_found_by_its_name():
    assert load_items(SECOND_CORPUS)[:3] == ["peter", "hans", "daniel"]


def test_a_missing_file_names_both_places_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as error:
        load_items("my_names.txt")
    assert str(tmp_path / "my_names.txt") in str(error.value)
    assert str(DATA_DIR / "my_names.txt") in str(error.value)


BAD_FILES = {
    "empty": (b"", "is empty"),
    "only blank lines": (b"\n  \n\t\n", "is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "utf-16": ("Anna\nBen\n".encode("utf-16"), "UTF-16"),
    "latin-1": ("Anna\nJérôme\n".encode("latin-1"), "line 2 holds bytes that are not UTF-8"),
    "a table": (b"Anna\t1024\nBen\t977\n", "line 1: control character '\\t' (a tab: is this a table?"),
    "a control character": (b"Anna\nB\x0cen\n", "line 2: control character '\\x0c'"),
    "one giant line": (("Anna, Ben, Clara, " * 20).encode(), "is one line of"),
    "lines too long": (
        b"Anna\n" + b"x" * 80 + b"\nBen\n" + b"y" * 60 + b"\n",
        "line 2: 80 characters, more than 50 (2 line(s) are that long)",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_gets_a_message_naming_it_and_what_was_expected(tmp_path, kind):
    content, says = BAD_FILES[kind]
    path = _file(tmp_path, content, name=f"{kind.replace(' ', '_')}.txt")
    with pytest.raises(ValueError) as error:
        load_items(path)
    message = str(error.value)
    assert str(path) in message
    assert says in message
    assert "one item (a name, a place, a word) per line" in message


def test_items_as_long_as_the_sampler_can_write_are_accepted(tmp_path):
    # sample() (exercise 2) stops after MAX_ITEM_LENGTH characters: longer items could never be finished
    longest = "a" * MAX_ITEM_LENGTH
    assert load_items(_file(tmp_path, f"ben\n{longest}\n")) == ["ben", longest]
    with pytest.raises(ValueError, match="more than 50"):
        load_items(_file(tmp_path, f"ben\n{longest}a\n"))
    assert load_items(_file(tmp_path, "x" * 80 + "\nben\n"), max_length=100)[1] == "ben"


def test_the_second_corpus_is_the_recorded_file():
    path = DATA_DIR / SECOND_CORPUS
    provenance = (DATA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in provenance
    items = load_items(SECOND_CORPUS)
    assert len(items) == len(set(items)) == 1989
    chars, _, _ = build_vocabulary("\n".join(items))
    assert len(chars) == 43 and "-" in chars and "é" in chars
