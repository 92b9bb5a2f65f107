"""Shared helpers of test_conv.py and test_pooling.py: the goldens of
scripts/goldens/make_conv_pooling.py (real Keras 3, JAX backend) and a runner that puts a
numkeras layer through the same forward and backward pass."""

import json
import pathlib

import numpy as np

from numkeras import layers
from numkeras.models.config import as_json_types

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "conv_pooling.json").read_text())
TOL = dict(rtol=1e-5, atol=1e-6)


def cases(*classes):
    return [c for c in GOLD["eager"] if c["class"] in classes]


def shape_cases(*classes):
    return [c for c in GOLD["shapes"] if c["class"] in classes]


def run(case, dtype="float32"):
    """`(layer, x, output, grad_x, weight grads)` of numkeras on a golden case: the output
    of `layer(x)`, and `forward` / `backward` with the case's cotangent."""
    layer = getattr(layers, case["class"])(**case["kwargs"])
    x = np.array(case["x"], dtype).reshape(case["x_shape"])
    layer.build(x.shape)
    if case["weights"]:
        layer.set_weights(
            [np.array(w, dtype).reshape(v.shape) for w, v in zip(case["weights"], layer.weights)]
        )
    y = layer(x)
    r = np.array(case["r"], dtype).reshape(y.shape)
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, dtype))
    y2, cache = layer.forward(x)
    np.testing.assert_array_equal(y2, y)
    dx = layer.backward(cache, r.copy())
    grads = [v.grad for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)
    return layer, x, y, dx, grads


def check_against_keras(case):
    layer, x, y, dx, grads = run(case)
    assert y.dtype == np.float32 and dx.dtype == np.float32
    assert list(y.shape) == case["output_shape"]
    assert tuple(y.shape) == tuple(layer.compute_output_shape(x.shape))
    close(y, case["output"])
    assert dx.shape == x.shape
    close(dx, case["grad_x"])
    assert len(grads) == len(case["grad_weights"])
    for g, want in zip(grads, case["grad_weights"]):
        assert g.dtype == np.float32
        close(g, want)


def close(got, want) -> None:
    """float32 sums of products (a convolution, its gradients) round to about 1e-7 of their
    largest terms, so the absolute tolerance scales with the values' size; the order of the
    sums differs with the fused kernels on or off and between NumPy and XLA."""
    want = np.asarray(want, "float64")
    scale = max(1.0, float(np.abs(want).max())) if want.size else 1.0
    np.testing.assert_allclose(np.ravel(got), want, rtol=TOL["rtol"], atol=TOL["atol"] * scale)


def check_config(case):
    want = dict(case["config"])
    layer = getattr(layers, case["class"])(**case["kwargs"])
    got = as_json_types(layer.get_config())
    got.pop("name"), want.pop("name")
    assert got == want
    # Keras's config in, the same config out
    again = getattr(layers, case["class"]).from_config(case["config"])
    assert as_json_types(again.get_config()) == case["config"]


def check_symbolic_shape(case):
    import pytest

    from numkeras.errors import ShapeError
    from numkeras.layers import Input

    layer = getattr(layers, case["class"])(**case["kwargs"])
    inp = Input(batch_shape=tuple(case["batch_shape"]))
    if "error" in case:
        with pytest.raises(ShapeError, match=f"Layer '{layer.name}'"):
            layer(inp)
    else:
        assert list(layer(inp).shape) == case["output_shape"]


def numeric_check(layer, x, seed=0, check_weights=True):
    """Float64 finite differences of `sum(forward(x) * r)` against `backward`."""
    from numkeras.utils.gradcheck import numeric_gradient

    r = np.random.default_rng(seed).normal(size=layer.compute_output_shape(x.shape))
    params = layer.trainable_weights if check_weights else []
    for v in params:
        v.start_grad(np.zeros(v.shape))
    y, cache = layer.forward(x)
    assert y.dtype == np.float64
    dx = layer.backward(cache, r.copy())
    grads = [v.grad.copy() for v in params]
    for v in params:
        v.start_grad(None)

    def f():
        return float((layer.forward(x)[0] * r).sum())

    np.testing.assert_allclose(dx, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)
    for v, g in zip(params, grads):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)
