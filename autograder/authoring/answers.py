"""An assignment's answers as lines of code, to find them where students must not see them.

The answers are the lines of the solution blocks and hidden-test blocks of its source notebook
(nbgrader's `### BEGIN SOLUTION` ... `### END SOLUTION` and `### BEGIN HIDDEN TESTS` ... `### END
HIDDEN TESTS`) that the notebook does not also give outside those blocks. Lines are compared
normalised: tokens only, without comments or whitespace, so that reformatting a copied line does not
hide it. A series may hand out the answers of an earlier assignment as helper code of a later one
(Dinosaur Island's utils/rnn.py holds the step-by-step functions): `python -m autograder publish`
refuses such files, naming them, until the instructor says the earlier assignment is due.
"""

import io
import re
import tokenize
from functools import cache

import nbformat

BLOCKS = {"### BEGIN SOLUTION": "### END SOLUTION", "### BEGIN HIDDEN TESTS": "### END HIDDEN TESTS"}
MIN_LINE = 8  # characters of a normalised line below which it is too common to mean anything ("returnx")


@cache  # the editions of an assignment repeat the same files: each line is read once
def normalised(line):
    """line without its comment and without any whitespace between tokens; for a line that
    tokenize cannot read alone (a piece of a string), line without any whitespace."""
    try:
        tokens = [
            t.string
            for t in tokenize.generate_tokens(io.StringIO(line.strip()).readline)
            if t.type
            not in (
                tokenize.COMMENT,
                tokenize.NL,
                tokenize.NEWLINE,
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.ENDMARKER,
            )
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.sub(r"\s+", "", line)
    return "".join(tokens)


def split_blocks(source):
    """(the lines inside the solution and hidden-test blocks of a cell's source, the other lines)."""
    inside, outside, end = [], [], None
    for line in source.splitlines():
        marker = line.strip()
        if end is None and marker in BLOCKS:
            end = BLOCKS[marker]
        elif end is not None and marker == end:
            end = None
        else:
            (inside if end else outside).append(line)
    return inside, outside


@cache
def answer_lines(assignment):
    """{normalised answer line of at least MIN_LINE characters: the id of its cell} of assignment."""
    answers, given = {}, set()
    for cell in nbformat.read(assignment.source_notebook, as_version=4).cells:
        inside, outside = split_blocks(cell.source)
        given |= {normalised(line) for line in outside}
        answers.update({normalised(line): cell.get("id") for line in inside})
    return {line: cell for line, cell in answers.items() if line not in given and len(line) >= MIN_LINE}


def files_holding_answers(files, assignment):
    """The names of files (a {name: bytes} mapping) with a line of assignment's answers, sorted.
    A notebook is searched cell by cell; binary files are skipped."""
    answers = answer_lines(assignment)
    found = []
    for name, data in sorted(files.items()):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # binary data (the LSTM's weights) holds no code
        if name.endswith(".ipynb"):
            text = "\n".join("".join(cell.get("source", "")) for cell in nbformat.reads(text, as_version=4).cells)
        if any(normalised(line) in answers for line in text.splitlines()):
            found.append(name)
    return found
