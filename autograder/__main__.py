"""Command line of the course tools: `python -m autograder COMMAND ...`."""

import argparse
import sys

from . import colab, release
from .course import REPOSITORY, ZH_ASSIGNMENT


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make_release = commands.add_parser(
        "release", help="refresh the generated sources (Colab cells, Chinese edition) and regenerate release/ with nbgrader")
    make_release.add_argument("--root", help="write the release under this course root instead of the repository")
    args = parser.parse_args(argv)

    if args.command == "release":
        for problem in release.prepare_sources():
            print(f"warning: zh-CN edition: {problem}", file=sys.stderr)
        if not colab.repository_is_set():
            print(f"note: REPOSITORY in autograder/course.py is {REPOSITORY!r}, not a GitHub repository yet: "
                  "the Open in Colab badges and the Colab setup cell work once it names yours", file=sys.stderr)
        folder = release.generate(args.root)
        print(f"release written to {folder} and {folder.parent / ZH_ASSIGNMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
