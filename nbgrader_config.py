"""The nbgrader course: run nbgrader commands from this folder (the repository root)."""

import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
here = os.path.dirname(os.path.abspath(__file__))

# nbgrader runs the `alembic` command by name when it creates a gradebook. Run as
# .venv/bin/nbgrader without the environment activated, it would not find it, fail, and remove the
# release it was generating: put this Python's scripts folder (where alembic is) first on PATH.
scripts = os.path.dirname(sys.executable)
if scripts not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])

c.CourseDirectory.course_id = "dinosaur-island"
c.CourseDirectory.root = here

# release_assignment / collect move files through an exchange folder; keep it inside the
# course (gitignored) instead of nbgrader's default under /usr/local/share.
c.Exchange.root = os.path.join(here, "exchange")

# A cell that runs longer than this is interrupted and scores 0. The notebook trains briefly
# when NBGRADER_EXECUTION is set, and each hidden test cell takes a few seconds.
c.Execute.timeout = 120

# nbgrader gives 0 to a test cell with any stderr output, so a harmless warning (numpy's,
# matplotlib's, a student's debug print to stderr) would zero a correct answer. Drop every
# stderr stream before the cells are scored; errors are still errors.
c.IgnorePattern.enabled = True  # off by default, unlike nbgrader's other preprocessors
c.IgnorePattern.pattern = r"[\s\S]"

# The released notebooks carry their figures inside them: Colab cannot show images at relative paths.
# First in the list, so that what nbgrader records of each cell is what students get.
c.GenerateAssignment.preprocessors.prepend(["autograder.authoring.release.EmbedFigures"])

# A student who deletes a test cell gets it back (and is graded) instead of "needs manual grading".
c.OverwriteCells.add_missing_cells = True

# A notebook saved by Colab or VS Code has lost nbgrader's cell metadata: before anything else,
# find its cells again (graded cells by their UNQ_Cn marker, the others by id or text) and restore it.
c.Autograde.sanitize_preprocessors.prepend(["autograder.grading.nbgrader_metadata.RestoreMetadata"])

# Feedback shows each test cell's output (the hidden cases print what failed and why) but not
# the hidden test code.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
