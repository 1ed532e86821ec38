"""Open in Colab: the badge and the setup cell that let a notebook run on Google Colab.

Colab opens a notebook straight from GitHub, alone: the utils/ and data/ that sit next to it in
the repository are not in the session. So every student-facing notebook gets, after its title
cell, an "Open in Colab" badge and a setup cell that, on Colab only, downloads the files the
notebook needs into the session's working folder, where `import utils` finds them. Anywhere
else the files are already next to the notebook and the cell does nothing.

Both cells name the repository students open the notebooks from: the student edition that
`python -m autograder publish DIR --repository OWNER/NAME` writes (authoring/publish.py), never
the instructor's repository, which holds the solutions. The instructor's own copies (source/,
release/, notebooks/) carry UNPUBLISHED instead, a placeholder whose owner cannot be a GitHub
account, so a badge opened from there leads nowhere and its setup cell fails with a clear download
error. `add_colab_cells` is the one call that gives a notebook its cells (or refreshes them).
"""

import re
from dataclasses import dataclass

import nbformat

BADGE_ID = "colab-badge"
SETUP_ID = "colab-setup"
URL_VARIABLE = "COURSE_FILES_URL"  # overrides where the setup cell downloads from (a mirror, the tests)
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"

# GitHub account names: letters, digits and single inner hyphens; repository names: letters, digits, . _ -
# but not . or .. alone
GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9])*/(?!\.\.?$)[\w.-]+")
# A branch name without the characters git refuses (a simplification of git check-ref-format).
BRANCH_NAME = re.compile(r"(?![-/]|.*(?:\.\.|//|@\{|/$|\.lock$|\.$))[^\x00-\x20~^:?*\[\\]+")


@dataclass(frozen=True)
class Site:
    """Where students open the notebooks: a GitHub repository ("owner/name") and branch."""

    repository: str
    branch: str

    def files_url(self):
        """The address of the repository's files at the branch (GitHub's raw file server)."""
        return f"https://raw.githubusercontent.com/{self.repository}/{self.branch}"

    def colab_url(self, notebook):
        """The address that opens notebook (a path inside the repository) on Colab."""
        return f"https://colab.research.google.com/github/{self.repository}/blob/{self.branch}/{notebook}"


def student_site(repository, branch="main"):
    """The Site of a student edition; ValueError when repository or branch cannot be GitHub's."""
    if not GITHUB_REPOSITORY.fullmatch(repository):
        raise ValueError(f"--repository {repository!r} is not a GitHub repository like OWNER/NAME")
    if not BRANCH_NAME.fullmatch(branch):
        raise ValueError(f"--branch {branch!r} is not a valid git branch name")
    return Site(repository, branch)


# The instructor's copies: an owner with an underscore is no GitHub account, so nothing is fetched
# from somebody else's repository.
UNPUBLISHED = Site("YOUR_ACCOUNT/dinosaur-island", "main")

SETUP_TEMPLATE = """\
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
    default_url = "{files_url}"
    url = os.environ.get("{variable}", default_url)
    files = [
{files}
    ]
    for name in files:
        address = f"{{url}}/{prefix}{{name}}"
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        try:
            urllib.request.urlretrieve(address, name)
        except OSError as error:
            raise RuntimeError(
                f"could not download {{address}} ({{error}}). Is the session online? If "
                "the address is wrong, tell whoever shared this notebook."
            ) from None
    importlib.invalidate_caches()  # Python caches folder listings: make it see the new files
    print(f"Downloaded {{len(files)}} course files into {{os.getcwd()}}")"""


def badge_source(notebook, site=UNPUBLISHED):
    """The markdown of the badge that opens notebook (a path inside site's repository) on Colab."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({site.colab_url(notebook)})"


def setup_source(folder, files, site=UNPUBLISHED):
    """The source of the setup cell that downloads files (paths relative to folder, a folder of
    site's repository; "" for its root) into the working folder, at the same relative paths."""
    return SETUP_TEMPLATE.format(
        variable=URL_VARIABLE,
        files_url=site.files_url(),
        files="\n".join(f'        "{name}",' for name in files),
        prefix=f"{folder}/" if folder else "",
    )


def add_colab_cells(nb, notebook, folder, files, site=UNPUBLISHED):
    """Give nb its badge (after the title cell) and its setup cell (after the badge), or refresh them.

    nb       -- the notebook; its first cell must be the markdown title cell
    notebook -- the path of the student-facing notebook inside the repository (what the badge opens)
    folder, files -- what the setup cell downloads, as for setup_source
    site     -- the Site the cells point at (default: UNPUBLISHED, for the instructor's copies)
    Returns nb, changed in place.
    """
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        raise ValueError(f"{notebook}: expected a first cell with the title (markdown starting with '# ')")
    wanted = [
        nbformat.v4.new_markdown_cell(badge_source(notebook, site), id=BADGE_ID),
        nbformat.v4.new_code_cell(setup_source(folder, files, site), id=SETUP_ID),
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
