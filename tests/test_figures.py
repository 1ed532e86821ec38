"""The committed figures in images/ are exactly what images/draw_figures.py draws.

The script runs in a fresh interpreter (as a developer would run it) into a temporary folder,
and every PNG must match the committed one byte for byte. Byte equality only holds on the
pinned numpy and matplotlib of requirements.txt: after an upgrade, regenerate and look.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "images"
SCRIPT = IMAGES / "draw_figures.py"
REGENERATE = "python images/draw_figures.py"
FIGURES = ("rnn_unrolled.png", "clipping.png", "sampling.png", "rnn_cell.png")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The folder of freshly drawn figures, drawn once for all tests of this module."""
    out = tmp_path_factory.mktemp("figures")
    result = subprocess.run([sys.executable, str(SCRIPT), str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{REGENERATE} failed:\n{result.stderr}"
    return out


def test_the_script_draws_the_expected_figures(fresh):
    assert sorted(p.name for p in fresh.glob("*.png")) == sorted(FIGURES)


@pytest.mark.parametrize("name", FIGURES)
def test_committed_figure_matches_the_script(fresh, name):
    committed = IMAGES / name
    assert committed.is_file(), f"images/{name} is missing: run `{REGENERATE}` from the repository root and commit it"
    assert committed.read_bytes() == (fresh / name).read_bytes(), (
        f"images/{name} differs from what the script draws now. If the change is intended, "
        f"run `{REGENERATE}` from the repository root, look at the PNGs, and commit them."
    )


def test_every_committed_png_is_drawn_by_the_script():
    # images/ holds only generated figures (no copied images); a stray PNG is either a copy or
    # a leftover of a renamed figure.
    strays = sorted(p.name for p in IMAGES.glob("*.png") if p.name not in FIGURES)
    assert not strays, f"PNGs in images/ that {SCRIPT.name} does not draw: {strays}"
