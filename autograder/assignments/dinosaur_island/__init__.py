"""Dinosaur Island: clip, sample, optimize and model of a character-level RNN (data in assignment.toml)."""
