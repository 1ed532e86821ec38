"""Wrong answers a student types, one per mistake, and correct answers in other styles.

Each wrong answer is the instructor's solution with one edit (tests.submissions.edited), or a
whole cell of its own; it names the public-test message (utils.public_tests.MESSAGES) whose
hint must be printed when its public test runs. The correct answers in other styles must pass.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    name: str  # what the student did, in a few words (the test's id)
    exercise: str
    old: str  # text of the solution replaced by new; old "" means new is the whole cell
    new: str
    hint: str  # the key of the message that must be printed as the hint


MISTAKES = [
    # clip
    Mistake(
        "clip keeps every key, da_next too",
        "clip",
        'for name in ("dWaa", "dWax", "dWya", "db", "dby"):\n        clipped[name] = np.clip(gradients[name], ',
        "for name, g in gradients.items():\n        clipped[name] = np.clip(g, ",
        "clip_da_next",
    ),
    Mistake(
        "clip in place with out=",
        "clip",
        "np.clip(gradients[name], -maxValue, maxValue)",
        "np.clip(gradients[name], -maxValue, maxValue, out=gradients[name])",
        "clip_in_place",
    ),
    Mistake("clip hard-coded at 10", "clip", "-maxValue, maxValue)", "-10, 10)", "clip_hard_coded"),
    Mistake("clip lower bound 0", "clip", "-maxValue, maxValue)", "0, maxValue)", "clip_inside_hint"),
    Mistake("clip forgets the minus sign", "clip", "-maxValue, maxValue)", "maxValue, maxValue)", "clip_inside_hint"),
    Mistake(
        "clip only from above",
        "clip",
        "np.clip(gradients[name], -maxValue, maxValue)",
        "np.minimum(gradients[name], maxValue)",
        "clip_bound_hint",
    ),
    Mistake("clip does not store the result", "clip", "clipped[name] = np.clip(", "np.clip(", "clip_missing"),
    Mistake(
        "clip deletes da_next from the caller's dict",
        "clip",
        "    ### END SOLUTION",
        '    gradients.pop("da_next", None)\n    ### END SOLUTION',
        "clip_removed_key",
    ),
    Mistake(
        "clip rounds the values",
        "clip",
        "np.clip(gradients[name], -maxValue, maxValue)",
        "np.round(np.clip(gradients[name], -maxValue, maxValue), 3)",
        "clip_inside_hint",
    ),
    Mistake("clip returns the input dict", "clip", "    return clipped", "    return gradients", "clip_da_next"),
    Mistake(
        "clip stores lists",
        "clip",
        "np.clip(gradients[name], -maxValue, maxValue)",
        "np.clip(gradients[name], -maxValue, maxValue).tolist()",
        "clip_arrays_hint",
    ),
    Mistake(
        "clip clips a shallow copy in place",
        "clip",
        "np.clip(gradients[name], -maxValue, maxValue)",
        "np.clip(dict(gradients)[name], -maxValue, maxValue, out=dict(gradients)[name])",
        "clip_in_place",
    ),
    # sample
    Mistake(
        "sample never resets the one-hot input",
        "sample",
        "        x = np.zeros((vocab_size, 1))\n        x[idx]",
        "        x[idx]",
        "sample_one_hot",
    ),
    Mistake("sample never updates x", "sample", "        x[idx] = 1\n", "", "sample_x_fixed"),
    Mistake("sample does not carry the hidden state", "sample", "        a_prev = a\n", "", "sample_state"),
    Mistake(
        "sample takes the most likely character",
        "sample",
        "np.random.choice(vocab_size, p=y.ravel())",
        "int(np.argmax(y))",
        "sample_argmax",
    ),
    Mistake("sample without ravel", "sample", "p=y.ravel()", "p=y", "sample_ravel"),
    Mistake(
        "sample feeds back a flat one-hot",
        "sample",
        "x = np.zeros((vocab_size, 1))\n        x[idx] = 1",
        "x = np.zeros(vocab_size)\n        x[idx] = 1",
        "sample_shapes",
    ),
    Mistake(
        "sample draws an array of one",
        "sample",
        "np.random.choice(vocab_size, p=y.ravel())",
        "np.random.choice(vocab_size, 1, p=y.ravel())",
        "sample_ints_hint",
    ),
    Mistake(
        "sample seeds once before the loop",
        "sample",
        "        np.random.seed(counter + seed)  #",
        "        #",
        "sample_seeding",
    ),
    Mistake("sample forgets the bias b", "sample", "np.dot(Waa, a_prev) + b)", "np.dot(Waa, a_prev))", "sample_first"),
    Mistake(
        "sample uses a_prev for the output",
        "sample",
        "softmax(np.dot(Wya, a) + by)",
        "softmax(np.dot(Wya, a_prev) + by)",
        "sample_first",
    ),
    Mistake(
        "sample appends the character",
        "sample",
        "indices.append(idx)",
        "indices.append(list(char_to_ix)[idx])",
        "sample_ints_hint",
    ),
    Mistake(
        "sample starts from a random state",
        "sample",
        "a_prev = np.zeros((n_a, 1))",
        "a_prev = np.random.randn(n_a, 1)",
        "sample_first",
    ),
    Mistake(
        "sample starts from the newline's one-hot",
        "sample",
        "    a_prev = np.zeros((n_a, 1))\n",
        '    a_prev = np.zeros((n_a, 1))\n    x[char_to_ix["\\n"]] = 1\n',
        "sample_first",
    ),
    Mistake(
        "sample changes the parameters",
        "sample",
        "        a = np.tanh(",
        "        b *= 1.5\n        a = np.tanh(",
        "sample_parameters_hint",
    ),
    # optimize
    Mistake(
        "optimize updates with the unclipped gradients, clips afterwards",
        "optimize",
        "    gradients = clip(gradients, 5)\n    parameters = update_parameters(parameters, gradients, learning_rate)",
        "    parameters = update_parameters(parameters, gradients, learning_rate)\n    gradients = clip(gradients, 5)",
        "optimize_unclipped",
    ),
    Mistake(
        "optimize returns the unclipped gradients",
        "optimize",
        "    gradients = clip(gradients, 5)\n    parameters = update_parameters(parameters, gradients, learning_rate)",
        "    clipped = clip(gradients, 5)\n    parameters = update_parameters(parameters, clipped, learning_rate)",
        "optimize_da_next",
    ),
    Mistake("optimize clips at 10", "optimize", "clip(gradients, 5)", "clip(gradients, 10)", "optimize_clip_bound"),
    Mistake(
        "optimize does not update",
        "optimize",
        "    parameters = update_parameters(parameters, gradients, learning_rate)\n",
        "",
        "optimize_no_update",
    ),
    Mistake(
        "optimize updates a copy",
        "optimize",
        "update_parameters(parameters, gradients, learning_rate)",
        "update_parameters(copy.deepcopy(parameters), gradients, learning_rate)",
        "optimize_no_update",
    ),
    Mistake(
        "optimize updates twice",
        "optimize",
        "    parameters = update_parameters(parameters, gradients, learning_rate)\n",
        "    parameters = update_parameters(parameters, gradients, learning_rate)\n"
        "    parameters = update_parameters(parameters, gradients, learning_rate)\n",
        "optimize_twice",
    ),
    Mistake(
        "optimize adds the gradient",
        "optimize",
        "update_parameters(parameters, gradients, learning_rate)",
        "update_parameters(parameters, gradients, -learning_rate)",
        "optimize_sign",
    ),
    Mistake(
        "optimize with its own learning rate",
        "optimize",
        "update_parameters(parameters, gradients, learning_rate)",
        "update_parameters(parameters, gradients, 0.1)",
        "optimize_rate",
    ),
    Mistake(
        "optimize returns a_prev",
        "optimize",
        "return loss, gradients, a[len(X) - 1]",
        "return loss, gradients, a_prev",
        "optimize_a_prev",
    ),
    Mistake(
        "optimize returns a[-1]",
        "optimize",
        "return loss, gradients, a[len(X) - 1]",
        "return loss, gradients, a[-1]",
        "optimize_a_prev",
    ),
    Mistake(
        "optimize returns a[len(X)]",
        "optimize",
        "return loss, gradients, a[len(X) - 1]",
        "return loss, gradients, a[len(X)]",
        "key_error_a",
    ),
    Mistake(
        "optimize returns the step before the last",
        "optimize",
        "return loss, gradients, a[len(X) - 1]",
        "return loss, gradients, a[len(X) - 2]",
        "optimize_a_other",
    ),
    Mistake(
        "optimize returns the dict a",
        "optimize",
        "return loss, gradients, a[len(X) - 1]",
        "return loss, gradients, a",
        "optimize_a_dict",
    ),
    Mistake(
        "optimize returns the state as a list",
        "optimize",
        "return loss, gradients, a[len(X) - 1]",
        "return loss, gradients, a[len(X) - 1].tolist()",
        "optimize_a_hint",
    ),
    Mistake(
        "optimize returns in another order",
        "optimize",
        "return loss, gradients, a[len(X) - 1]",
        "return gradients, loss, a[len(X) - 1]",
        "optimize_tuple_hint",
    ),
    Mistake(
        "optimize clips with np.clip and keeps da_next",
        "optimize",
        "    gradients = clip(gradients, 5)\n",
        "    gradients = {k: np.clip(v, -5, 5) for k, v in gradients.items()}\n",
        "optimize_da_next",
    ),
    Mistake(
        "optimize returns the loss after the update",
        "optimize",
        "    ### END SOLUTION",
        "    loss, cache = rnn_forward(X, Y, a_prev, parameters)\n    ### END SOLUTION",
        "optimize_loss_hint",
    ),
    # model
    Mistake("model with idx = j", "model", "idx = j % len(examples)", "idx = j", "model_index_error"),
    Mistake(
        "model does not carry the hidden state",
        "model",
        "curr_loss, gradients, a_prev = optimize(",
        "curr_loss, gradients, _ = optimize(",
        "model_state_zero",
    ),
    Mistake(
        "model resets a_prev every name",
        "model",
        "        curr_loss, gradients, a_prev = optimize(",
        "        a_prev = np.zeros((n_a, 1))\n        curr_loss, gradients, a_prev = optimize(",
        "model_state_zero",
    ),
    Mistake("model without None", "model", "X = [None] + single_example_ix", "X = single_example_ix", "model_none"),
    Mistake("model Y without the newline", "model", 'Y = X[1:] + [char_to_ix["\\n"]]', "Y = X[1:]", "model_y_newline"),
    Mistake("model Y not shifted", "model", 'Y = X[1:] + [char_to_ix["\\n"]]', "Y = X[:]", "model_y_shift"),
    Mistake(
        "model X of characters",
        "model",
        "X = [None] + single_example_ix",
        "X = [None] + list(single_example)",
        "model_characters",
    ),
    Mistake(
        "model uses data_x, not the shuffled examples",
        "model",
        "single_example = examples[idx]",
        "single_example = data_x[idx]",
        "model_unshuffled",
    ),
    Mistake("model with learning rate 0.1", "model", "learning_rate=0.01)", "learning_rate=0.1)", "model_rate_hint"),
    Mistake(
        "model names the loss otherwise",
        "model",
        "curr_loss, gradients, a_prev = optimize(",
        "step_loss, gradients, a_prev = optimize(",
        "model_name_error",
    ),
    Mistake(
        "model re-initialises the parameters",
        "model",
        "        curr_loss, gradients, a_prev = optimize(",
        "        parameters = initialize_parameters(n_a, n_x, n_y)\n        curr_loss, gradients, a_prev = optimize(",
        "model_parameters_hint",
    ),
    Mistake(
        "model walks the names backwards",
        "model",
        "idx = j % len(examples)",
        "idx = (len(examples) - 1 - j) % len(examples)",
        "model_order",
    ),
]


# Correct answers in styles other than the solution's: {exercise: [style, ...]}, each style a list
# of edits (old, new) of the solution, applied in order.
STYLES = {
    "clip": [
        [
            (
                'for name in ("dWaa", "dWax", "dWya", "db", "dby"):\n        clipped[name] = np.clip(gradients[name], '
                "-maxValue, maxValue)",
                'for name in ["dWaa", "dWax", "dWya", "db", "dby"]:\n        new = np.empty_like(gradients[name])\n'
                "        np.clip(gradients[name], -maxValue, maxValue, out=new)\n        clipped[name] = new",
            )
        ],
        [
            (
                'for name in ("dWaa", "dWax", "dWya", "db", "dby"):\n        clipped[name] = np.clip(gradients[name], '
                "-maxValue, maxValue)",
                "clipped.update({k: np.maximum(np.minimum(gradients[k], maxValue), -maxValue)\n"
                '                    for k in ["dWaa", "dWax", "dWya", "db", "dby"]})',
            )
        ],
        [
            ("    clipped = {}\n", "    clipped = {}\n    gradients = copy.deepcopy(gradients)\n"),
            (
                "clipped[name] = np.clip(gradients[name], -maxValue, maxValue)",
                "np.clip(gradients[name], -maxValue, maxValue, out=gradients[name])\n"
                "        clipped[name] = gradients[name]",
            ),
        ],
    ],
    "sample": [
        [
            (
                "idx = np.random.choice(vocab_size, p=y.ravel())",
                "idx = np.random.choice(list(range(vocab_size)), p=y[:, 0])",
            ),
            ("x = np.zeros((vocab_size, 1))\n        x[idx] = 1", "x = np.eye(vocab_size)[:, [idx]]"),
        ],
    ],
    "optimize": [
        [
            (
                "    parameters = update_parameters(parameters, gradients, learning_rate)\n",
                '    for name in ("Wax", "Waa", "Wya", "b", "by"):\n'
                '        parameters[name] -= learning_rate * gradients["d" + name]\n',
            ),
            ("    gradients = clip(gradients, 5)\n", "    gradients = clip(gradients, maxValue=5)\n"),
        ],
        [
            (
                "    parameters = update_parameters(parameters, gradients, learning_rate)\n",
                "    for name in parameters:\n"
                '        parameters[name] = parameters[name] - learning_rate * gradients["d" + name]\n',
            ),
            ("return loss, gradients, a[len(X) - 1]", "return [loss, gradients, a[max(a)]]"),
        ],
    ],
    "model": [
        [
            (
                "idx = j % len(examples)\n        single_example = examples[idx]\n"
                "        single_example_ix = [char_to_ix[ch] for ch in single_example]",
                "name = examples[j % len(examples)]\n        codes = list(map(char_to_ix.get, name))",
            ),
            (
                'X = [None] + single_example_ix\n        Y = X[1:] + [char_to_ix["\\n"]]',
                'inputs = [None] + codes\n        targets = codes + [char_to_ix["\\n"]]',
            ),
            (
                "optimize(X, Y, a_prev, parameters, learning_rate=0.01)",
                "optimize(inputs, targets, a_prev, parameters, 0.01)",
            ),
        ],
        [
            (
                "optimize(X, Y, a_prev, parameters, learning_rate=0.01)",
                "optimize(X=X, Y=Y, a_prev=a_prev.copy(), parameters=dict(parameters))",
            ),
            ("idx = j % len(examples)", "idx = j - len(examples) * (j // len(examples))"),
        ],
    ],
}
