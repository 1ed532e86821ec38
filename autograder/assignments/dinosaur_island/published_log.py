"""The training log of the original assignment's passing run, and a reader for model()'s prints.

Tests and benchmarks compare the reference solution's log with it: the same seeds and math
must give the same smoothed losses and sampled names.
"""

import re

# The training log of the original assignment's passing run (facts file, section 2.4): the
# smoothed loss and the seven sampled names at every print step. Every platform agrees up to
# iteration 12000; later values depend on the BLAS build's order of summation.
PUBLISHED_LOG = {
    0: (
        "23.087336",
        "Nkzxwtdmfqoeyhsqwasjkjvu Kneb Kzxwtdmfqoeyhsqwasjkjvu Neb Zxwtdmfqoeyhsqwasjkjvu Eb Xwtdmfqoeyhsqwasjkjvu",
    ),
    2000: (
        "27.884160",
        "Liusskeomnolxeros Hmdaairus Hytroligoraurus Lecalosapaus Xusicikoraurus Abalpsamantisaurus Tpraneronxeros",
    ),
    4000: (
        "25.901815",
        "Mivrosaurus Inee Ivtroplisaurus Mbaaisaurus Wusichisaurus Cabaselachus"
        " Toraperlethosdarenitochusthiamamumamaon",
    ),
    6000: ("24.608779", "Onwusceomosaurus Lieeaerosaurus Lxussaurus Oma Xusteonosaurus Eeahosaurus Toreonosaurus"),
    8000: ("24.070350", "Onxusichepriuon Kilabersaurus Lutrodon Omaaerosaurus Xutrcheps Edaksoje Trodiktonus"),
    10000: ("23.844446", "Onyusaurus Klecalosaurus Lustodon Ola Xusodonia Eeaeosaurus Troceosaurus"),
    12000: ("23.291971", "Onyxosaurus Kica Lustrepiosaurus Olaagrraiansaurus Yuspangosaurus Eealosaurus Trognesaurus"),
}
LAST_PORTABLE_ITERATION = 12000


def training_log(printed, last=LAST_PORTABLE_ITERATION):
    """{iteration: (loss, names joined by spaces)} from what model() printed, up to last."""
    steps = {}
    for block in re.split(r"(?=Iteration: )", printed)[1:]:
        head, *names = block.split("\n")
        iteration, loss = re.fullmatch(r"Iteration: (\d+), Loss: (\S+)", head).groups()
        if int(iteration) <= last:
            steps[int(iteration)] = (loss, " ".join(name for name in names if name))
    return steps
