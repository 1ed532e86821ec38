"""Translated editions: the English source notebook with its markdown cells translated.

An edition's translations live in one file (e.g. source/dinosaur_island.zh-CN.yml, named by
the edition in assignment.toml), keyed by cell id. Each entry holds the translated markdown and
the hash of the English cell it translates, so a translation whose English has changed since is
detected as stale.

A translated notebook is generated from the English source: every code cell, with its nbgrader
metadata, is copied unchanged, so all editions are graded by the same tests and hidden cases,
as one nbgrader assignment.
"""

import copy
import hashlib
from dataclasses import dataclass

import yaml

from . import colab

HASH_DIGITS = 16  # of the sha256: plenty to notice a change, short enough to read


@dataclass(frozen=True)
class Translation:
    text: str
    english_sha256: str  # the first HASH_DIGITS hex digits of the sha256 of the English it translates


def english_hash(source):
    """The hash stored next to a translation: the start of the sha256 of the English cell source."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:HASH_DIGITS]


def load(path):
    """{cell id: Translation} read from the translation file; ValueError naming the file and entry
    when an entry is not a mapping with a text and an english_sha256."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(entries, dict):
        raise ValueError(f"{path}: expected a mapping from cell id to translation")
    translations = {}
    for cell_id, entry in entries.items():
        if not (
            isinstance(entry, dict)
            and set(entry) == {"english_sha256", "text"}
            and all(isinstance(v, str) for v in entry.values())
        ):
            raise ValueError(f"{path}, entry {cell_id!r}: expected exactly the strings english_sha256 and text")
        translations[cell_id] = Translation(entry["text"], entry["english_sha256"])
    return translations


def translatable(nb):
    """The markdown cells to translate: all but the Colab badge, which is generated per edition."""
    return [c for c in nb.cells if c.cell_type == "markdown" and c.id != colab.BADGE_ID]


def problems(nb, translations, path):
    """What keeps the translation of nb from being complete, one message per cell (empty: complete)."""
    found = []
    cells = translatable(nb)
    for cell in cells:
        now = english_hash(cell.source)
        entry = translations.get(cell.id)
        if entry is None:
            found.append(
                f"cell {cell.id!r} has no translation in {path.name}, so it stays in English "
                f"(add one, with english_sha256: {now})"
            )
        elif entry.english_sha256 != now:
            found.append(
                f"cell {cell.id!r}: its English changed since it was translated, so it stays "
                f"in English (english_sha256 is {entry.english_sha256}, the English now hashes to "
                f"{now}); update the translation in {path.name} and its english_sha256"
            )
    ids = {c.id for c in cells}
    found += [
        f"{path.name} translates {cell_id!r}, which is not a markdown cell of the source notebook"
        for cell_id in translations
        if cell_id not in ids
    ]
    return found


def translated(nb, translations, notebook):
    """The translated notebook: a copy of nb with the markdown cells whose translation is up to
    date translated, the others left in English, and the badge opening notebook (its path in
    the course)."""
    zh = copy.deepcopy(nb)
    for cell in translatable(zh):
        entry = translations.get(cell.id)
        if entry is not None and entry.english_sha256 == english_hash(cell.source):
            cell.source = entry.text
    for cell in zh.cells:
        if cell.id == colab.BADGE_ID:
            cell.source = colab.badge_source(notebook)
    return zh
