"""Command line of the course tools: `python -m autograder COMMAND ...`."""

import argparse
import sys

from . import release


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make_release = commands.add_parser("release", help="regenerate release/ from source/ with nbgrader")
    make_release.add_argument("--root", help="write the release under this course root instead of the repository")
    args = parser.parse_args(argv)

    if args.command == "release":
        folder = release.generate(args.root)
        print(f"release written to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
