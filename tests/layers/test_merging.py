"""Merge layers against Keras 3 (goldens from scripts/goldens/make_merging.py, JAX backend)
and their backward passes against finite differences (float64)."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import Dense, Input
from numkeras.models import Model
from numkeras.models.config import deserialize_layer, serialize_layer
from numkeras.utils.gradcheck import numeric_gradient

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "merging.json").read_text())
EAGER = {case["name"]: case for case in GOLDEN["eager"]}


def check_layer(layer, xs, eps=1e-6):
    """The layer's backward pass against finite differences of L = sum(output * r)."""
    layer(xs)  # builds (and checks the shapes)
    out, cache = layer.forward(xs)
    r = np.random.default_rng(0).normal(size=out.shape)
    grads = layer.backward(cache, r.copy())
    assert len(grads) == len(xs)
    for x, g in zip(xs, grads):
        assert g.shape == x.shape
        expected = numeric_gradient(lambda: float(np.sum(layer.call(xs) * r)), x, eps)
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
    return grads


def rand(*shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape)


# -- Keras's values -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EAGER))
def test_forward_and_gradients_match_keras(name):
    case = EAGER[name]
    layer = getattr(layers, case["class"])(**case["kwargs"])
    xs = [np.asarray(x, "float32") for x in case["inputs"]]
    np.testing.assert_allclose(layer(xs), case["output"], rtol=1e-5, atol=1e-6)
    out, cache = layer.forward(xs)
    grads = layer.backward(cache, np.asarray(case["r"], "float32"))
    for g, expected in zip(grads, case["grads"]):
        expected = np.asarray(expected)
        assert g.shape == expected.shape and g.dtype == np.float32
        # Keras's gradient for an all-zero sample under normalize=True is NaN (jax's rsqrt
        # at 0); ours is finite (see test_dot_normalize_of_a_zero_sample)
        known = np.isfinite(expected)
        assert np.isfinite(g).all()
        np.testing.assert_allclose(g[known], expected[known], rtol=1e-5, atol=2e-6)


def test_output_shapes_and_refusals_match_keras():
    for case in GOLDEN["shapes"]:
        layer = getattr(layers, case["class"])(**case["kwargs"])
        inputs = [Input(batch_shape=tuple(s)) for s in case["batch_shapes"]]
        if "error" in case:
            with pytest.raises(ShapeError):
                layer(inputs)
        else:
            expected = tuple(case["output_shape"])
            assert layer(inputs).shape == expected, case
            shapes = [tuple(s) for s in case["batch_shapes"]]
            assert layer.compute_output_shape(shapes) == expected, case


def test_configs_match_keras_and_round_trip_through_saving():
    elementwise = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
    made = {cls: getattr(layers, cls)(name="m") for cls in elementwise}
    made["Concatenate"] = layers.Concatenate(axis=0, name="m")
    made["Dot"] = layers.Dot(axes=(1, 2), normalize=True, name="m")
    made["Dot_int"] = layers.Dot(axes=-1, name="m")
    for key, layer in made.items():
        config = json.loads(json.dumps(layer.get_config()))  # as saved: tuples become lists
        assert config == GOLDEN["configs"][key], key
        # the saving code knows the class by its Keras name
        saved = json.loads(json.dumps(serialize_layer(layer)))
        assert saved["class_name"] == key.split("_")[0] and saved["module"] == "keras.layers"
        again = deserialize_layer(saved)
        assert type(again) is type(layer) and again.get_config() == config


# -- element-wise merges ----------------------------------------------------------------


@pytest.mark.parametrize("cls", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"])
@pytest.mark.parametrize(
    "shapes",
    [
        [(4, 5), (4, 1)],  # broadcast along the last axis
        [(3, 1, 4), (3, 2, 4)],
        [(3, 4), (3, 2, 4)],  # lower rank: expanded at axis 1 first
        [(2, 3, 1), (2, 1, 4), (2, 4)],
        [(3, 2)],
    ],
)
def test_elementwise_gradients_match_finite_differences(float64, cls, shapes):
    if cls == "Subtract" and len(shapes) != 2:
        with pytest.raises(ShapeError, match="exactly 2 inputs"):
            layers.Subtract()([rand(*s) for s in shapes])
        return
    xs = [rand(*s, seed=i) for i, s in enumerate(shapes)]
    check_layer(getattr(layers, cls)(), xs)


def test_elementwise_forward_values():
    a, b, c = rand(2, 3), rand(2, 1, 3, seed=2), rand(2, 4, 1, seed=3)
    ea = a[:, None]  # Keras expands the lower-rank input at axis 1
    np.testing.assert_allclose(layers.Add()([a, b, c]), ea + b + c, rtol=1e-6)
    np.testing.assert_allclose(layers.Subtract()([b, a]), b - ea, rtol=1e-6)
    np.testing.assert_allclose(layers.Multiply()([a, b, c]), ea * b * c, rtol=1e-6)
    np.testing.assert_allclose(layers.Average()([a, b, c]), (ea + b + c) / 3, rtol=1e-6)
    np.testing.assert_allclose(layers.Maximum()([a, b, c]), np.maximum(np.maximum(ea, b), c))
    np.testing.assert_allclose(layers.Minimum()([a, c]), np.minimum(ea, c))
    x = rand(3, 2)
    for cls in ("Add", "Multiply", "Average", "Maximum", "Minimum"):  # one input: itself
        np.testing.assert_allclose(getattr(layers, cls)()([x]), x, rtol=1e-6)


def test_maximum_and_minimum_split_ties_as_jax():
    one = np.ones((1, 2))
    for cls in (layers.Maximum, layers.Minimum):
        layer = cls()
        # folded pairwise as Keras: op(op(x0, x1), x2); a tie halves the gradient each time
        out, cache = layer.forward([one, one, one])
        grads = layer.backward(cache, np.ones((1, 2), "float32"))
        np.testing.assert_array_equal([g[0, 0] for g in grads], [0.25, 0.25, 0.5])
        # broadcast: the (1, 1) input ties with both entries of the other
        out, cache = layer.forward([np.ones((1, 1)), np.array([[1.0, 1.0]])])
        g0, g1 = layer.backward(cache, np.array([[2.0, 4.0]], "float32"))
        np.testing.assert_array_equal(g0, [[3.0]])
        np.testing.assert_array_equal(g1, [[1.0, 2.0]])
        # NaN: equal to neither side, so no gradient (jax's rule)
        out, cache = layer.forward([np.array([[np.nan]]), np.array([[1.0]])])
        grads = layer.backward(cache, np.ones((1, 1), "float32"))
        assert np.isnan(out).all() and [g.item() for g in grads] == [0.0, 0.0]


def test_shapes_that_do_not_broadcast_are_refused():
    # (3, 2) is expanded to (3, 1, 2), which does not fit (3, 2, 4)
    with pytest.raises(ShapeError, match=r"input 0 has \(3, 2, 4\), input 1 has \(3, 2\)"):
        layers.Multiply()([np.ones((3, 2, 4)), np.ones((3, 2))])
    with pytest.raises(ShapeError, match=r"input 2 has \(None, 3\)"):
        layers.Add()([Input((2, 1)), Input((1, 4)), Input((3,))])
    with pytest.raises(ShapeError, match="different batch sizes"):
        layers.Add()([np.ones((4, 5)), np.ones((1, 5))])
    with pytest.raises(ShapeError, match="different batch sizes"):
        layers.Maximum()([Input(batch_shape=(4, 5)), Input(batch_shape=(3, 5))])
    assert layers.Add()([Input(batch_shape=(4, 5)), Input(shape=(1,))]).shape == (4, 5)


def test_merges_refuse_what_is_not_a_list_of_inputs():
    with pytest.raises(ShapeError, match="list of inputs"):
        layers.Add()(np.ones((2, 3)))
    with pytest.raises(ShapeError, match="list of inputs"):
        layers.Add().compute_output_shape([])
    with pytest.raises(ShapeError, match="exactly 2 inputs"):
        layers.Subtract()([Input((3,))])


def test_backward_gives_each_input_its_own_array():
    x, col = np.ones((2, 3), "float32"), np.ones((2, 1), "float32")
    for layer in (layers.Add(), layers.Average(), layers.Subtract()):
        inputs = [x, x, col][: 2 if isinstance(layer, layers.Subtract) else 3]
        inputs[-1] = col
        out, cache = layer.forward(inputs)
        dy = np.ones(out.shape, "float32")
        grads = layer.backward(cache, dy)
        assert [g.shape for g in grads] == [i.shape for i in inputs]
        for i, g in enumerate(grads):  # the layers below may overwrite their gradients
            assert not any(np.shares_memory(g, h) for h in grads[i + 1 :])


# -- Concatenate(axis=0) --------------------------------------------------------------


def test_concatenate_along_the_batch_axis(float64):
    a, b = rand(2, 3), rand(4, 3, seed=2)
    np.testing.assert_array_equal(layers.Concatenate(axis=0)([a, b]), np.concatenate([a, b]))
    grads = check_layer(layers.Concatenate(axis=0), [a, b])
    assert not np.shares_memory(grads[0], grads[1])
    assert layers.Concatenate(axis=0)([Input((3,)), Input((3,))]).shape == (None, 3)
    with pytest.raises(ShapeError, match="match on every axis but 0"):
        layers.Concatenate(axis=0)([Input((3,)), Input((4,))])
    with pytest.raises(ShapeError, match="not an axis of rank-2 inputs"):
        layers.Concatenate(axis=2)([Input((3,)), Input((3,))])


# -- Dot ------------------------------------------------------------------------------


def batch_dot(x, y, a0, a1):
    """Keras's batch_dot written with einsum, for up to rank 4."""
    letters = "ijkl"
    xs = "b" + letters[: x.ndim - 1]
    ys = "b" + "mnop"[: y.ndim - 1]
    ys = ys[:a1] + xs[a0] + ys[a1 + 1 :]
    out = xs.replace(xs[a0], "") + ys[1:].replace(xs[a0], "")
    result = np.einsum(f"{xs},{ys}->{out}", x, y)
    return result[:, None] if result.ndim == 1 else result


@pytest.mark.parametrize(
    "axes, shapes, pair",
    [
        (1, [(4, 3), (4, 3)], (1, 1)),
        (-1, [(4, 3), (4, 3)], (1, 1)),
        ((1, 2), [(2, 3, 5), (2, 4, 3)], (1, 2)),
        (2, [(2, 3, 5), (2, 4, 5)], (2, 2)),
        ([-1, -2], [(2, 3, 5), (2, 5, 4)], (2, 1)),
        ((1, 2), [(2, 3), (2, 4, 3)], (1, 2)),
        ((1, 1), [(2, 3, 5), (2, 3)], (1, 1)),
        ((2, 1), [(2, 3, 4, 5), (2, 4, 3)], (2, 1)),
    ],
)
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_values_and_gradients(float64, axes, shapes, pair, normalize):
    x, y = rand(*shapes[0]), rand(*shapes[1], seed=2)
    layer = layers.Dot(axes=axes, normalize=normalize)
    nx = x / np.linalg.norm(x, axis=pair[0], keepdims=True) if normalize else x
    ny = y / np.linalg.norm(y, axis=pair[1], keepdims=True) if normalize else y
    expected = batch_dot(nx, ny, *pair)
    np.testing.assert_allclose(layer([x, y]), expected, rtol=1e-10)
    assert (
        layer.compute_output_shape([(None, *s[1:]) for s in shapes]) == (None,) + expected.shape[1:]
    )
    check_layer(layer, [x, y])


def test_dot_normalize_of_a_zero_sample(float64):
    # the norm is clamped at epsilon: near 0, normalize(x) = x / 1e-7 exactly, so its true
    # derivative is finite (Keras on jax gives NaN there)
    x, y = rand(3, 4), rand(3, 4, seed=2)
    x[0] = 0.0
    layer = layers.Dot(axes=1, normalize=True)
    out = layer([x, y])
    assert out[0, 0] == 0.0
    check_layer(layer, [x[1:], y[1:]])  # the other samples
    out, cache = layer.forward([x, y])
    r = np.random.default_rng(0).normal(size=out.shape)
    gx = layer.backward(cache, r.copy())[0]
    assert np.isfinite(gx).all() and np.abs(gx[0]).max() > 1e5
    # within 1e-7 of 0 the clamp holds, so tiny steps measure the derivative there
    expected = numeric_gradient(lambda: float(np.sum(layer.call([x, y]) * r)), x, eps=1e-10)
    np.testing.assert_allclose(gx[0], expected[0], rtol=1e-6)


def test_dot_in_a_model_trains_through_dense_layers(float64):
    a, b = Input((3,)), Input((2, 3))
    ha = Dense(4, activation="tanh")(a)
    hb = Dense(4)(b)
    cos = layers.dot([hb, ha], axes=(2, 1), normalize=True)  # (None, 2)
    peak = layers.maximum([cos, layers.Dense(1)(ha)])  # (None, 2) with (None, 1)
    model = Model([a, b], layers.concatenate([peak, cos], axis=0))
    assert model.output_shape == (None, 2)
    xs = [rand(3, 3), rand(3, 2, 3, seed=2)]
    out = model(xs)
    assert out.shape == (6, 2)
    rng = np.random.default_rng(0)
    r = rng.normal(size=out.shape)
    caches = [None] * len(model._steps)
    for v in model.weights:
        v.start_grad(np.zeros(v.shape))
    model._run(xs, training=True, caches=caches)
    gin = model._backward(caches, [r.copy()], need_input_grads=True)
    grads = [np.array(v.grad) for v in model.weights]
    for v in model.weights:
        v.start_grad(None)

    def loss():
        return float(np.sum(model._run(xs, training=True)[0] * r))

    for x, g in zip(xs, gin):
        np.testing.assert_allclose(g, numeric_gradient(loss, x), rtol=1e-5, atol=1e-8)
    for v, g in zip(model.weights, grads):
        np.testing.assert_allclose(g, numeric_gradient(loss, v.value), rtol=1e-5, atol=1e-8)


def test_dot_refuses_bad_axes_and_inputs():
    for bad in ("1", (1,), (1, 2, 3), (1, 2.0), None):
        with pytest.raises(ConfigError, match="`axes`"):
            layers.Dot(axes=bad)
    x = np.ones((2, 3))
    with pytest.raises(ShapeError, match="axis 0 is the batch"):
        layers.Dot(axes=0)([x, x])
    with pytest.raises(ShapeError, match="axis 0 is the batch"):
        layers.Dot(axes=2)([x, x])
    with pytest.raises(ShapeError, match="exactly 2 inputs"):
        layers.Dot(axes=1)([x, x, x])
    with pytest.raises(ShapeError, match="rank 2 or more"):
        layers.Dot(axes=-1)([np.ones(3), np.ones(3)])
    with pytest.raises(ShapeError, match="different batch sizes"):
        layers.Dot(axes=1)([x, np.ones((3, 3))])
    with pytest.raises(ShapeError, match=r"same size.*\(3 != 4\)"):
        layers.Dot(axes=1)([Input((3,)), Input((4,))])


# -- the lowercase functional forms ------------------------------------------------------


def test_functional_helpers_are_exported_and_build_the_layer():
    a, b = rand(2, 3).astype("float32"), rand(2, 3, seed=2).astype("float32")
    for fn, cls in [
        ("add", "Add"),
        ("subtract", "Subtract"),
        ("multiply", "Multiply"),
        ("average", "Average"),
        ("maximum", "Maximum"),
        ("minimum", "Minimum"),
    ]:
        assert fn in layers.__all__ and cls in layers.__all__
        np.testing.assert_array_equal(getattr(layers, fn)([a, b]), getattr(layers, cls)()([a, b]))
    assert {"Dot", "dot", "concatenate"} <= set(layers.__all__)
    np.testing.assert_array_equal(layers.concatenate([a, b], axis=0), np.concatenate([a, b]))
    np.testing.assert_allclose(
        layers.dot([a, b], axes=1), np.sum(a * b, axis=1, keepdims=True), rtol=1e-6
    )
    # kwargs reach the layer; symbolic inputs give a symbolic output
    out = layers.dot([Input((3,)), Input((3,))], axes=1, normalize=True, name="cos")
    assert out.shape == (None, 1)
    assert isinstance(out.node.layer, layers.Dot)
    assert out.node.layer.name == "cos" and out.node.layer.normalize
