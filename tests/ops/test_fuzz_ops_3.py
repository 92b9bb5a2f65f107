"""What the ops fuzzer's sixth menu (scripts/fuzz/fuzz_ops.py, seeds 518 on) found numkeras
doing differently from Keras 3's `keras.ops`, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_ops_3.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_ops_3")
SCRIPT = scenario_script("make_fuzz_ops_3")
CLASSES = {"misuse_error_classes"}


@pytest.mark.parametrize("name", sorted(n for n in SCRIPT.SCENARIOS if n not in CLASSES))
def test_fuzz_ops_3_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-3, atol=1e-4, where=name)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_misuse_raises_what_keras_raises(name):
    # numkeras's error must be an instance of the first built-in class Keras's was
    got = SCRIPT.SCENARIOS[name](numkeras)
    for case, want in GOLD[name].items():
        assert want != "ok" and want[0] in got[case], f"{case}: {got[case]} is not a {want}"


def test_batch_normalization_length_one_gradients():
    # statistics of length 1 get the gradient summed over the axis they broadcast along
    import numpy as np

    from numkeras.layers.keras_tensor import KerasTensor

    x = np.linspace(-1, 1, 12).reshape(3, 4)
    stats = [np.array([0.2]), np.array([1.5]), np.array([0.1]), np.array([2.0])]
    syms = [KerasTensor(x.shape, "float64")] + [KerasTensor((1,), "float64")] * 4
    op = numkeras.ops.batch_normalization(syms[0], *syms[1:3], -1, *syms[3:]).node.layer
    out, cache = op.forward([x, *stats])
    grads = op.backward(cache, np.ones_like(out))
    for i, s in enumerate(stats):
        step = np.zeros(1) + 1e-6
        args = [x, *stats]
        up = [*args[: i + 1], s + step, *args[i + 2 :]]
        down = [*args[: i + 1], s - step, *args[i + 2 :]]
        numeric = (op.forward(up)[0].sum() - op.forward(down)[0].sum()) / 2e-6
        assert grads[i + 1].shape == (1,)
        np.testing.assert_allclose(grads[i + 1], [numeric], rtol=1e-5)
