"""Corpora and vocabularies: from a text file to character indices and back.

The data folder is found from this file's location, never from the working directory, so the
same code works in the repository (utils/ and data/ side by side), in a release folder (the
same layout, one level down) and in a grading sandbox whose working directory is elsewhere.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load_corpus(name):
    """Read a corpus from the data folder and return its text, lower-cased.

    name -- file name inside data/, e.g. "dinos.txt", or a path to any text file
    Raises FileNotFoundError naming the place it looked when the file is missing.
    """
    path = Path(name) if Path(name).is_absolute() or Path(name).exists() else DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"corpus not found: {path}. Expected the file in the data/ folder next to utils/ "
            f"({DATA_DIR}); on a fresh copy, fetch the whole assignment folder, not the notebook alone."
        )
    return path.read_text(encoding="utf-8").lower()


class VocabularyError(KeyError):
    """A failed vocabulary lookup; shown as its message (a plain KeyError would quote it)."""

    def __str__(self):
        return self.args[0]


class CharIndex(dict):
    """char_to_ix: a dict from character to index whose failed lookups say what was expected."""

    def __missing__(self, char):
        chars = "".join(sorted(self))
        raise VocabularyError(f"character {char!r} is not in the vocabulary; its {len(self)} characters are {chars!r}")


class IndexChar(dict):
    """ix_to_char: a dict from index to character whose failed lookups say what was expected."""

    def __missing__(self, ix):
        raise VocabularyError(f"index {ix!r} is outside the vocabulary: expected an int in [0, {len(self)})")


def build_vocabulary(text):
    """The sorted characters of text, with the newline (the end-of-name token) at index 0.

    text -- the corpus, one name per line
    Returns (chars, char_to_ix, ix_to_char): the list of vocab_size characters and the two maps.
    For the dinosaur names this is ['\\n', 'a', ..., 'z'], vocab_size 27.
    """
    if "\n" not in text:
        raise ValueError("the corpus has no newline: expected one name per line")
    chars = ["\n"] + sorted(set(text) - {"\n"})
    char_to_ix = CharIndex((ch, i) for i, ch in enumerate(chars))
    ix_to_char = IndexChar((i, ch) for i, ch in enumerate(chars))
    return chars, char_to_ix, ix_to_char


def get_sample(sample_ix, ix_to_char):
    """The text of a sampled name, its first letter upper-cased; the trailing newline is kept.

    sample_ix  -- list of character indices, usually ending with the newline index
    ix_to_char -- dict from index to character
    """
    txt = "".join(ix_to_char[ix] for ix in sample_ix)
    return txt[0].upper() + txt[1:] if txt else txt


def print_sample(sample_ix, ix_to_char):
    """Print get_sample(sample_ix, ix_to_char) with no extra line end (the name brings its own)."""
    print(get_sample(sample_ix, ix_to_char), end="")
