"""Helper code for the character-level language model notebooks (`from utils import *`).

rnn  -- the RNN of the series: softmax, initialisation, the cell, forward and backward passes, SGD update
text -- corpora (and lists of items from any file), vocabularies and the text of sampled names

In the course repository the optional Shakespeare notebook also uses two modules, imported by
name and not re-exported here (a graded release folder does not hold them):
lstm       -- the stacked LSTM: one cell, the layers and the model forward and backward, Adam, generation
train_lstm -- trains it from scratch and writes data/shakespeare_lstm.npz (python -m utils.train_lstm)
"""

from .rnn import (
    get_initial_loss,
    initialize_parameters,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    smooth,
    softmax,
    update_parameters,
)
from .text import build_vocabulary, get_sample, load_corpus, load_items

__all__ = [
    "build_vocabulary",
    "get_initial_loss",
    "get_sample",
    "initialize_parameters",
    "load_corpus",
    "load_items",
    "rnn_backward",
    "rnn_forward",
    "rnn_cell_backward",
    "rnn_cell_forward",
    "smooth",
    "softmax",
    "update_parameters",
]
