"""Open in Colab: the badge and the setup cell that let a notebook run on Google Colab.

Colab opens a notebook straight from GitHub, alone: the utils/ and data/ that sit next to it in
the repository are not in the session. So every student-facing notebook gets, after its title
cell, an "Open in Colab" badge and a setup cell that, on Colab only, downloads the files the
notebook needs into the session's working folder, where `import utils` finds them. Anywhere
else the files are already next to the notebook and the cell does nothing.

Both cells are generated from REPOSITORY and BRANCH in course.py, so a fork changes one line
and runs `python -m autograder release`. `add_colab_cells` is the one call that gives a notebook
its cells (or refreshes them).
"""

import re

import nbformat

from ..course import BRANCH, REPOSITORY

BADGE_ID = "colab-badge"
SETUP_ID = "colab-setup"
URL_VARIABLE = "COURSE_FILES_URL"  # overrides where the setup cell downloads from (a mirror, the tests)
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"

# GitHub account names: letters, digits and single inner hyphens.
GITHUB_OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9])*")

SETUP_TEMPLATE = '''\
# On Google Colab, download the helper code and data this notebook needs into the session.
# Anywhere else (JupyterLab, VS Code, the grader) they are already next to the notebook and this
# cell does nothing.
import sys

if "google.colab" in sys.modules:
    import importlib
    import os
    import urllib.request
    from pathlib import Path

    # the course repository; {variable}, if set, replaces it (a mirror, a fork)
    url = os.environ.get("{variable}",
                         "{files_url}")
    files = [
{files}
    ]
    for name in files:
        address = f"{{url}}/{prefix}{{name}}"
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        try:
            urllib.request.urlretrieve(address, name)
        except OSError as error:
            raise RuntimeError(f"could not download {{address}} ({{error}}). Is the session online? If "
                               "the address is wrong, tell whoever shared this notebook.") from None
    importlib.invalidate_caches()  # Python caches folder listings: make it see the new files
    print(f"Downloaded {{len(files)}} course files into {{os.getcwd()}}")'''


def files_url():
    """The address of the repository's files at BRANCH (GitHub's raw file server)."""
    return f"https://raw.githubusercontent.com/{REPOSITORY}/{BRANCH}"


def colab_url(notebook):
    """The address that opens notebook (a path inside the repository) on Colab."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{notebook}"


def repository_is_set():
    """Whether REPOSITORY names a possible GitHub repository (the default placeholder does not)."""
    owner, _, name = REPOSITORY.partition("/")
    return bool(GITHUB_OWNER.fullmatch(owner) and re.fullmatch(r"[\w.-]+", name))


def badge_source(notebook):
    """The markdown of the badge that opens notebook (a path inside the repository) on Colab."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook)})"


def setup_source(folder, files):
    """The source of the setup cell that downloads files (paths relative to folder, a folder of
    the repository; "" for its root) into the working folder, at the same relative paths."""
    return SETUP_TEMPLATE.format(
        variable=URL_VARIABLE,
        files_url=files_url(),
        files="\n".join(f'        "{name}",' for name in files),
        prefix=f"{folder}/" if folder else "",
    )


def add_colab_cells(nb, notebook, folder, files):
    """Give nb its badge (after the title cell) and its setup cell (after the badge), or refresh them.

    nb       -- the notebook; its first cell must be the markdown title cell
    notebook -- the path of the student-facing notebook inside the repository (what the badge opens)
    folder, files -- what the setup cell downloads, as for setup_source
    Returns nb, changed in place.
    """
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        raise ValueError(f"{notebook}: expected a first cell with the title (markdown starting with '# ')")
    wanted = [
        nbformat.v4.new_markdown_cell(badge_source(notebook), id=BADGE_ID),
        nbformat.v4.new_code_cell(setup_source(folder, files), id=SETUP_ID),
    ]
    for position, cell in enumerate(wanted, start=1):
        existing = next((c for c in nb.cells if c.get("id") == cell.id), None)
        if existing is None:
            nb.cells.insert(position, cell)
        else:
            existing.source = cell.source
    return nb


def apply_to_file(path, notebook, folder, files):
    """add_colab_cells on the notebook file at path, written back only if it changed.

    Returns True when the file was rewritten.
    """
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    add_colab_cells(nb, notebook, folder, files)
    if nbformat.writes(nb) == before:
        return False
    nbformat.write(nb, path)
    return True
