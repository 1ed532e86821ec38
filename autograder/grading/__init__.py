"""Grading submissions: finding them, running their graded cells in isolation, checking, reporting."""
