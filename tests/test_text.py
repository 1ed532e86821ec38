"""utils.text: corpora, vocabularies and sampled names, with errors that say what was expected."""

import pytest

from utils import build_vocabulary, get_sample, load_corpus
from utils.text import DATA_DIR


def test_dinosaur_corpus_and_vocabulary():
    data = load_corpus("dinos.txt")
    chars, char_to_ix, ix_to_char = build_vocabulary(data)
    assert len(data) == 19909 and data == data.lower()
    assert chars == ["\n"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    assert char_to_ix["\n"] == 0 and char_to_ix["a"] == 1 and char_to_ix["z"] == 26
    assert all(ix_to_char[i] == c for c, i in char_to_ix.items())
    assert len(data.split("\n")) == 1536


def test_newline_comes_first_even_when_a_smaller_character_is_present():
    chars, char_to_ix, _ = build_vocabulary("a\tb\nc")
    assert chars[0] == "\n" and char_to_ix["\t"] == 1


def test_a_corpus_without_newline_is_refused():
    with pytest.raises(ValueError, match="one name per line"):
        build_vocabulary("abc")


def test_missing_corpus_names_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as error:
        load_corpus("pterosaurs.txt")
    assert str(DATA_DIR / "pterosaurs.txt") in str(error.value) and "data/ folder" in str(error.value)


def test_lookups_outside_the_vocabulary_say_what_exists():
    _, char_to_ix, ix_to_char = build_vocabulary("ab\nc")
    with pytest.raises(KeyError, match=r"^character 'é' is not in the vocabulary; its 4 characters are '\\nabc'$"):
        char_to_ix["é"]
    with pytest.raises(KeyError, match=r"^index 7 is outside the vocabulary: expected an int in \[0, 4\)$"):
        ix_to_char[7]


def test_samples_are_capitalised_and_keep_their_newline():
    _, _, ix_to_char = build_vocabulary("\n" + "abcdefghijklmnopqrstuvwxyz")
    assert get_sample([20, 18, 5, 24, 0], ix_to_char) == "Trex\n"
    assert get_sample([], ix_to_char) == ""
