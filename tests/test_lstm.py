"""The Shakespeare LSTM: data pipeline, gradients, dropout, training, shipped weights, writing."""

import json

import numpy as np
import pytest

from utils.gradient_check import numerical_gradient, rel_error
from utils.lstm import (
    PARAMETER_NAMES,
    T_X,
    Adam,
    build_windows,
    clean_prompt,
    cross_entropy,
    encode,
    generate,
    initialize_parameters,
    load_model,
    load_record,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_layer_forward,
    model_backward,
    model_forward,
    predict_proba,
    sample_index,
    save_model,
    sha256,
    sigmoid,
)
from utils.rnn import softmax
from utils.text import build_vocabulary, load_corpus
from utils.train_lstm import (
    MODEL_PATH,
    N_RECORDED_BATCHES,
    epoch_windows,
    evaluate,
    kneser_ney,
    load_data,
    ngram_baseline,
    start_training,
    train_epoch,
)

TEXT = load_corpus("shakespeare.txt")
CHARS, CHAR_TO_IX, _ = build_vocabulary(TEXT)


@pytest.fixture(scope="module")
def data():
    return load_data()


@pytest.fixture(scope="module")
def shipped():
    parameters, chars = load_model(MODEL_PATH)
    return parameters, chars, load_record(MODEL_PATH)


def small_model(seed=0, n_x=6, n_a=5):
    """A float64 model small enough for numerical gradients, with weights away from init."""
    parameters = initialize_parameters(n_x, n_a, seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 100)
    return {name: w + 0.3 * rng.standard_normal(w.shape) for name, w in parameters.items()}


# --- data -----------------------------------------------------------------------------------


def test_vocabulary_has_the_38_characters_of_the_sonnets():
    assert len(TEXT) == 94275
    assert "".join(CHARS) == "\n !'(),-.:;?abcdefghijklmnopqrstuvwxyz"


def test_windows_of_40_with_stride_3_give_31412_examples():
    ix = encode(TEXT, CHAR_TO_IX)
    X, Y = build_windows(ix)
    assert X.shape == (31412, 40) and Y.shape == (31412,)
    for k in (0, 1, 31411):  # window k starts at 3k and is followed by its target
        assert "".join(CHARS[i] for i in X[k]) == TEXT[3 * k : 3 * k + 40]
        assert CHARS[Y[k]] == TEXT[3 * k + 40]


def test_split_trains_on_the_first_90_percent_and_validates_on_every_later_character(data):
    chars, _, train_ix, X_train, Y_train, X_val, Y_val = data
    ix = encode(TEXT, CHAR_TO_IX)
    split = int(0.9 * len(TEXT))
    assert np.array_equal(train_ix, ix[:split])
    assert len(X_train) == len(range(0, split - T_X, 3)) == 28269
    # the last training target lies before the split; every later character is a target once
    assert 3 * (len(X_train) - 1) + T_X < split
    assert np.array_equal(Y_val, ix[split:])
    assert np.array_equal(X_val[0], ix[split - T_X : split])
    assert np.array_equal(X_val[-1], ix[-T_X - 1 : -1])


def test_each_epoch_shifts_the_stride_3_grid_so_every_character_becomes_a_target(data):
    _, _, train_ix, X_train, *_ = data
    rng = np.random.default_rng(0)
    offsets = set()
    for _ in range(20):
        X, Y = epoch_windows(train_ix, rng)
        offset = next(k for k in range(3) if np.array_equal(X[0], train_ix[k : k + 40]))
        offsets.add(offset)
        assert abs(len(X) - len(X_train)) <= 1
        assert np.array_equal(X[1], train_ix[offset + 3 : offset + 43])  # stride 3
        assert np.array_equal(Y, train_ix[offset + 40 :: 3][: len(Y)])
    assert offsets == {0, 1, 2}


# --- one cell -------------------------------------------------------------------------------


def cell_inputs(seed=0, n_in=3, n_a=4, m=5):
    """float64 inputs of one LSTM step: xt, h_prev, c_prev, Wx, Wh, b."""
    rng = np.random.default_rng(seed)
    shapes = [(n_in, m), (n_a, m), (n_a, m), (4 * n_a, n_in), (4 * n_a, n_a), (4 * n_a, 1)]
    return [rng.standard_normal(shape) for shape in shapes]


def test_sigmoid_is_the_logistic_function_without_overflow():
    z = np.array([-1000.0, -3.0, 0.0, 2.5, 1000.0], dtype=np.float32)
    with np.errstate(all="raise"):
        s = sigmoid(z)
    assert s.dtype == np.float32
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.exp(3.0)), 0.5, 1 / (1 + np.exp(-2.5)), 1.0], rtol=1e-6)


def test_cell_forward_follows_the_equations_gate_by_gate():
    xt, h_prev, c_prev, Wx, Wh, b = cell_inputs()
    h, c, cache = lstm_cell_forward(xt, h_prev, c_prev, Wx, Wh, b)
    assert h.shape == c.shape == (4, 5)
    z = Wx @ xt + Wh @ h_prev + b
    i, f, o = (1 / (1 + np.exp(-z[k : k + 4])) for k in (0, 4, 8))  # the logistic function itself
    g = np.tanh(z[12:])
    np.testing.assert_allclose(c, f * c_prev + i * g, rtol=1e-12)
    np.testing.assert_allclose(h, o * np.tanh(f * c_prev + i * g), rtol=1e-12)
    np.testing.assert_allclose(cache["f"], f, rtol=1e-12)


def test_cell_backward_matches_numerical_gradients():
    """Every input and weight of one step, with a loss that reads both h_t and c_t."""
    inputs = cell_inputs(seed=3)
    rng = np.random.default_rng(4)
    dh, dc = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))

    def loss():  # a linear function of the outputs, so that its gradients are dh and dc
        h, c, _ = lstm_cell_forward(*inputs)
        return float(np.sum(h * dh) + np.sum(c * dc))

    _, _, cache = lstm_cell_forward(*inputs)
    grads = lstm_cell_backward(dh, dc, cache)
    names = ("dxt", "dh_prev", "dc_prev", "dWx", "dWh", "db")
    for name, x in zip(names, inputs):
        assert grads[name].shape == x.shape
        error = rel_error(grads[name], numerical_gradient(loss, x))
        assert error < 1e-8, f"{name} disagrees with the numerical gradient ({error:.2e})"


def test_a_layer_is_the_cell_step_after_step():
    xt, _, _, Wx, Wh, b = cell_inputs(seed=1)
    X = np.stack([xt, 2 * xt, -xt])  # three time steps
    H, caches = lstm_layer_forward(X, Wx, Wh, b)
    h = c = np.zeros((4, 5))
    for t in range(3):
        h, c, _ = lstm_cell_forward(X[t], h, c, Wx, Wh, b)
        np.testing.assert_array_equal(H[t], h)
    assert H.shape == (3, 4, 5) and len(caches) == 3


# --- the model ------------------------------------------------------------------------------


def test_shapes_and_dtypes_of_forward_and_backward():
    parameters = initialize_parameters(38, 16)
    X = np.random.default_rng(0).integers(0, 38, (7, 11))
    probs, cache = model_forward(parameters, X)
    assert probs.shape == (7, 38) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    grads = model_backward(np.arange(7), cache)
    assert sorted(grads) == sorted("d" + name for name in PARAMETER_NAMES)
    for name in PARAMETER_NAMES:
        assert grads["d" + name].shape == parameters[name].shape
        assert grads["d" + name].dtype == np.float32


def test_parameter_count_matches_the_keras_model():
    parameters = initialize_parameters(38)
    sizes = {name: w.size for name, w in parameters.items()}
    assert sizes["Wx1"] + sizes["Wh1"] + sizes["b1"] == 85504
    assert sizes["Wx2"] + sizes["Wh2"] + sizes["b2"] == 131584
    assert sizes["Wy"] + sizes["by"] == 4902


def test_initialisation_is_seeded_orthogonal_and_remembers_by_default():
    a, b, c = (initialize_parameters(38, seed=s) for s in (1, 1, 2))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["Wx1"], c["Wx1"])
    Wh = a["Wh1"].astype(np.float64)
    np.testing.assert_allclose(Wh.T @ Wh, np.eye(128), atol=1e-5)  # orthonormal columns
    assert np.all(a["b1"][128:256] == 1) and np.all(np.delete(a["b1"], np.s_[128:256]) == 0)


@pytest.mark.parametrize("training", [False, True], ids=["eval", "dropout"])
def test_gradients_match_numerical_gradients(training):
    """Every gradient of the mean cross-entropy, in float64, against centred differences."""
    parameters = small_model()
    rng = np.random.default_rng(5)
    X, Y = rng.integers(0, 6, (4, 7)), rng.integers(0, 6, 4)

    def loss():  # the same dropout masks at every evaluation: a fixed seed
        probs, _ = model_forward(parameters, X, training=training, rng=np.random.default_rng(9))
        return cross_entropy(probs, Y)

    probs, cache = model_forward(parameters, X, training=training, rng=np.random.default_rng(9))
    grads = model_backward(Y, cache)
    for name in PARAMETER_NAMES:
        error = rel_error(grads["d" + name], numerical_gradient(loss, parameters[name]))
        print(f"d{name}: relative error {error:.2e}")
        assert error < 1e-7, f"d{name} disagrees with the numerical gradient ({error:.2e})"


def test_dropout_only_when_training():
    parameters = initialize_parameters(38, 32)
    X = np.random.default_rng(0).integers(0, 38, (64, 20))
    p_eval, cache = model_forward(parameters, X)
    assert np.array_equal(p_eval, model_forward(parameters, X)[0]), "evaluation is deterministic"
    assert cache["mask1"] is None and cache["mask2"] is None, "no dropout outside training"
    np.testing.assert_allclose(predict_proba(parameters, X, batch_size=10), p_eval, rtol=1e-5)

    p_a, cache_a = model_forward(parameters, X, training=True, rng=np.random.default_rng(1))
    p_b, _ = model_forward(parameters, X, training=True, rng=np.random.default_rng(1))
    p_c, _ = model_forward(parameters, X, training=True, rng=np.random.default_rng(2))
    assert np.array_equal(p_a, p_b) and not np.allclose(p_a, p_c) and not np.allclose(p_a, p_eval)
    for mask in (cache_a["mask1"], cache_a["mask2"]):  # inverted dropout: 0, or scaled by 2
        assert set(np.unique(mask)) == {0.0, 2.0}
        assert abs((mask == 0).mean() - 0.5) < 0.02
    with pytest.raises(ValueError, match="rng"):
        model_forward(parameters, X, training=True)


def test_adam_first_step_moves_each_weight_by_lr_against_its_gradient():
    w = {"w": np.array([1.0, -2.0, 3.0])}
    opt = Adam(w, lr=0.01)
    opt.step(w, {"dw": np.array([0.5, -4.0, 0.02])})
    np.testing.assert_allclose(w["w"], [0.99, -1.99, 2.99], atol=1e-6)
    opt.step(w, {"dw": np.array([0.5, -4.0, 0.02])})  # a steady gradient keeps the step size
    np.testing.assert_allclose(w["w"], [0.98, -1.98, 2.98], atol=1e-6)


def test_save_and_load_round_trip_is_float32_and_byte_stable(tmp_path):
    parameters = initialize_parameters(38, 8, dtype=np.float64)
    digest = save_model(tmp_path / "a.npz", parameters, CHARS)
    assert save_model(tmp_path / "b.npz", parameters, CHARS) == digest == sha256(tmp_path / "a.npz")
    loaded, chars = load_model(tmp_path / "a.npz")
    assert chars == CHARS
    for name in PARAMETER_NAMES:
        assert loaded[name].dtype == np.float32
        np.testing.assert_array_equal(loaded[name], parameters[name].astype(np.float32))


# --- training -------------------------------------------------------------------------------


def short_run(data, seed, n_batches=3, batch_size=32):
    """The start of utils.train_lstm.train: the first batches of its first epoch."""
    chars, _, train_ix, *_ = data
    parameters, optimizer, rng = start_training(seed, len(chars), 1e-3)
    X, Y = epoch_windows(train_ix, rng)
    losses = train_epoch(parameters, optimizer, X, Y, rng, batch_size, n_batches)
    return losses, parameters


def test_a_seeded_short_training_run_gives_the_same_numbers_twice(data):
    losses_a, params_a = short_run(data, seed=0)
    losses_b, params_b = short_run(data, seed=0)
    losses_c, _ = short_run(data, seed=1)
    assert len(losses_a) == 3
    assert losses_a == losses_b and losses_a != losses_c
    assert all(np.array_equal(params_a[k], params_b[k]) for k in params_a)


def test_training_lowers_the_loss(data):
    chars, _, _, X_train, Y_train, _, _ = data
    parameters, optimizer, rng = start_training(0, len(chars), 1e-3)
    X, Y = X_train[:128], Y_train[:128]
    before = evaluate(parameters, X, Y)
    for _ in range(6):
        train_epoch(parameters, optimizer, X, Y, rng, batch_size=32)
    assert evaluate(parameters, X, Y) < before - 0.3


def test_the_start_of_the_shipped_run_replays(data, shipped):
    """The recorded first batch losses come back from the seed: the script made these weights."""
    *_, record = shipped
    settings = record["settings"]
    losses, _ = short_run(data, settings["seed"], N_RECORDED_BATCHES, settings["batch_size"])
    np.testing.assert_allclose(losses, record["first_batch_losses"], rtol=1e-4)


# --- the shipped weights --------------------------------------------------------------------


def test_shipped_weights_match_their_recorded_sha256_and_vocabulary(shipped):
    parameters, chars, record = shipped
    assert record["file"] == MODEL_PATH.name
    assert sha256(MODEL_PATH) == record["sha256"]
    assert chars == CHARS
    assert all(w.dtype == np.float32 for w in parameters.values())
    assert record["settings"]["T_x"] == 40 and record["settings"]["stride"] == 3
    assert record["settings"]["train_windows"] == 28269 and record["settings"]["vocab_size"] == 38


def test_shipped_validation_loss_recomputes_and_beats_the_ngram_baseline(data, shipped):
    parameters, _, record = shipped
    chars, _, train_ix, _, _, X_val, Y_val = data
    val_loss = evaluate(parameters, X_val, Y_val)
    print(
        f"validation loss {val_loss:.4f} (recorded {record['val_loss']:.4f}), "
        f"n-gram baseline {record['baseline']['val_loss']:.4f}"
    )
    assert val_loss == pytest.approx(record["val_loss"], abs=1e-4)
    order = record["baseline"]["order"]
    baseline = ngram_baseline(train_ix, X_val, Y_val, len(chars), orders=[order])[order]
    assert baseline == pytest.approx(record["baseline"]["val_loss"], abs=1e-9)
    assert baseline == min(record["baseline"]["val_loss_by_order"].values())
    assert val_loss < baseline


def test_record_is_plain_json_with_one_loss_per_epoch(shipped):
    *_, record = shipped
    epochs = record["settings"]["epochs"]
    assert len(record["val_loss_per_epoch"]) == len(record["train_loss_per_epoch"]) == epochs
    assert record["val_loss_per_epoch"][-1] == record["val_loss"]
    assert json.loads(json.dumps(record)) == record


# --- the baseline ---------------------------------------------------------------------------


@pytest.mark.parametrize("order", [1, 3, 5])
def test_kneser_ney_probabilities_sum_to_one(data, order):
    chars, _, train_ix, *_ = data
    prob = kneser_ney(train_ix, order, len(chars))
    for history in (encode("shall i compare thee", CHAR_TO_IX), encode("qqqz", CHAR_TO_IX), []):
        assert sum(prob(history, c) for c in range(len(chars))) == pytest.approx(1, abs=1e-9)


# --- writing --------------------------------------------------------------------------------


def test_a_prompt_the_model_can_read_is_kept_without_a_note():
    assert clean_prompt("shall i compare thee", CHAR_TO_IX) == ("shall i compare thee", [])


def test_lowering_the_prompt_is_reported():
    seed, notes = clean_prompt("Shall I compare thee", CHAR_TO_IX)
    assert seed == "shall i compare thee"
    assert len(notes) == 1 and "upper case was lowered" in notes[0]


def test_long_prompt_keeps_its_last_40_characters():
    prompt = "from fairest creatures we desire increase, that thereby beauty's rose might never die"
    seed, notes = clean_prompt(prompt, CHAR_TO_IX)
    assert seed == prompt[-40:] and len(seed) == 40
    assert notes == [f"the prompt has {len(prompt)} characters; the model reads the last 40"]


def test_each_replaced_character_is_named_in_a_note():
    seed, notes = clean_prompt("\u201cl\u00f6ve\u201d\u2014it\u2019s\tone\r\n", CHAR_TO_IX)
    assert seed == "'love'-it's one\n"
    assert len(notes) == 1 and notes[0].startswith("replaced characters the Sonnets spell differently")
    for typed, plain in [
        ("\u201c", "'"),
        ("\u00f6", "o"),
        ("\u2014", "-"),
        ("\u2019", "'"),
        ("\t", " "),
        ("\r\n", "\n"),
    ]:
        assert f"{typed!r} -> {plain!r}" in notes[0]


def test_unknown_characters_are_dropped_with_a_note():
    seed, notes = clean_prompt("is it 42?\u2603", CHAR_TO_IX)
    assert seed == "is it ?"
    assert notes == ["dropped characters the model does not know: '24\u2603'"]


def test_every_kind_of_change_gets_its_own_note_in_order():
    prompt = "SHALL I COMPARE THEE TO A SUMMER\u2019S DAY? \u201cThou art more lovely\u201d 42"
    seed, notes = clean_prompt(prompt, CHAR_TO_IX)
    assert len(seed) == 40
    assert [note.split()[0] for note in notes] == ["upper", "replaced", "dropped", "the"]


@pytest.mark.parametrize(
    "prompt",
    ["", "\u2603\u2603", "A" * 500, "Forsooth this maketh no sense", "one\r\ntwo\n", "0" * 40],
    ids=["empty", "nothing-known", "very-long", "classic", "crlf", "padding-zeros"],
)
def test_generate_never_fails_and_writes_only_vocabulary_characters(shipped, prompt):
    parameters, chars, _ = shipped
    poem = generate(parameters, chars, prompt, n_chars=120, rng=np.random.default_rng(0))
    assert len(poem.text) == 120 and set(poem.text) <= set(chars)
    assert len(poem.seed) <= 40 and set(poem.seed) <= set(chars)
    if not poem.seed:
        assert "empty" in poem.notes[-1]


def test_generation_is_reproducible_with_a_seeded_generator(shipped):
    parameters, chars, _ = shipped
    poems = [
        generate(parameters, chars, "the rose", 80, 0.7, np.random.default_rng(3)),
        generate(parameters, chars, "the rose", 80, 0.7, np.random.default_rng(3)),
    ]
    assert poems[0] == poems[1]


def test_stepping_the_state_agrees_with_the_batched_forward_pass(shipped):
    """Greedy writing (a tiny temperature) picks the argmax of model_forward on the whole text."""
    parameters, chars, _ = shipped
    seed = TEXT[1000:1040]
    poem = generate(parameters, chars, seed, 3, temperature=1e-6, rng=np.random.default_rng(0))
    for k in range(3):
        X = encode(seed + poem.text[:k], CHAR_TO_IX)[None]
        assert chars[int(np.argmax(model_forward(parameters, X)[0]))] == poem.text[k]


@pytest.mark.parametrize("temperature", [0.5, 1.0, 1.2])
def test_sampling_follows_the_tempered_softmax(temperature):
    scores = np.array([2.0, 1.0, 0.0, -1.0, -3.0])
    rng = np.random.default_rng(0)
    n = 20000
    freq = np.bincount([sample_index(scores, temperature, rng) for _ in range(n)], minlength=5) / n
    expected = softmax(scores / temperature)
    assert np.all(np.abs(freq - expected) < 4 * np.sqrt(expected * (1 - expected) / n) + 1e-3)


def test_low_temperature_is_greedy_and_high_temperature_varies_the_text(shipped):
    parameters, chars, _ = shipped
    rng = np.random.default_rng(0)
    assert {sample_index(np.array([0.1, 0.3, 0.2]), 1e-3, rng) for _ in range(200)} == {1}
    texts = {t: generate(parameters, chars, "when i do count the clock", 400, t, rng).text for t in (0.2, 1.2)}
    assert len(set(texts[0.2])) < len(set(texts[1.2])), "a higher temperature uses more characters"
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="temperature"):
            sample_index(np.zeros(3), bad, rng)
