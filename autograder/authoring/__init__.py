"""Authoring the course: the releases, their Chinese edition and their Colab cells."""
