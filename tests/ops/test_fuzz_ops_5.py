"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py, seeds 541-560, the eighth menu from 551)
found numkeras doing differently from Keras 3's `keras.ops`, as minimal scenarios (goldens
from scripts/goldens/make_fuzz_ops_5.py)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import AxisTypeError, FillValueRangeError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_ops_5")
SCRIPT = scenario_script("make_fuzz_ops_5")

CLASSES = {"misuse_error_classes_eager", "misuse_error_classes_symbolic"}
# (Keras's symbolic expand_dims of a repeated axis crashes: its eager ValueError stands)
KERAS_CRASHES = ("StopIteration",)


@pytest.mark.parametrize("name", sorted(n for n in SCRIPT.SCENARIOS if n not in CLASSES))
def test_fuzz_ops_5_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], where=name)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_misuse_raises_what_keras_raises(name):
    # numkeras's error must be an instance of the first built-in class Keras's was; where
    # Keras's symbolic call takes the misuse (or crashes), its eager error stands for it
    got = SCRIPT.SCENARIOS[name](numkeras)
    other = [g for n, g in GOLD.items() if n in CLASSES and n != name][0]
    for case, want in GOLD[name].items():
        if want == "ok" or want[0] in KERAS_CRASHES:
            want = other[case]
        assert want != "ok" and want[0] in got[case], f"{case}: {got[case]} is not a {want}"


def test_fill_value_out_of_an_integer_dtype_is_refused_not_wrapped():
    x = np.full((1, 3, 3, 1), 4, "uint8")
    shift = np.array([[1, 0, 2, 0, 1, 0, 0, 0]], "float32")
    with pytest.raises(FillValueRangeError, match=r"\[0, 255\]"):
        numkeras.ops.image.affine_transform(x, shift, fill_value=300)
    # a float image keeps its fill as given
    out = numkeras.ops.image.affine_transform(x.astype("float32"), shift, fill_value=2.5)
    assert float(np.asarray(out)[0, 0, 2, 0]) == 2.5


def test_a_float_axis_is_not_truncated():
    with pytest.raises(AxisTypeError, match="axis2"):
        numkeras.ops.swapaxes(np.ones((2, 3)), 0, 1.5)
    with pytest.raises(TypeError, match="num"):
        numkeras.ops.linspace(0, 1, num=2.5)
