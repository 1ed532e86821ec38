#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu): it makes a
# virtual environment with Python 3.11 or later and installs the pinned packages that grading
# needs (requirements.txt beside this file). AUTOGRADER_ROOT moves the tree (default /autograder).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${AUTOGRADER_ROOT:-/autograder}"

recent='import sys; sys.exit(sys.version_info < (3, 11))'
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" > /dev/null && "$candidate" -c "$recent" 2> /dev/null; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then  # Ubuntu 22.04: Python 3.10, with 3.11 in its packages
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q python3.11 python3.11-venv
    python=python3.11
fi
if ! "$python" -c 'import ensurepip, venv' 2> /dev/null; then  # Ubuntu ships venv in a package of its own
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "$("$python" -c 'import sys; print("python3.%d-venv" % sys.version_info[1])')"
fi
if ! command -v bwrap > /dev/null; then  # bubblewrap: the grader's namespaces (it says so when they are missing)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q bubblewrap || echo "setup.sh: no bubblewrap: student code will run with weaker isolation"
fi
"$python" -m venv "$root/venv"
"$root/venv/bin/python" -m pip install --quiet --no-cache-dir --disable-pip-version-check -r "$here/requirements.txt"
"$root/venv/bin/python" -c 'import numpy, tqdm' && echo "setup.sh: grading environment ready in $root/venv"
