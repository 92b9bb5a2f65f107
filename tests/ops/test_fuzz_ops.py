"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py) found numkeras doing differently from
Keras 3's `keras.ops` and `keras.activations`, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_ops.py), and the cases where Keras 3.15 (JAX) is wrong and
numkeras keeps NumPy's answer."""

import builtins
import json

import numpy as np
import pytest

import numkeras
from numkeras import activations, ops

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_ops")
SCRIPT = scenario_script("make_fuzz_ops")


@pytest.mark.parametrize("name", sorted(n for n in SCRIPT.SCENARIOS if not n.startswith("raises_")))
def test_fuzz_ops_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    rtol = 2e-3 if name == "promotions" else 1e-5  # (float16 results, computed in turn)
    assert_json_close(got, GOLD[name], rtol=rtol, atol=1e-6, where=name)


def test_axis_out_of_range_errors_are_what_keras_raises():
    # numkeras's error is both ValueError and IndexError (as NumPy's AxisError): an
    # `except` naming Keras's class catches it
    x, t = np.ones((2, 2), "float32"), numkeras.KerasTensor((2, 2))
    for case, want in GOLD["raises_axis_out_of_range"].items():
        name, kind = case.rsplit("_", 1)
        axis = 3 if name == "expand_dims" else 2
        with pytest.raises(getattr(builtins, want)):
            getattr(ops, name)(x if kind == "array" else t, axis=axis)


def test_meshgrid_symbolic_dtypes_are_the_arrays():
    # Keras's symbolic meshgrid gives every grid the last vector's dtype; its arrays keep
    # each vector's dtype, and numkeras's symbolic grids say so
    grids = ops.meshgrid(numkeras.KerasTensor((2,)), numkeras.KerasTensor((3,), "int8"))
    eager = GOLD["integer_symbolic_dtypes"]["meshgrid_eager"]
    assert [g.dtype for g in grids] == [e["dtype"] for e in eager]


@pytest.mark.parametrize("name", ["hard_silu", "hard_swish", "mish"])
def test_activations_keras_crashes_on_inputs_work(name):
    # Keras 3.15 hands an Input to JAX in these three and crashes; numkeras records them
    x = numkeras.Input((4,))
    model = numkeras.Model(x, getattr(activations, name)(x))
    data = np.array([[-2.5, -0.5, 0.0, 0.7]], "float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), getattr(activations, name)(data))


def test_relu_and_mish_nodes_save_and_load(tmp_path):
    x = numkeras.Input((3,))
    y = activations.mish(activations.relu(x, max_value=1.0, negative_slope=0.1))
    model = numkeras.Model(x, y)
    data = np.array([[-2.0, 0.5, 3.0]], "float32")
    model.save(tmp_path / "m.keras")
    loaded = numkeras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0))


def test_uint8_clips_at_zero():
    # Keras-JAX wraps the -1 of hard_tanh / threshold into uint8's 255 (hard_tanh(0) = 255)
    u = np.array([0, 1, 3, 200], "uint8")
    assert ops.hard_tanh(u).tolist() == [0, 1, 1, 1]
    assert ops.hard_tanh(u).dtype == "uint8"


def test_quantile_of_a_0d_tensor_with_keepdims():
    # (a crash); Keras-JAX gives the 0-d input an axis, NumPy does not
    x = np.float32(1.5)
    assert ops.nanpercentile(x, 100.0, method="midpoint", keepdims=True).shape == ()
    assert ops.quantile(x, [0.25, 0.75], keepdims=True).shape == (2,)


def test_quantile_between_equal_infinities_is_infinite():
    # Keras-JAX (and NumPy) interpolate inf * 1 + inf * 0 into NaN at the 0.5 quantile,
    # though both neighbours are inf (Keras's median gives -inf for -inf neighbours)
    x = np.array([np.inf, np.inf, 1.0], "float32")
    assert ops.quantile(x, [0.5, 0.9]).tolist() == [np.inf, np.inf]


def test_erfc_of_a_0d_float64_array():
    # (a crash: the float64 path's ufunc gave a Python float); float64 stays, as NumPy
    out = ops.erfc(np.array(0.5))
    assert out.shape == () and out.dtype == "float64"
    assert float(out) == pytest.approx(0.4795001221869535, rel=1e-15)


def test_linspace_retstep_of_integer_samples_is_a_float():
    # (a crash: a NaN step cast to int8); Keras gives the step in floatx
    values, step = ops.linspace(
        np.array([1.0, 2.0], "float32"), 10, num=1, dtype="int8", retstep=True
    )
    assert values.tolist() == [[1, 2]] and step.dtype == "float32" and np.isnan(step)
    values, step = ops.linspace(0, 4, num=5, dtype="int32", retstep=True)
    assert values.dtype == "int32" and step.dtype == "float32" and float(step) == 1.0
