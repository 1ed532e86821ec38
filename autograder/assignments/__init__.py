"""The graded assignments of the course, one folder each (see autograder/course.py)."""
