"""Helper code of *Building a recurrent network step by step* (this file is the release's utils/__init__.py).

activations    -- softmax
gradient_check -- the numerical gradient and the relative error of the gradient check
rnn_tests      -- the public tests you run after each exercise

The RNN itself is what the notebook builds. Dinosaur Island's utils/rnn.py holds the same four functions.
"""
