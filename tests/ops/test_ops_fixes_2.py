"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py, seeds 100 and up) and its notes found
numkeras doing differently from Keras 3's `keras.ops`, as minimal scenarios (goldens from
scripts/goldens/make_ops_fixes_2.py): NaN and inf kept local by the adaptive pools,
nearest resizing and the Gaussian blur, norms of empty matrices, integers to negative
powers, `roll`'s symbolic axis check, the dtypes of pools of integers, and loops over a
model's unknown batch axis (traced and looped, training as the unrolled ones)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras import ops

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("ops_fixes_2")
SCRIPT = scenario_script("make_ops_fixes_2")


def _caught(got, want):
    """`got` with each error's classes as Keras's where an `except` naming any of Keras's
    catches it (numkeras's errors subclass more built-in types than Keras's)."""
    if isinstance(want, dict) and isinstance(got, dict):
        if "raises" in want and "raises" in got and set(want["raises"]) <= set(got["raises"]):
            return want
        return {k: _caught(v, want.get(k)) for k, v in got.items()}
    return got


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_ops_fixes_2_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(_caught(got, GOLD[name]), GOLD[name], rtol=1e-5, atol=1e-6, where=name)


def test_adaptive_average_pool_gradient_is_the_mean_spread():
    # (the forward pass sums each bin; the backward pass still spreads its mean evenly)
    layer = numkeras.layers.AdaptiveAveragePooling1D(3)
    x = np.arange(5.0, dtype="float32").reshape(1, 5, 1)
    out, cache = layer.forward(x)
    np.testing.assert_allclose(np.ravel(out), [0.5, 2.0, 3.5])
    grad = layer.backward(cache, np.ones_like(out))
    np.testing.assert_allclose(np.ravel(grad), [0.5, 0.5 + 1 / 3, 1 / 3, 1 / 3 + 0.5, 0.5])


def test_gaussian_blur_gradient_is_the_transposed_blur():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 4, 5, 2)).astype("float32")
    g = rng.normal(size=x.shape).astype("float32")
    y = ops.image.gaussian_blur(numkeras.KerasTensor(x.shape), (4, 3), (1.0, 0.7), "channels_last")
    op = y.node.layer
    out, cache = op.forward([x])
    (gx,) = op.backward(cache, g)
    # <blur(x), g> == <x, blur^T(g)>
    np.testing.assert_allclose(np.sum(out * g), np.sum(x * gx), rtol=1e-5)


def _loop_model(batch, kind):
    x = numkeras.Input((3,), batch_size=batch)
    h = numkeras.layers.Dense(3)(x)
    if kind == "map":
        h = ops.map(lambda r: ops.sum(r) * r, h)
    elif kind == "scan":
        c, h = ops.scan(
            lambda c, r: (c * 0.5 + r, ops.sin(c) * r), ops.zeros((3,)), h, reverse=True
        )
        h = h + c
    else:
        h = ops.associative_scan(lambda a, b: (a[0] + b[0], a[1] * b[1]), (h, h * 0.5))[1]
    model = numkeras.Model(x, numkeras.layers.Dense(1)(h))
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=numkeras.optimizers.SGD(0.01), loss="mse")
    return model


@pytest.mark.parametrize("kind", ["map", "scan", "associative_scan"])
def test_loops_over_the_batch_axis_train_as_unrolled_ones(kind):
    # over an unknown batch axis the step is traced and looped; with a known batch size
    # the loop unrolls into the graph: the same gradients
    x = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    y = np.ones((4, 1), "float32")
    traced, unrolled = _loop_model(None, kind), _loop_model(4, kind)
    for model in (traced, unrolled):  # (no shuffling: a scan over the batch sees its order)
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(traced.get_weights(), unrolled.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert traced.get_weights()[0].tolist() != _loop_model(None, kind).get_weights()[0].tolist()
