"""Building a recurrent network step by step: the RNN cell, forward and backward (data in assignment.toml)."""
