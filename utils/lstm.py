"""A stacked character-level LSTM in numpy: the model of the optional Shakespeare notebook.

The architecture is the one of the original assignment's Keras model:

    one-hot characters -> LSTM n_a -> dropout 0.5 -> LSTM n_a (last step) -> dropout 0.5
                       -> dense n_y -> softmax

trained on 40-character windows to predict the 41st, with the categorical cross-entropy and
Adam. This module holds the data pipeline, the forward and backward passes, the optimiser,
saving and loading, and the generator; utils/train_lstm.py trains it.

Notation (the dinosaur notebook's, plus a batch):
    m   -- number of windows in a batch
    T_x -- time steps in a window (40)
    n_x -- vocabulary size, the size of a one-hot input (38 for the Sonnets)
    n_a -- hidden units in each LSTM layer (128)
    n_y -- vocabulary size again, the size of the softmax output

parameters is a dict of arrays, float32 for training and float64 for gradient checks:
    Wx1 -- layer-1 input weights, the four gates' matrices stacked, shape (4 n_a, n_x)
    Wh1 -- layer-1 recurrent weights, shape (4 n_a, n_a)
    b1  -- layer-1 biases, shape (4 n_a, 1)
    Wx2 -- layer-2 input weights, shape (4 n_a, n_a)
    Wh2 -- layer-2 recurrent weights, shape (4 n_a, n_a)
    b2  -- layer-2 biases, shape (4 n_a, 1)
    Wy  -- dense weights, shape (n_y, n_a)
    by  -- dense bias, shape (n_y, 1)
and gradients has the same keys with a leading d. Along the 4 n_a axis the blocks are the
input gate i, the forget gate f, the output gate o and the candidate g, in that order, so
that one matrix product computes the four blocks' pre-activations.

One LSTM cell, with one example per column as in the dinosaur RNN (x_t is (n_in, m)):

    z_t = Wx x_t + Wh h_{t-1} + b                    (4 n_a, m)
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);   g = tanh(z_g)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

with h_0 = c_0 = 0 for every window.

Where we differ from the Keras model, and why:
    - the gates use the logistic sigmoid, not Keras 2.0's hard_sigmoid: it is what PyTorch
      uses, so benchmarks/bench_lstm.py compares the same function;
    - Adam uses the paper's bias-corrected step with eps added to sqrt(v), as Keras 2.0 did;
      PyTorch adds eps after the correction, a difference of order eps.

The code follows the math: lstm_cell_forward and lstm_cell_backward are one step, and a
layer (lstm_layer_forward, lstm_layer_backward) calls them step after step. Windows come in
batch-major, (m, T_x) like the Keras arrays, and probabilities go out as (m, n_y); inside,
arrays are (T_x, features, m), so that a time step is one contiguous (features, m) slice.
Only the recurrence is a Python loop; inside a step every operation is a matrix product or
an elementwise operation on the whole batch, which is what makes an epoch fast.
"""

import hashlib
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .activations import softmax

T_X = 40  # characters in a window
STRIDE = 3  # distance between the starts of two training windows
N_A = 128  # hidden units per LSTM layer
DROPOUT = 0.5  # the rate of both dropout layers while training
TRAIN_FRACTION = 0.9  # the first 90 % of the text trains, the last 10 % validates
PARAMETER_NAMES = ("Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2", "Wy", "by")


# -----------------------------------------------------------------------------------------
# data: text -> windows of character indices


def encode(text, char_to_ix):
    """The indices of the characters of text, an int array of shape (len(text),)."""
    return np.array([char_to_ix[ch] for ch in text], dtype=np.intp)


def build_windows(ix, Tx=T_X, stride=STRIDE):
    """Windows of Tx characters and the character that follows each.

    ix     -- character indices of a text, shape (n,)
    stride -- distance between the starts of consecutive windows
    Returns (X, Y): X of shape (k, Tx), Y of shape (k,), one window for every start
    0, stride, 2 stride, ... below n - Tx (the original build_data's range); for the
    Sonnets with Tx 40 and stride 3 that is k = 31412.
    """
    starts = np.arange(0, len(ix) - Tx, stride)
    X = np.lib.stride_tricks.sliding_window_view(ix, Tx)[starts]
    return X, ix[starts + Tx]


def train_val_windows(ix, train_fraction=TRAIN_FRACTION, Tx=T_X, stride=STRIDE):
    """Split a text in two: training windows from its start, validation targets from its end.

    ix -- character indices of the whole text, shape (n,)
    Returns (X_train, Y_train, X_val, Y_val):
        X_train (k, Tx), Y_train (k,) -- the windows of the first train_fraction of the text,
                                         with the given stride
        X_val (n_val, Tx), Y_val (n_val,) -- every character of the rest of the text, each
                                         with the Tx characters before it as its window
    The validation windows reach back into the training text for their context, but no
    validation target is ever a training target, so the validation loss is the model's
    cross-entropy per character on text it never learned from.
    """
    split = int(train_fraction * len(ix))
    X_train, Y_train = build_windows(ix[:split], Tx, stride)
    X_val, Y_val = build_windows(ix[split - Tx :], Tx, stride=1)
    return X_train, Y_train, X_val, Y_val


# -----------------------------------------------------------------------------------------
# parameters


def initialize_parameters(n_x, n_a=N_A, n_y=None, seed=0, dtype=np.float32):
    """Random weights drawn as Keras 2.0 drew them for this model, from a seeded generator.

    Input and dense weights are Glorot-uniform, recurrent weights orthogonal, biases zero
    except the forget gate's, which starts at 1 so that early in training a cell keeps its
    memory instead of forgetting it (Jozefowicz et al., 2015; Keras's unit_forget_bias).

    n_x, n_a, n_y -- vocabulary size, hidden units, output size (n_x by default)
    seed          -- anything np.random.default_rng accepts
    Returns parameters: Wx1 (4 n_a, n_x), Wh1 (4 n_a, n_a), b1 (4 n_a, 1), Wx2 (4 n_a, n_a),
    Wh2 (4 n_a, n_a), b2 (4 n_a, 1), Wy (n_y, n_a), by (n_y, 1), all of the given dtype.
    """
    n_y = n_x if n_y is None else n_y
    rng = np.random.default_rng(seed)

    def glorot(n_out, n_in):
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_out, n_in))

    def orthogonal(n_out, n_in):
        u, _, _ = np.linalg.svd(rng.standard_normal((n_out, n_in)), full_matrices=False)
        return u  # (n_out, n_in) with orthonormal columns

    def lstm_bias():
        b = np.zeros((4 * n_a, 1))
        b[n_a : 2 * n_a] = 1.0
        return b

    parameters = {
        "Wx1": glorot(4 * n_a, n_x),
        "Wh1": orthogonal(4 * n_a, n_a),
        "b1": lstm_bias(),
        "Wx2": glorot(4 * n_a, n_a),
        "Wh2": orthogonal(4 * n_a, n_a),
        "b2": lstm_bias(),
        "Wy": glorot(n_y, n_a),
        "by": np.zeros((n_y, 1)),
    }
    return {name: w.astype(dtype) for name, w in parameters.items()}


# -----------------------------------------------------------------------------------------
# one LSTM cell: one time step, the notebook's equations


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise, written as (1 + tanh(z / 2)) / 2.

    The two are equal; the tanh form never overflows (exp(-z) does for z below about -89 in
    float32) and keeps float32 arrays float32. z -- any array. Returns an array of its shape.
    """
    return 0.5 * (1 + np.tanh(0.5 * z))


def lstm_cell_forward(xt, h_prev, c_prev, Wx, Wh, b):
    """One step of an LSTM layer, for a batch of m sequences (one per column).

    xt     -- the input at step t, shape (n_in, m)
    h_prev -- the hidden state h_{t-1}, shape (n_a, m)
    c_prev -- the cell state c_{t-1}, shape (n_a, m)
    Wx     -- input weights of the four blocks [i; f; o; g], shape (4 n_a, n_in)
    Wh     -- recurrent weights, shape (4 n_a, n_a)
    b      -- biases, shape (4 n_a, 1)
    Returns (h_next, c_next, cache):
        h_next -- the hidden state h_t, shape (n_a, m)
        c_next -- the cell state c_t, shape (n_a, m)
        cache  -- what lstm_cell_backward needs: the inputs, the gates and tanh(c_t)
    """
    n_a = h_prev.shape[0]
    z = Wx @ xt + b + Wh @ h_prev  # (4 n_a, m): the four blocks' pre-activations at once
    i = sigmoid(z[:n_a])  # input gate: how much of the candidate to write
    f = sigmoid(z[n_a : 2 * n_a])  # forget gate: how much of the old cell to keep
    o = sigmoid(z[2 * n_a : 3 * n_a])  # output gate: how much of the cell to show
    g = np.tanh(z[3 * n_a :])  # candidate: the new content
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    cache = {
        "xt": xt,
        "h_prev": h_prev,
        "c_prev": c_prev,
        "i": i,
        "f": f,
        "o": o,
        "g": g,
        "tanh_c": tanh_c,
        "Wx": Wx,
        "Wh": Wh,
    }
    return h_next, c_next, cache


def lstm_cell_backward(dh_next, dc_next, cache):
    """Backward pass of one LSTM step: lstm_cell_forward's equations in reverse.

    dh_next -- gradient of the loss with respect to h_t, shape (n_a, m): all of it, from the
               layer above and from step t + 1
    dc_next -- gradient with respect to c_t coming from step t + 1, shape (n_a, m)
    cache   -- from lstm_cell_forward
    Returns a dict of gradients:
        dxt    -- with respect to the input x_t, shape (n_in, m)
        dh_prev, dc_prev -- with respect to h_{t-1} and c_{t-1}, shape (n_a, m)
        dWx (4 n_a, n_in), dWh (4 n_a, n_a), db (4 n_a, 1) -- this step's share of the weights'
               gradients; the layer sums them over the steps
    """
    i, f, o, g, tanh_c = (cache[k] for k in ("i", "f", "o", "g", "tanh_c"))
    do = dh_next * tanh_c  # h_t = o * tanh(c_t)
    dc = dc_next + dh_next * (o * (1 - tanh_c**2))  # c_t reaches the loss directly and through h_t
    di, df, dg = dc * g, dc * cache["c_prev"], dc * i  # c_t = f * c_{t-1} + i * g
    # back through the activations: sigmoid' = s (1 - s), tanh' = 1 - tanh^2
    dz = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g**2)])
    return {
        "dxt": cache["Wx"].T @ dz,
        "dh_prev": cache["Wh"].T @ dz,
        "dc_prev": dc * f,
        "dWx": dz @ cache["xt"].T,
        "dWh": dz @ cache["h_prev"].T,
        "db": dz.sum(axis=1, keepdims=True),
    }


# -----------------------------------------------------------------------------------------
# one LSTM layer: the cell, step after step


def lstm_layer_forward(X, Wx, Wh, b):
    """Run one LSTM layer over all the time steps of a batch, from zero initial states.

    X  -- the layer's inputs, shape (T_x, n_in, m): X[t] holds x_t, one example per column
    Wx -- input weights, shape (4 n_a, n_in)
    Wh -- recurrent weights, shape (4 n_a, n_a)
    b  -- biases, shape (4 n_a, 1)
    Returns (H, caches):
        H      -- the hidden states h_1 ... h_{T_x}, shape (T_x, n_a, m)
        caches -- the T_x steps' caches, in order, for lstm_layer_backward
    """
    T, _, m = X.shape
    n_a = Wh.shape[1]
    h = c = np.zeros((n_a, m), dtype=X.dtype)  # h_0 = c_0 = 0
    H, caches = [], []
    for t in range(T):
        h, c, cache = lstm_cell_forward(X[t], h, c, Wx, Wh, b)
        H.append(h)
        caches.append(cache)
    return np.stack(H), caches


def lstm_layer_backward(dH, caches):
    """Backpropagation through time for one LSTM layer.

    dH     -- gradient of the loss with respect to the outputs h_1 ... h_{T_x} coming from
              above (not through the recurrence), shape (T_x, n_a, m)
    caches -- from lstm_layer_forward
    Returns (dX, grads):
        dX    -- gradient with respect to the inputs, shape (T_x, n_in, m)
        grads -- dWx (4 n_a, n_in), dWh (4 n_a, n_a), db (4 n_a, 1), summed over the steps
    """
    T, n_a, m = dH.shape
    dh_next = np.zeros((n_a, m), dtype=dH.dtype)  # reaches h_t through step t + 1
    dc_next = np.zeros((n_a, m), dtype=dH.dtype)  # reaches c_t through step t + 1
    dWx, dWh, db_steps = 0, 0, [None] * T
    dX = [None] * T
    for t in reversed(range(T)):
        step = lstm_cell_backward(dH[t] + dh_next, dc_next, caches[t])
        dX[t], dh_next, dc_next = step["dxt"], step["dh_prev"], step["dc_prev"]
        dWx, dWh = dWx + step["dWx"], dWh + step["dWh"]  # the same weights serve every step
        db_steps[t] = step["db"]
    # Sums of floats depend on their order, and training amplifies any difference. The bias
    # gradient is added up from the first step to the last (and z = Wx x + b + Wh h in the
    # cell, in that order), as in the version of this module that trained the shipped weights,
    # so that python -m utils.train_lstm still makes them bit for bit.
    grads = {"dWx": dWx, "dWh": dWh, "db": sum(db_steps)}
    return np.stack(dX), grads


# -----------------------------------------------------------------------------------------
# the stacked model


def one_hot(X, n_x, dtype=np.float32):
    """One-hot columns of a batch of windows.

    X -- character indices, shape (m, T_x)
    Returns an array of shape (T_x, n_x, m) with a 1 at [t, X[j, t], j].
    """
    m, T = X.shape
    out = np.zeros((T, n_x, m), dtype=dtype)
    out[np.arange(T)[:, None], X.T, np.arange(m)] = 1
    return out


def _dropout_mask(rng, shape, rate, dtype):
    """Inverted dropout: 0 with probability rate, else 1 / (1 - rate), so expectations match."""
    keep = rng.random(shape, dtype=np.float32) >= rate
    return keep.astype(dtype) * dtype.type(1 / (1 - rate))


def model_forward(parameters, X, training=False, rng=None, dropout=DROPOUT):
    """The stacked model on a batch of windows.

    parameters -- dict of the eight weights (see the module docstring)
    X          -- character indices, shape (m, T_x)
    training   -- apply dropout (True) or not (False, for evaluation and generation)
    rng        -- np.random.Generator drawing the dropout masks; needed when training
    dropout    -- the dropout rate of both dropout layers
    Returns (probs, cache): the softmax output of shape (m, n_y), one row per window, and a
    dict of what model_backward needs, among which the dropout masks mask1 (T_x, n_a, m)
    and mask2 (n_a, m), None when not training.
    """
    p = parameters
    if training and rng is None:
        raise ValueError("training=True needs rng, a np.random.Generator for the dropout masks")
    drop = training and dropout > 0
    dtype = p["Wh1"].dtype
    X = np.asarray(X)

    A1, caches1 = lstm_layer_forward(one_hot(X, p["Wx1"].shape[1], dtype), p["Wx1"], p["Wh1"], p["b1"])
    mask1 = _dropout_mask(rng, A1.shape, dropout, dtype) if drop else None
    if drop:
        A1 = A1 * mask1
    H2, caches2 = lstm_layer_forward(A1, p["Wx2"], p["Wh2"], p["b2"])
    a2 = H2[-1]  # the second layer's output at the last step only
    mask2 = _dropout_mask(rng, a2.shape, dropout, dtype) if drop else None
    if drop:
        a2 = a2 * mask2
    probs = softmax(p["Wy"] @ a2 + p["by"])  # (n_y, m): one column per window
    cache = {
        "parameters": parameters,
        "layer1": caches1,
        "mask1": mask1,
        "layer2": caches2,
        "mask2": mask2,
        "a2": a2,
        "probs": probs,
    }
    return probs.T, cache


def cross_entropy(probs, Y):
    """Mean categorical cross-entropy in nats. probs (m, n_y), Y -- target indices (m,)."""
    return float(-np.mean(np.log(probs[np.arange(len(Y)), Y])))


def model_backward(Y, cache):
    """Gradients of the mean cross-entropy of model_forward's output against the targets Y.

    Y     -- target indices, shape (m,)
    cache -- from model_forward (with the same dropout masks, when training)
    Returns gradients: dWx1 (4 n_a, n_x), dWh1 (4 n_a, n_a), db1 (4 n_a, 1), dWx2 (4 n_a, n_a),
    dWh2 (4 n_a, n_a), db2 (4 n_a, 1), dWy (n_y, n_a), dby (n_y, 1).
    """
    p, mask1, mask2 = cache["parameters"], cache["mask1"], cache["mask2"]
    dscores = cache["probs"].copy()
    n_y, m = dscores.shape
    dscores[Y, np.arange(m)] -= 1  # softmax + cross-entropy: probs - one_hot(Y)
    dscores /= m  # the loss is a mean over the batch
    grads = {"dWy": dscores @ cache["a2"].T, "dby": dscores.sum(axis=1, keepdims=True)}
    da2 = p["Wy"].T @ dscores
    if mask2 is not None:
        da2 *= mask2

    # layer 2 receives a gradient from above at its last step only
    T, n_a = len(cache["layer2"]), da2.shape[0]
    dH2 = np.zeros((T, n_a, m), dtype=da2.dtype)
    dH2[-1] = da2
    dA1, layer2 = lstm_layer_backward(dH2, cache["layer2"])
    if mask1 is not None:
        dA1 *= mask1
    _, layer1 = lstm_layer_backward(dA1, cache["layer1"])  # the one-hot inputs need no gradient
    for k, layer in (("1", layer1), ("2", layer2)):
        grads.update({f"d{name}{k}": layer["d" + name] for name in ("Wx", "Wh", "b")})
    return grads


def predict_proba(parameters, X, batch_size=128):
    """Softmax outputs of the model without dropout, in batches.

    Batches of 128 keep a step's arrays, (4 n_a, 128) float32 = 256 KiB, within the CPU's
    cache; with batches of 1024 (2 MiB each) the validation text took several times longer.

    X -- character indices, shape (k, T_x). Returns probabilities, shape (k, n_y).
    """
    return np.concatenate([model_forward(parameters, X[s : s + batch_size])[0] for s in range(0, len(X), batch_size)])


class Adam:
    """Adam (Kingma & Ba, 2015), updating a parameters dict in place.

    Each parameter moves by lr_t * m / (sqrt(v) + eps), where m and v are running averages
    of the gradient and its square and lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t) undoes
    their bias towards zero in the first steps.
    """

    def __init__(self, parameters, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m = {name: np.zeros_like(w) for name, w in parameters.items()}
        self.v = {name: np.zeros_like(w) for name, w in parameters.items()}

    def step(self, parameters, grads):
        """One update of every parameter with its gradient grads['d' + name]."""
        self.t += 1
        # a Python float, so that float32 weights stay float32 (a numpy float64 would promote)
        lr_t = self.lr * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for name, w in parameters.items():
            g, m, v = grads["d" + name], self.m[name], self.v[name]
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            w -= lr_t * m / (np.sqrt(v) + self.eps)


# -----------------------------------------------------------------------------------------
# saving and loading


def save_model(path, parameters, chars):
    """Write the weights (float32) and the vocabulary to an .npz file; returns its sha256.

    np.savez stamps every member with the same fixed date, so equal arrays give equal bytes.
    """
    arrays = {name: np.asarray(parameters[name], dtype=np.float32) for name in PARAMETER_NAMES}
    np.savez(path, chars=np.array(chars), **arrays)
    return sha256(path)


def load_model(path):
    """Read what save_model wrote. Returns (parameters, chars): float32 weights, characters."""
    with np.load(path, allow_pickle=False) as npz:
        parameters = {name: npz[name] for name in PARAMETER_NAMES}
        chars = [str(ch) for ch in npz["chars"]]
    return parameters, chars


def sha256(path):
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_record(npz_path):
    """The JSON record written beside a model file (settings, sha256, losses), as a dict."""
    return json.loads(Path(npz_path).with_suffix(".json").read_text(encoding="utf-8"))


# -----------------------------------------------------------------------------------------
# writing: prompts and generation

# Common characters a person may type that the Sonnets' vocabulary spells differently
TYPED_EQUIVALENTS = {
    "\u2018": "'",
    "\u2019": "'",
    '"': "'",
    "\u201c": "'",
    "\u201d": "'",
    "\u2013": "-",
    "\u2014": "-",
    "\t": " ",
    "\r\n": "\n",
    "\r": "\n",
    "\u2026": "...",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
}


class Poem(NamedTuple):
    """What generate returns.

    seed  -- the characters the model read before writing: the cleaned prompt
    text  -- the characters it wrote
    notes -- sentences saying how the prompt was changed to make the seed (may be empty)
    """

    seed: str
    text: str
    notes: list


def plain_equivalent(ch):
    """The plain characters a typed character stands for: ch itself if it has none.

    ch -- one character, or the two of a Windows line end "\\r\\n"
    Typographic quotes, dashes, tabs and line ends come from TYPED_EQUIVALENTS; anything else
    loses its accents: NFKD splits an accented letter into the letter and its combining
    accent, and the accent is dropped ("é" -> "e", and the ligature "ﬁ" -> "fi").
    """
    if ch in TYPED_EQUIVALENTS:
        return TYPED_EQUIVALENTS[ch]
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def show_changes(changes):
    """'a' -> 'b' pairs of a dict {typed: plain}, for a note: "'\u2019' -> \\"'\\", ..."."""
    return ", ".join(f"{typed!r} -> {plain!r}" for typed, plain in changes.items())


def clean_prompt(prompt, char_to_ix, Tx=T_X):
    """Make any string a valid seed for the model, and say in a note each change made.

    Upper case is lowered; typographic quotes, dashes, tabs, Windows line ends and accents
    become their plain equivalents; characters still outside the vocabulary are dropped; of a
    longer prompt the last Tx characters are kept (the model was trained on windows of Tx
    characters). Each of these four kinds of change, when it happens, adds one note.
    prompt     -- any string
    char_to_ix -- dict from the vocabulary's characters to indices
    Returns (seed, notes): the cleaned string (possibly empty) and a list of sentences.
    """
    notes = []
    text = prompt.lower()
    if text != prompt:
        notes.append("upper case was lowered: the Sonnets' vocabulary has no capital letters")
    changes, plain = {}, []
    for typed in re.findall(r"\r\n|.", text, flags=re.DOTALL):  # a Windows line end is one
        plain.append(plain_equivalent(typed))
        if plain[-1] != typed:
            changes[typed] = plain[-1]
    text = "".join(plain)
    if changes:
        notes.append(f"replaced characters the Sonnets spell differently: {show_changes(changes)}")
    unknown = sorted(set(text) - set(char_to_ix))
    if unknown:
        text = "".join(ch for ch in text if ch in char_to_ix)
        notes.append(f"dropped characters the model does not know: {''.join(unknown)!r}")
    if len(text) > Tx:
        notes.append(f"the prompt has {len(text)} characters; the model reads the last {Tx}")
        text = text[-Tx:]
    return text, notes


def sample_index(scores, temperature, rng):
    """Draw one index from softmax(scores / temperature).

    Dividing the scores by the temperature is the same as raising the probabilities to the
    power 1 / temperature and renormalising: below 1 the likely characters get likelier (safe,
    repetitive text), above 1 the distribution flattens (surprising, misspelt text).
    The draw uses the Gumbel-max trick: adding independent Gumbel noise to the scaled scores
    and taking the argmax picks index k with probability exactly softmax(scores / T)[k],
    with no exponentials to overflow at small temperatures and no cumulative sums.
    scores      -- unnormalised log-probabilities, a numpy array of shape (n_y,)
    temperature -- a float > 0
    rng         -- np.random.Generator
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}")
    return int(np.argmax(scores / temperature + rng.gumbel(size=len(scores))))


def generate(parameters, chars, prompt, n_chars=400, temperature=1.0, rng=None):
    """Continue a prompt with n_chars characters sampled from the model.

    The model reads the cleaned prompt one character at a time and then writes one character
    at a time, carrying both layers' (h, c) states forward: each character costs one step of
    each layer, not a run over a 40-character window. An empty seed starts from a newline,
    as at the start of a line.
    parameters  -- the model's weights
    chars       -- the vocabulary, index to character, length n_x
    prompt      -- any string (see clean_prompt)
    temperature -- > 0; 1 samples the model's distribution, lower is more conservative
    rng         -- np.random.Generator; a fresh unseeded one by default
    Returns a Poem(seed, text, notes).
    """
    rng = np.random.default_rng() if rng is None else rng
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    seed, notes = clean_prompt(prompt, char_to_ix)
    if not seed:
        notes.append("the prompt is empty after cleaning; the model starts a new line")
    p = {name: np.asarray(weights, dtype=np.float32) for name, weights in parameters.items()}
    n_x, n_a = p["Wx1"].shape[1], p["Wh1"].shape[1]
    h1, c1, h2, c2 = (np.zeros((n_a, 1), dtype=np.float32) for _ in range(4))  # a batch of m = 1

    def step(ix):
        """Read the character of index ix; return the scores of the next one, shape (n_y,)."""
        nonlocal h1, c1, h2, c2
        x = np.zeros((n_x, 1), dtype=np.float32)
        x[ix] = 1
        h1, c1, _ = lstm_cell_forward(x, h1, c1, p["Wx1"], p["Wh1"], p["b1"])
        h2, c2, _ = lstm_cell_forward(h1, h2, c2, p["Wx2"], p["Wh2"], p["b2"])
        return (p["Wy"] @ h2 + p["by"]).ravel()

    for ch in seed or "\n":
        scores = step(char_to_ix[ch])
    out = []
    for _ in range(n_chars):
        ix = sample_index(scores, temperature, rng)
        out.append(chars[ix])
        scores = step(ix)
    return Poem(seed, "".join(out), notes)
