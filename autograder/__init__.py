"""Grading for the dinosaur-names assignment: the hidden cases, and the command-line grader."""
