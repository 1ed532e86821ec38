"""Corpora and vocabularies: from a text file to character indices and back.

The data folder is found from this file's location, never from the working directory, so the
same code works in the repository (utils/ and data/ side by side), in a release folder (the
same layout, one level down) and in a grading sandbox whose working directory is elsewhere.
"""

import unicodedata
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# sample() stops after 50 characters, so a model trained on longer items could never finish one.
MAX_ITEM_LENGTH = 50


def _find(name):
    """The path of a corpus: name itself when it is absolute or exists, otherwise data/name.

    Raises FileNotFoundError naming the place it looked when the file is missing.
    """
    path = Path(name) if Path(name).is_absolute() or Path(name).exists() else DATA_DIR / name
    if not path.is_file():
        places = f"{path}" if Path(name).is_absolute() else f"{Path.cwd() / name} or {path}"
        raise FileNotFoundError(
            f"corpus not found: {places}. Expected the file in the data/ folder next to utils/ "
            f"({DATA_DIR}) or at the path given; on a fresh copy, fetch the whole assignment folder, "
            f"not the notebook alone."
        )
    return path


def load_corpus(name):
    """Read a corpus from the data folder and return its text, lower-cased.

    name -- file name inside data/, e.g. "dinos.txt", or a path to any text file
    Raises FileNotFoundError naming the place it looked when the file is missing.
    """
    return _find(name).read_text(encoding="utf-8").lower()


def load_items(name, max_length=MAX_ITEM_LENGTH):
    """Read a file with one item per line (names, places, words) and return its items, lower-cased.

    name -- file name inside data/, e.g. "swiss_first_names.txt", or the path of your own file
    max_length -- the longest item accepted, in characters

    Any characters are welcome (spaces, apostrophes, hyphens, accented letters, other scripts);
    the newline is what ends an item. Each line is stripped of surrounding spaces and blank lines
    are skipped. The text is normalised to NFC, so that "é" typed as one character or as "e" plus
    an accent becomes the same single character of the vocabulary.

    Raises FileNotFoundError when the file is missing, and ValueError naming the file and what was
    expected when it is empty, binary, UTF-16 or otherwise not UTF-8, a table (tabs, other control
    characters), one long line, or has lines longer than max_length.
    """
    path = _find(name)
    expected = "expected a UTF-8 text file with one item (a name, a place, a word) per line"
    raw = path.read_bytes()
    if not raw.strip():
        raise ValueError(f"{path} is empty: {expected}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # what Windows calls "Unicode" when saving
        raise ValueError(f"{path} is UTF-16 text: {expected}. Save it again with the UTF-8 encoding.")
    if b"\0" in raw:  # text never holds NUL bytes; images, PDFs, spreadsheets and archives do
        raise ValueError(f"{path} is a binary file, not text (it contains NUL bytes): {expected}")
    try:
        text = raw.decode("utf-8-sig")  # -sig: drop the byte-order mark some Windows editors write
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ValueError(
            f"{path} is not UTF-8 text (line {line} holds bytes that are not UTF-8): {expected}. "
            f"Save it again with the UTF-8 encoding."
        ) from None

    # Split on the newline only (after folding Windows and old Mac line ends into it): str.splitlines
    # would also split on rarer separators and hide them from the check below.
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(number, line.strip().lower()) for number, line in enumerate(lines, start=1)]
    for number, item in numbered:
        control = next((c for c in item if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)
        if control is not None:
            hint = " (a tab: is this a table? keep only the column of items)" if control == "\t" else ""
            raise ValueError(f"{path}, line {number}: control character {control!r}{hint}: {expected}")
    numbered = [(number, item) for number, item in numbered if item]
    too_long = [(number, item) for number, item in numbered if len(item) > max_length]
    if len(numbered) == 1 and too_long:
        raise ValueError(
            f"{path} is one line of {len(too_long[0][1])} characters: {expected}. If the items are "
            f"separated by commas or spaces, put each on its own line."
        )
    if too_long:
        number, item = too_long[0]
        raise ValueError(
            f"{path}, line {number}: {len(item)} characters, more than {max_length} "
            f"({len(too_long)} line(s) are that long): {expected}. Running text (sentences, "
            f"paragraphs) is not a list of items."
        )
    return [item for _, item in numbered]


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
