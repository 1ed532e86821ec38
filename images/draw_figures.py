"""Draw the figures of the RNN notebooks: `python images/draw_figures.py [OUTPUT_DIR]`.

Every figure is computed and drawn here with numpy and matplotlib (Agg); nothing is copied from
elsewhere. OUTPUT_DIR defaults to the folder of this file (the repository's images/).

rnn_unrolled.png
    The character-level RNN unrolled over one training example, "trex": the inputs x<t> (the zero
    vector, then the characters), the tanh cells a<t> chained by Waa, the softmax outputs y_hat<t>
    and the targets (the next character; the last one is the newline that ends the name), with
    the two update equations, the loss and the parameter shapes underneath.
clipping.png
    Exploding gradients and clipping. Left: the five gradients of the notebook's clip test
    (seed 3, randn * 10) before and after clip(gradients, maxValue=10). Right: gradient descent on
    a clearly defined 2-D loss with a cliff (a quadratic basin plus a steep sigmoid step down,
    see cliff_loss), from the same start with the same learning rate: without clipping, the step
    that lands on the cliff face is thrown far away; with element-wise clipping (np.clip, as in
    clip()) every step stays bounded and the weights walk down into the basin.
sampling.png
    The sampling loop of sample(): x<1> = 0 and a<0> = 0; at each step the softmax over the
    27 characters, the character drawn from it with the notebook's seeding protocol
    (np.random.seed(seed + 2t) before np.random.choice at step t = 0, 1, ...), fed back as the
    next input, until the newline is drawn. The weights are NOT a trained model: they are a
    small random RNN (n_a = 16, drawn with numpy from a fixed seed), so the distributions are a
    real tanh-RNN + softmax computation (the math of utils.rnn.rnn_cell_forward and the output
    layer, written out here so the script stands alone), but the name is not dinosaur-like. The two seeds were picked so
    the name is short enough to fit on the page.

rnn_cell.png
    One RNN cell of the step-by-step notebook, forward and backward: x<t> and a<t-1> go through
    Wax, Waa and b into z<t>, tanh makes a<t>, which goes on to the next step and through Wya, by
    and softmax into y_hat<t>; underneath, in red, the gradients of rnn_cell_backward and
    rnn_backward flowing the other way (dy<t>, da<t>, dz<t>, da<t-1>). A diagram: no numbers.

Left out on purpose: backpropagation through time, the LSTM, the training loss curve (the
notebook plots that itself, from the student's run) and anything that would need training.

Reproducibility: `savefig(..., metadata={"Software": None})` keeps the matplotlib version out of
the PNG, matplotlib's own defaults are used (a user's matplotlibrc is ignored), and every random
number comes from a fixed seed, so two runs on the same numpy/matplotlib write the same bytes.
tests/test_figures.py checks that the committed PNGs equal a fresh run.
"""

import argparse
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display needed, and the only backend whose PNGs we pin

import matplotlib.patheffects as path_effects  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402  (must come after matplotlib.use)
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

HERE = Path(__file__).resolve().parent
FIGURES = ("rnn_unrolled.png", "clipping.png", "sampling.png", "rnn_cell.png")

# The vocabulary of the dinosaur data: the newline (end of name) is index 0, then a..z.
CHARS = ["\n"] + [chr(ord("a") + i) for i in range(26)]
VOCAB_SIZE = len(CHARS)

DPI = 110  # 12-inch-wide figures come out 1320 px wide

# One palette for all three figures, so a notion keeps its colour from figure to figure.
INK = "#222222"
INPUT_FC, INPUT_EC = "#e3f0fb", "#3b7dc4"  # inputs x<t>
CELL_FC, CELL_EC = "#fdebd3", "#d9822b"  # hidden cells a<t>
OUT_FC, OUT_EC = "#e6f4e4", "#3f9a48"  # outputs y_hat<t>
TARGET_FC, TARGET_EC = "#f4f4f4", "#777777"  # targets
DRAWN = "#d9482b"  # the character drawn / the clipped value
MUTED = "#9fb4c8"  # everything else in a bar chart

STYLE = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib, so every machine has the same glyphs
    "mathtext.fontset": "dejavusans",
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}
MONO = "DejaVu Sans Mono"


def show_char(ch):
    """How a character is printed in the figures: the newline as the two characters \\n."""
    return "\\n" if ch == "\n" else ch


def sup(symbol, t):
    """Mathtext for the course notation symbol<t>, e.g. sup("x", 1) -> $x^{\\langle 1\\rangle}$."""
    return rf"${symbol}^{{\langle {t} \rangle}}$"


def box(ax, center, width, height, fc, ec, lw=1.8, **kwargs):
    """A rounded box centred on `center`, in data coordinates."""
    x, y = center
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle="round,pad=0,rounding_size=0.12",
        fc=fc,
        ec=ec,
        lw=lw,
        zorder=2,
        **kwargs,
    )
    ax.add_patch(patch)
    return patch


def arrow(ax, start, end, color=INK, lw=1.6, style="-|>", zorder=1, **kwargs):
    """A straight arrow from start to end (data coordinates), head at end."""
    patch = FancyArrowPatch(
        start,
        end,
        arrowstyle=style,
        mutation_scale=16,
        color=color,
        lw=lw,
        shrinkA=0,
        shrinkB=0,
        zorder=zorder,
        **kwargs,
    )
    ax.add_patch(patch)
    return patch


def save(fig, path):
    # metadata={"Software": None}: without it the PNG records the matplotlib version, and the
    # committed file would change on every upgrade although not one pixel did.
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)


# --------------------------------------------------------------------------------------------
# 1. The RNN unrolled over "trex"
# --------------------------------------------------------------------------------------------


def draw_rnn_unrolled(path, name="trex"):
    """The unrolled RNN over one name: inputs, tanh cells, softmax outputs and targets."""
    # The training pair of the notebook: X = [None] + name, Y = name + [newline]. None is the
    # zero input vector of the first step.
    inputs = [None] + list(name)
    targets = list(name) + ["\n"]
    T = len(inputs)

    fig, ax = plt.subplots(figsize=(12, 6.6))
    ax.set_axis_off()
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)

    step = 2.35  # horizontal distance between time steps
    xs = [4.3 + step * t for t in range(T)]
    y_in, y_cell, y_out, y_tgt = 1.9, 3.65, 5.4, 6.75
    w_in, h_in = 0.8, 0.72
    w_cell, h_cell = 1.15, 0.95
    w_out, h_out = 1.15, 0.95

    # Row labels on the left say what each row is, once, instead of repeating it per step.
    rows = [
        (y_tgt, "target " + sup("y", "t"), "(the next character)"),
        (y_out, "output " + sup(r"\hat{y}", "t"), "27 probabilities"),
        (y_cell, "hidden state " + sup("a", "t"), "$n_a$ numbers"),
        (y_in, "input " + sup("x", "t"), "one-hot, 27 numbers;\nall zero at t = 1"),
    ]
    for y, label, note in rows:
        ax.text(0.15, y + 0.13, label, ha="left", va="center", fontsize=13, color=INK)
        ax.text(0.15, y - 0.1, note, ha="left", va="top", fontsize=10.5, color="#666666", linespacing=1.3)

    for t, (x, ch_in, ch_tgt) in enumerate(zip(xs, inputs, targets), start=1):
        # input x<t>: the zero vector first, then one character of the name
        box(ax, (x, y_in), w_in, h_in, INPUT_FC, INPUT_EC)
        ax.text(
            x,
            y_in,
            "0" if ch_in is None else ch_in,
            ha="center",
            va="center",
            fontsize=20,
            family=MONO,
            color=INPUT_EC,
            fontweight="bold",
            zorder=3,
        )
        ax.text(x, y_in - h_in / 2 - 0.3, sup("x", t), ha="center", va="center", fontsize=14)

        # hidden cell a<t> = tanh(...)
        box(ax, (x, y_cell), w_cell, h_cell, CELL_FC, CELL_EC)
        ax.text(x, y_cell + 0.17, sup("a", t), ha="center", va="center", fontsize=15, zorder=3)
        ax.text(x, y_cell - 0.22, "tanh", ha="center", va="center", fontsize=11, color="#8a4d10", zorder=3)

        # output y_hat<t> = softmax(...)
        box(ax, (x, y_out), w_out, h_out, OUT_FC, OUT_EC)
        ax.text(x, y_out + 0.17, sup(r"\hat{y}", t), ha="center", va="center", fontsize=15, zorder=3)
        ax.text(x, y_out - 0.22, "softmax", ha="center", va="center", fontsize=11, color="#2a6b31", zorder=3)

        # target: the next character; the loss compares y_hat<t> with it
        box(ax, (x, y_tgt), w_in, h_in * 0.9, TARGET_FC, TARGET_EC, lw=1.3)
        ax.text(
            x,
            y_tgt,
            show_char(ch_tgt),
            ha="center",
            va="center",
            fontsize=18,
            family=MONO,
            fontweight="bold",
            color=DRAWN if ch_tgt == "\n" else INK,
            zorder=3,
        )

        # vertical connections: Wax into the cell, Wya out of it, and the loss link (dotted)
        arrow(ax, (x, y_in + h_in / 2), (x, y_cell - h_cell / 2))
        ax.text(x + 0.1, (y_in + y_cell) / 2 + 0.02, "$W_{ax}$", ha="left", va="center", fontsize=13)
        arrow(ax, (x, y_cell + h_cell / 2), (x, y_out - h_out / 2))
        ax.text(x + 0.1, (y_cell + y_out) / 2, "$W_{ya}$", ha="left", va="center", fontsize=13)
        arrow(
            ax,
            (x, y_out + h_out / 2),
            (x, y_tgt - h_in * 0.45),
            style="-",
            color="#888888",
            lw=1.3,
            linestyle=(0, (2, 2)),
        )

    # the recurrence: a<0> = 0, then a<t-1> -> a<t> through Waa
    a0_start = xs[0] - w_cell / 2 - 1.05
    ax.text(a0_start + 0.45, y_cell + 0.12, sup("a", 0) + " = 0", ha="center", va="bottom", fontsize=13)
    starts = [a0_start] + [x + w_cell / 2 for x in xs[:-1]]
    for t, (start, x) in enumerate(zip(starts, xs)):
        arrow(ax, (start, y_cell), (x - w_cell / 2, y_cell), color=CELL_EC, lw=2.2)
        if t:
            ax.text((start + x - w_cell / 2) / 2, y_cell + 0.12, "$W_{aa}$", ha="center", va="bottom", fontsize=13)

    # the end-of-name target gets a word of explanation
    ax.annotate(
        "newline:\nend of the name",
        xy=(xs[-1] + w_in / 2, y_tgt),
        xytext=(xs[-1] + 0.7, y_tgt),
        ha="left",
        va="center",
        fontsize=11,
        color=DRAWN,
        arrowprops=dict(arrowstyle="-", color=DRAWN, lw=1.2),
    )

    # equations and shapes under the diagram
    eq_y = 0.62
    ax.text(
        0.15,
        eq_y,
        sup("a", "t") + r"$ = \tanh(W_{ax}\,x^{\langle t \rangle} + W_{aa}\,a^{\langle t-1"
        r" \rangle} + b)$" + "        " + sup(r"\hat{y}", "t") + r"$ = \mathrm{softmax}(W_{ya}\,a^{\langle t \rangle}"
        r" + b_y)$" + "        " + r"$\mathcal{L} = -\sum_t \log\,\hat{y}^{\langle t \rangle}[y^{\langle t"
        r" \rangle}]$",
        ha="left",
        va="center",
        fontsize=14,
    )
    ax.text(
        0.15,
        eq_y - 0.5,
        "shapes:  $W_{ax}$ ($n_a$, 27)    $W_{aa}$ ($n_a$, $n_a$)    $W_{ya}$ (27, $n_a$)"
        "    $b$ ($n_a$, 1)    $b_y$ (27, 1).    Training input: X = [None] + name, "
        "targets Y = name + ['\\n'].",
        ha="left",
        va="center",
        fontsize=11.5,
        color="#444444",
    )

    ax.text(
        0.15,
        7.75,
        f'The RNN unrolled over one training example, "{name}"',
        ha="left",
        va="center",
        fontsize=16,
        fontweight="bold",
    )
    ax.text(
        0.15,
        7.35,
        "the same weights $W_{ax}$, $W_{aa}$, $W_{ya}$, $b$, $b_y$ at every "
        "time step; each step predicts the next character",
        ha="left",
        va="center",
        fontsize=12,
        color="#444444",
    )

    ax.set_xlim(0, 16.5)
    ax.set_ylim(-0.15, 8.2)
    save(fig, path)


# --------------------------------------------------------------------------------------------
# 2. Exploding gradients and clipping
# --------------------------------------------------------------------------------------------

# The 2-D loss of the right panel: a high plateau that ends in a cliff (a steep sigmoid step down)
# above a gentle quadratic basin. It mimics the cliffs of RNN loss surfaces: smooth almost
# everywhere, and one narrow region where the gradient is enormous.
CLIFF_HEIGHT, CLIFF_STEEPNESS = 20.0, 10.0  # the step: 20 (1 - sigmoid(10 w1)), edge at w1 = 0
BASIN = (0.3, 1.5, 0.15)  # curvature along w1, centre along w1, curvature along w2


def cliff_loss(w1, w2):
    """L(w1, w2) = 0.15 (w1 - 1.5)^2 + 0.075 w2^2 + 20 (1 - sigmoid(10 w1))."""
    k1, c1, k2 = BASIN
    step = CLIFF_HEIGHT * (1 - 1 / (1 + np.exp(-CLIFF_STEEPNESS * w1)))
    return 0.5 * k1 * (w1 - c1) ** 2 + 0.5 * k2 * w2**2 + step


def cliff_gradient(w):
    """The exact gradient of cliff_loss at w = (w1, w2)."""
    k1, c1, k2 = BASIN
    s = 1 / (1 + np.exp(-CLIFF_STEEPNESS * w[0]))
    return np.array([k1 * (w[0] - c1) - CLIFF_HEIGHT * CLIFF_STEEPNESS * s * (1 - s), k2 * w[1]])


def descend(start, learning_rate, steps, max_value=None):
    """Plain gradient descent on cliff_loss; with max_value, each gradient is clipped
    element-wise to [-max_value, max_value] first, exactly as clip() does in the notebook."""
    w = np.array(start, dtype=float)
    path = [w.copy()]
    for _ in range(steps):
        g = cliff_gradient(w)
        if max_value is not None:
            g = np.clip(g, -max_value, max_value)
        w = w - learning_rate * g
        path.append(w.copy())
    return np.array(path)


def draw_clipping(path, max_value=10.0):
    """Left: clip() on the clip test's gradients. Right: descent with and without clipping."""
    fig, (ax_g, ax_s) = plt.subplots(1, 2, figsize=(12, 5.0), gridspec_kw={"width_ratios": [1.15, 1]})
    fig.subplots_adjust(left=0.06, right=0.985, bottom=0.12, top=0.8, wspace=0.17)

    # ---- left: the gradients of the notebook's clip test, in the test's draw order
    np.random.seed(3)
    shapes = {"dWax": (5, 3), "dWaa": (5, 5), "dWya": (2, 5), "db": (5, 1), "dby": (2, 1)}
    grads = {key: np.random.randn(*shape) * 10 for key, shape in shapes.items()}
    before = np.concatenate([g.ravel() for g in grads.values()])
    after = np.clip(before, -max_value, max_value)
    index = np.arange(before.size)
    clipped = before != after
    right_end = index[-1] + 0.8

    ax_g.fill_between([-1, right_end], -max_value, max_value, color="#eef3ee", lw=0, zorder=0)
    ax_g.hlines([-max_value, max_value], -1, right_end, color="#3f9a48", lw=1.4, linestyle="--", zorder=1)
    ax_g.hlines(0, -1, right_end, color="#999999", lw=0.8, zorder=1)
    # a stem for every value that clip() leaves alone, a red arrow for every value it moves
    ax_g.vlines(index[~clipped], 0, before[~clipped], color=MUTED, lw=2.2, zorder=2)
    ax_g.scatter(index[~clipped], before[~clipped], s=22, color="#5b7a99", zorder=3, label="inside: unchanged")
    ax_g.scatter(
        index[clipped],
        before[clipped],
        s=34,
        facecolors="white",
        edgecolors=DRAWN,
        lw=1.5,
        zorder=3,
        label="outside, before",
    )
    for i in index[clipped]:
        ax_g.annotate(
            "",
            xy=(i, after[i]),
            xytext=(i, before[i]),
            arrowprops=dict(arrowstyle="-", color=DRAWN, lw=1.4, shrinkA=3, shrinkB=0),
            zorder=3,
        )
    ax_g.scatter(index[clipped], after[clipped], s=34, color=DRAWN, zorder=4, label="after: pinned to the bound")

    # group labels: which entry belongs to which gradient array
    edges = np.cumsum([0] + [g.size for g in grads.values()])
    low = min(before.min(), -max_value) - 5.5
    for key, lo, hi in zip(grads, edges[:-1], edges[1:]):
        if lo:
            ax_g.axvline(lo - 0.5, color="#cccccc", lw=1, zorder=0)
        ax_g.text((lo + hi - 1) / 2, low + 0.8, key, ha="center", va="bottom", fontsize=11.5, color="#444444")
    for bound, label in ((max_value, "+maxValue"), (-max_value, "\u2212maxValue")):
        ax_g.text(right_end + 0.4, bound, label, ha="left", va="center", fontsize=10.5, color="#2a6b31")
    ax_g.set_xlim(-1, index[-1] + 9.5)
    ax_g.set_ylim(low, max(before.max(), max_value) + 7)
    ax_g.set_yticks([-20, -10, 0, 10, 20])
    ax_g.set_xticks([])
    ax_g.set_xlabel(f"the {before.size} entries of the five gradients")
    ax_g.set_ylabel("gradient value")
    ax_g.set_title(
        f"clip(gradients, maxValue={max_value:g}), element by element\n"
        "on the clip test's gradients: np.random.seed(3), randn \u00d7 10",
        fontsize=13,
    )
    ax_g.legend(
        loc="upper center",
        ncol=3,
        fontsize=10,
        frameon=False,
        bbox_to_anchor=(0.5, 1.0),
        handletextpad=0.1,
        columnspacing=0.9,
    )
    for side in ("top", "right"):
        ax_g.spines[side].set_visible(False)

    # ---- right: gradient descent over the cliff, same start, same learning rate
    start, lr, steps, clip_at = (-5.0, 2.4), 1.0, 16, 1.0
    free = descend(start, lr, steps)
    safe = descend(start, lr, steps, max_value=clip_at)
    # the first step that lands on the cliff face and is thrown away
    jump = int(np.argmax(np.abs(np.diff(free[:, 0])) > 5)) + 1
    assert np.abs(free[jump, 0]) > 20, "the unclipped run should be thrown off the plot"

    w1 = np.linspace(-6, 4, 500)
    w2 = np.linspace(-3, 3, 300)
    W1, W2 = np.meshgrid(w1, w2)
    L = cliff_loss(W1, W2)
    levels = np.linspace(0, 28, 29)
    ax_s.contourf(W1, W2, L, levels=levels, cmap="Blues", alpha=0.9)
    ax_s.contour(W1, W2, L, levels=levels[::2], colors="white", linewidths=0.6, alpha=0.8)
    white_halo = [path_effects.withStroke(linewidth=3, foreground="white")]
    # darker blue = higher loss; name the three regions where nothing else is drawn
    ax_s.text(-3.2, -0.9, "high plateau", ha="center", va="center", fontsize=12, color="white", fontweight="bold")
    ax_s.text(0.12, -0.9, "\u2190 cliff", ha="left", va="center", fontsize=12, color=INK, path_effects=white_halo)
    ax_s.text(2.9, -0.9, "low basin", ha="center", va="center", fontsize=12, color=INK, path_effects=white_halo)

    halo = [path_effects.withStroke(linewidth=4, foreground="white")]
    ax_s.plot(
        free[:jump, 0], free[:jump, 1], "o-", color=DRAWN, lw=2, ms=5, zorder=4, path_effects=halo, label="no clipping"
    )
    ax_s.plot(
        safe[:, 0],
        safe[:, 1],
        "o-",
        color="#1f7a32",
        lw=2,
        ms=4,
        zorder=5,
        path_effects=halo,
        label=f"gradient clipped to [\u2212{clip_at:g}, {clip_at:g}]",
    )
    # the thrown step leaves the plot: draw it to the edge and say where it went
    x_edge = w1[-1]
    y_edge = np.interp(x_edge, [free[jump - 1, 0], free[jump, 0]], [free[jump - 1, 1], free[jump, 1]])
    ax_s.annotate(
        "",
        xy=(x_edge, y_edge),
        xytext=tuple(free[jump - 1]),
        arrowprops=dict(arrowstyle="-|>", color=DRAWN, lw=2, mutation_scale=18, linestyle="--", shrinkA=4, shrinkB=0),
        zorder=4,
    )
    ax_s.text(
        x_edge - 0.1,
        y_edge + 0.3,
        f"thrown to $w_1$ = {free[jump, 0]:.0f}\nfar off the plot",
        ha="right",
        va="bottom",
        fontsize=11,
        color=DRAWN,
        path_effects=white_halo,
    )
    ax_s.plot(*start, "s", color=INK, ms=8, zorder=6)
    ax_s.text(start[0] - 0.2, start[1], "start", ha="right", va="center", fontsize=11, path_effects=white_halo)
    k1, c1, k2 = BASIN
    ax_s.set_xlim(w1[0], w1[-1])
    ax_s.set_ylim(w2[0], w2[-1])
    ax_s.set_xlabel("weight $w_1$")
    ax_s.set_ylabel("weight $w_2$")
    ax_s.set_title(
        f"{steps} steps of gradient descent, learning rate {lr:g}, on\n"
        rf"$L = {k1 / 2:g}\,(w_1 - {c1:g})^2 + {k2 / 2:g}\,w_2^2 + "
        rf"{CLIFF_HEIGHT:g}\,(1 - \sigma({CLIFF_STEEPNESS:g}\,w_1))$",
        fontsize=13,
    )
    ax_s.legend(loc="lower left", fontsize=10.5, framealpha=0.95)

    fig.suptitle(
        "Exploding gradients: one huge gradient throws the weights away; clipping bounds every step",
        fontsize=15,
        fontweight="bold",
        x=0.5,
        y=0.975,
    )
    save(fig, path)


# --------------------------------------------------------------------------------------------
# 3. The sampling loop
# --------------------------------------------------------------------------------------------

# A small random RNN, not a trained one (see the module docstring). PARAMS_SEED fixes its
# weights, SAMPLE_SEED is the `seed` argument of sample(); together they give a 4-letter name.
N_A, PARAMS_SEED, SAMPLE_SEED = 16, 52, 1


def random_rnn(n_a=N_A, seed=PARAMS_SEED):
    """Random weights in the course's draw order (Wax, Waa, Wya, b, by).

    The scales keep the softmax neither flat nor one-hot, so the bar charts show something.
    """
    np.random.seed(seed)
    return {
        "Wax": np.random.randn(n_a, VOCAB_SIZE) * 1.0,
        "Waa": np.random.randn(n_a, n_a) * 0.5,
        "Wya": np.random.randn(VOCAB_SIZE, n_a) * 0.6,
        "b": np.random.randn(n_a, 1) * 0.5,
        "by": np.random.randn(VOCAB_SIZE, 1) * 0.5,
    }


def sample_with_distributions(parameters, seed):
    """The notebook's sample(), also returning each step's distribution and numpy seed.

    Same protocol: x = 0 and a_prev = 0; per step a = tanh(Wax x + Waa a_prev + b),
    y = softmax(Wya a + by), np.random.seed(counter + seed), np.random.choice; then seed and
    counter both grow by one (so step t uses seed + 2t); stop at the newline or after 50 draws.
    """
    Wax, Waa, Wya, b, by = (parameters[k] for k in ("Wax", "Waa", "Wya", "b", "by"))
    x = np.zeros((VOCAB_SIZE, 1))
    a_prev = np.zeros((Waa.shape[1], 1))
    indices, distributions, seeds = [], [], []
    idx, counter = -1, 0
    while idx != 0 and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        z = Wya @ a + by
        y = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        np.random.seed(counter + seed)
        seeds.append(counter + seed)
        idx = int(np.random.choice(range(VOCAB_SIZE), p=y.ravel()))
        indices.append(idx)
        distributions.append(y.ravel())
        x = np.zeros((VOCAB_SIZE, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    return indices, distributions, seeds


def draw_sampling(path):
    """One row per time step: input, cell, softmax bar chart, drawn character, feedback."""
    indices, distributions, seeds = sample_with_distributions(random_rnn(), SAMPLE_SEED)
    T = len(indices)

    row_h, top_h, bottom_h = 1.6, 1.45, 0.6  # inches
    width, height = 12.0, top_h + T * row_h + bottom_h
    fig = plt.figure(figsize=(width, height))
    # One canvas in inches over the whole figure for boxes and arrows; bar charts on top of it.
    canvas = fig.add_axes([0, 0, 1, 1])
    canvas.set_axis_off()
    canvas.set_xlim(0, width)
    canvas.set_ylim(0, height)

    x_in, x_cell, x_drawn = 0.75, 2.2, 11.1
    chart_left, chart_right = 3.85, 9.8
    w_in, h_in, w_cell, h_cell = 0.72, 0.62, 0.95, 0.75
    halo = [path_effects.withStroke(linewidth=7, foreground="white")]

    for t in range(T):
        y_top = height - top_h - t * row_h  # top of this row
        yc = y_top - 0.45  # centre line of the row's boxes and arrows
        prev = None if t == 0 else CHARS[indices[t - 1]]

        # input x<t>: the zero vector at t = 1, then the character drawn at the previous step
        box(canvas, (x_in, yc), w_in, h_in, INPUT_FC, INPUT_EC)
        canvas.text(
            x_in,
            yc,
            "0" if prev is None else show_char(prev),
            ha="center",
            va="center",
            fontsize=18,
            family=MONO,
            fontweight="bold",
            color=INPUT_EC,
            zorder=3,
        )
        canvas.text(x_in, yc - h_in / 2 - 0.2, sup("x", t + 1), ha="center", va="center", fontsize=13)
        # cell a<t>
        box(canvas, (x_cell, yc), w_cell, h_cell, CELL_FC, CELL_EC)
        canvas.text(x_cell, yc + 0.13, sup("a", t + 1), ha="center", va="center", fontsize=14, zorder=3)
        canvas.text(x_cell, yc - 0.18, "tanh", ha="center", va="center", fontsize=10, color="#8a4d10", zorder=3)
        arrow(canvas, (x_in + w_in / 2, yc), (x_cell - w_cell / 2, yc))
        canvas.text(
            (x_in + w_in / 2 + x_cell - w_cell / 2) / 2, yc + 0.06, "$W_{ax}$", ha="center", va="bottom", fontsize=12
        )
        # cell -> softmax
        mid = (x_cell + w_cell / 2 + chart_left) / 2
        arrow(canvas, (x_cell + w_cell / 2, yc), (chart_left - 0.1, yc))
        canvas.text(mid, yc + 0.06, "$W_{ya}$, $b_y$", ha="center", va="bottom", fontsize=12)
        canvas.text(mid, yc - 0.06, "softmax", ha="center", va="top", fontsize=11, color="#2a6b31")

        # The softmax distribution as a bar chart over the 27 characters. Each row has its own
        # scale, so there is no y axis: the drawn bar and the most likely bar are labelled.
        p = distributions[t]
        drawn, likely = indices[t], int(np.argmax(p))
        chart = fig.add_axes(
            [chart_left / width, (y_top - 1.0) / height, (chart_right - chart_left) / width, 0.95 / height]
        )
        colors = [DRAWN if i == drawn else MUTED for i in range(VOCAB_SIZE)]
        chart.bar(range(VOCAB_SIZE), p, color=colors, width=0.75)
        top = p.max() * 1.32
        chart.set_xlim(-0.6, VOCAB_SIZE - 0.4)
        chart.set_ylim(0, top)
        chart.set_xticks(range(VOCAB_SIZE))
        chart.set_xticklabels([show_char(c) for c in CHARS], family=MONO, fontsize=10.5)
        chart.tick_params(axis="x", length=0, pad=2)
        chart.set_yticks([])
        chart.get_xticklabels()[drawn].set_color(DRAWN)
        chart.get_xticklabels()[drawn].set_fontweight("bold")
        for side in ("top", "right", "left"):
            chart.spines[side].set_visible(False)
        chart.set_facecolor("none")
        chart.text(
            drawn,
            p[drawn] + top * 0.03,
            f"{p[drawn]:.2f}",
            ha="center",
            va="bottom",
            fontsize=10,
            color=DRAWN,
            fontweight="bold",
        )
        if likely != drawn:
            chart.text(
                likely,
                p[likely] + top * 0.03,
                f"{p[likely]:.2f}",
                ha="center",
                va="bottom",
                fontsize=10,
                color="#5b7a99",
            )

        # the drawn character, and the seed numpy had when drawing it
        canvas.text(chart_right + 0.08, y_top - 0.06, sup(r"\hat{y}", t + 1), ha="left", va="top", fontsize=13)
        box(canvas, (x_drawn, yc), w_in, h_in, "#fbe3dc", DRAWN)
        canvas.text(
            x_drawn,
            yc,
            show_char(CHARS[drawn]),
            ha="center",
            va="center",
            fontsize=18,
            family=MONO,
            fontweight="bold",
            color=DRAWN,
            zorder=3,
        )
        arrow(canvas, (chart_right + 0.08, yc), (x_drawn - w_in / 2, yc))
        canvas.text(
            x_drawn,
            yc + h_in / 2 + 0.07,
            f"np.random.seed({seeds[t]})",
            ha="center",
            va="bottom",
            fontsize=9.5,
            family=MONO,
            color="#555555",
        )

        if t + 1 < T:
            # the recurrence a<t> -> a<t+1>, straight down
            y_next = yc - row_h
            arrow(canvas, (x_cell, yc - h_cell / 2), (x_cell, y_next + h_cell / 2), color=CELL_EC, lw=2)
            canvas.text(x_cell + 0.1, yc - h_cell / 2 - 0.22, "$W_{aa}$", ha="left", va="center", fontsize=12)
            # feedback: the drawn character becomes the next input. The white halo lets the
            # dashed line cross the Waa arrow without touching it.
            y_gap = y_next + h_in / 2 + 0.27
            canvas.plot(
                [x_drawn, x_drawn, x_in],
                [yc - h_in / 2, y_gap, y_gap],
                color=DRAWN,
                lw=1.6,
                linestyle=(0, (5, 3)),
                path_effects=halo,
                zorder=1.5,
            )
            arrow(canvas, (x_in, y_gap), (x_in, y_next + h_in / 2), color=DRAWN, lw=1.6, zorder=1.6)
        else:
            canvas.text(x_drawn, yc - h_in / 2 - 0.1, "newline:\nstop", ha="center", va="top", fontsize=11, color=DRAWN)

    # a<0> = 0 comes in from above the first cell
    y_first = height - top_h - 0.45
    arrow(canvas, (x_cell, y_first + h_cell / 2 + 0.42), (x_cell, y_first + h_cell / 2), color=CELL_EC, lw=2)
    canvas.text(x_cell - 0.12, y_first + h_cell / 2 + 0.3, sup("a", 0) + " = 0", ha="right", va="center", fontsize=13)

    name = "".join(CHARS[i] for i in indices)
    shown = name[0].upper() + name[1:-1]
    canvas.text(
        0.3,
        height - 0.35,
        "Sampling a name: draw a character from "
        + sup(r"\hat{y}", "t")
        + ", feed it back as "
        + sup("x", "t+1")
        + ", stop at the newline",
        ha="left",
        va="center",
        fontsize=16,
        fontweight="bold",
    )
    canvas.text(
        0.3,
        height - 0.72,
        f"sample(parameters, char_to_ix, seed={SAMPLE_SEED}) on a "
        f"small random RNN ($n_a$ = {N_A}, untrained): the bars are its real softmax "
        "outputs,",
        ha="left",
        va="center",
        fontsize=11.5,
        color="#444444",
    )
    canvas.text(
        0.3,
        height - 1.0,
        "each chart on its own scale. The loop also stops after 50 characters.",
        ha="left",
        va="center",
        fontsize=11.5,
        color="#444444",
    )
    canvas.text(
        0.3,
        0.33,
        f'sampled indices {indices}  \u2192  get_sample returns "{shown}\\n"',
        ha="left",
        va="center",
        fontsize=12.5,
        family=MONO,
    )
    save(fig, path)


# --------------------------------------------------------------------------------------------
# 4. One RNN cell, forward and backward
# --------------------------------------------------------------------------------------------


def draw_rnn_cell(path):
    """The cell's forward equations left to right, and its gradients right to left underneath."""
    fig, ax = plt.subplots(figsize=(12, 5.4))
    ax.set_axis_off()
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 5.4)
    back = DRAWN

    # forward: inputs at the left and bottom, the cell in the middle, the output at the top
    box(ax, (1.0, 3.0), 1.3, 0.8, CELL_FC, CELL_EC)
    ax.text(1.0, 3.0, sup("a", "t-1"), ha="center", va="center", fontsize=16)
    box(ax, (4.2, 1.0), 1.3, 0.8, INPUT_FC, INPUT_EC)
    ax.text(4.2, 1.0, sup("x", "t"), ha="center", va="center", fontsize=16)
    box(ax, (4.2, 3.0), 3.6, 0.9, "white", INK)
    ax.text(
        4.2,
        3.0,
        r"$z = W_{ax}\,x^{\langle t \rangle} + W_{aa}\,a^{\langle t-1 \rangle} + b$",
        ha="center",
        va="center",
        fontsize=13,
    )
    box(ax, (7.3, 3.0), 1.3, 0.8, CELL_FC, CELL_EC)
    ax.text(7.3, 3.0, sup("a", "t"), ha="center", va="center", fontsize=16)
    box(ax, (7.3, 4.75), 3.4, 0.8, OUT_FC, OUT_EC)
    ax.text(
        7.3,
        4.75,
        r"$\hat{y}^{\langle t \rangle} = \mathrm{softmax}(W_{ya}\,a^{\langle t \rangle} + b_y)$",
        ha="center",
        va="center",
        fontsize=13,
    )
    box(ax, (10.9, 3.0), 1.6, 0.8, "#f4f4f4", TARGET_EC)
    ax.text(10.9, 3.0, "next step", ha="center", va="center", fontsize=12)
    arrow(ax, (1.65, 3.0), (2.4, 3.0))
    arrow(ax, (4.2, 1.4), (4.2, 2.55))
    arrow(ax, (6.0, 3.0), (6.65, 3.0))
    ax.text(6.32, 3.15, "tanh", ha="center", va="bottom", fontsize=11)
    arrow(ax, (7.3, 3.4), (7.3, 4.35))
    arrow(ax, (7.95, 3.0), (10.1, 3.0))

    # backward, in red, below the forward arrows
    kw = dict(color=back, lw=1.4)
    arrow(ax, (8.5, 4.35), (7.75, 3.45), **kw)
    ax.text(
        8.6,
        3.95,
        r"$W_{ya}^T\,dy^{\langle t \rangle}$"
        + "\n"
        + r"$dy^{\langle t \rangle} = \hat{y}^{\langle t \rangle} - \mathrm{one\_hot}(Y_t)$",
        ha="left",
        va="center",
        fontsize=11,
        color=back,
    )
    arrow(ax, (10.1, 2.55), (7.95, 2.55), **kw)
    ax.text(9.05, 2.35, r"$W_{aa}^T\,dz^{\langle t+1 \rangle}$", ha="center", va="top", fontsize=11, color=back)
    arrow(ax, (6.65, 2.55), (6.0, 2.55), **kw)
    ax.text(6.35, 1.75, r"$dz = (1 - a^2) * da$", ha="center", va="center", fontsize=11, color=back)
    arrow(ax, (2.4, 2.55), (1.65, 2.55), **kw)
    ax.text(2.0, 2.1, r"$da^{\langle t-1 \rangle} = W_{aa}^T\,dz$", ha="center", va="center", fontsize=11, color=back)
    ax.text(
        0.3,
        0.45,
        "forward (black): rnn_cell_forward makes a<t>; the output layer makes y_hat<t>.",
        ha="left",
        va="center",
        fontsize=11,
        color="#444444",
    )
    ax.text(
        0.3,
        0.15,
        "backward (red): rnn_cell_backward gets da, the sum of the two red arrows into a<t>, "
        "and returns dz and da<t-1>.",
        ha="left",
        va="center",
        fontsize=11,
        color="#444444",
    )
    save(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "output_dir", nargs="?", default=str(HERE), help="folder to write the PNGs into (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    # matplotlib's own defaults, whatever matplotlibrc the user has, so the bytes do not depend
    # on the machine's configuration.
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(STYLE)
        draw_rnn_unrolled(out / FIGURES[0])
        draw_clipping(out / FIGURES[1])
        draw_sampling(out / FIGURES[2])
        draw_rnn_cell(out / FIGURES[3])
    for name in FIGURES:
        print(out / name)


if __name__ == "__main__":
    main()
