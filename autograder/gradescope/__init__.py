"""Gradescope: the autograder bundle an instructor uploads (bundle.py) and what runs inside
Gradescope's container for each submission (run.py, started by the bundle's run_autograder)."""
