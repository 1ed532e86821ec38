"""The reference solution reproduces the published training log and passes the public tests."""

import contextlib
import io
import re

from autograder.reference import solution_namespace
from utils import public_tests

# The published log (facts file §2.4): the smoothed loss and the seven names at every 2000
# iterations. All platforms agree up to 12000 iterations; later values depend on the BLAS
# build's summation order, so they are not checked.
PUBLISHED = {
    0: ("23.087336", "Nkzxwtdmfqoeyhsqwasjkjvu Kneb Kzxwtdmfqoeyhsqwasjkjvu Neb Zxwtdmfqoeyhsqwasjkjvu Eb Xwtdmfqoeyhsqwasjkjvu"),
    2000: ("27.884160", "Liusskeomnolxeros Hmdaairus Hytroligoraurus Lecalosapaus Xusicikoraurus Abalpsamantisaurus Tpraneronxeros"),
    4000: ("25.901815", "Mivrosaurus Inee Ivtroplisaurus Mbaaisaurus Wusichisaurus Cabaselachus Toraperlethosdarenitochusthiamamumamaon"),
    6000: ("24.608779", "Onwusceomosaurus Lieeaerosaurus Lxussaurus Oma Xusteonosaurus Eeahosaurus Toreonosaurus"),
    8000: ("24.070350", "Onxusichepriuon Kilabersaurus Lutrodon Omaaerosaurus Xutrcheps Edaksoje Trodiktonus"),
    10000: ("23.844446", "Onyusaurus Klecalosaurus Lustodon Ola Xusodonia Eeaeosaurus Troceosaurus"),
    12000: ("23.291971", "Onyxosaurus Kica Lustrepiosaurus Olaagrraiansaurus Yuspangosaurus Eealosaurus Trognesaurus"),
}


def test_model_reproduces_the_published_log_through_12000_iterations():
    ns = solution_namespace()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _, last_name = ns["model"](ns["data"].split("\n"), ns["ix_to_char"], ns["char_to_ix"], 12001)
    blocks = re.findall(r"Iteration: (\d+), Loss: ([\d.]+)\n\n((?:.+\n){7})", out.getvalue())
    got = {int(j): (loss, " ".join(names.split())) for j, loss, names in blocks}
    assert got == PUBLISHED
    assert last_name == "Trognesaurus\n"


def test_reference_passes_the_public_tests(capsys):
    ns = solution_namespace()
    public_tests.clip_test(ns["clip"])
    public_tests.sample_test(ns["sample"])
    public_tests.optimize_test(ns["optimize"])
    public_tests.model_test(ns["model"])
    assert capsys.readouterr().out.count("All tests passed") == 4
