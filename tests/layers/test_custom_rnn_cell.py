"""Custom RNN cells written the Keras way (keras.io's MinimalRNNCell and variants) in
`RNN(cell)`: forwards against real Keras 3 (tests/goldens/rnn_cells.json, from
scripts/goldens/make_rnn_cells.py), gradients by finite differences in float64 (inputs,
initial states, every weight), `fit` against Keras, and the refusals. The helpers here
are shared with test_stacked_rnn_cells.py."""

import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers, ops
from numkeras.errors import ConfigError, ShapeError
from numkeras.utils.gradcheck import numeric_gradient

GOLDEN = json.loads(
    (pathlib.Path(__file__).resolve().parents[1] / "goldens" / "rnn_cells.json").read_text()
)
CASES = {c["name"]: c for c in GOLDEN["cases"]}


class MinimalRNNCell(layers.Layer):  # keras.io, "Writing a custom RNN cell"
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel"
        )

    def call(self, inputs, states):
        prev_output = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = h + ops.matmul(prev_output, self.recurrent_kernel)
        return output, [output]


class TwoStateCell(layers.Layer):
    """Two states (a tuple state_size), an output of its own size, and initial states."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.state_size = (3, 2)
        self.output_size = 4

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 3), name="w")
        self.u = self.add_weight(shape=(3, 2), name="u")
        self.v = self.add_weight(shape=(5, 4), name="v")

    def get_initial_state(self, batch_size=None):
        return [ops.ones((batch_size, 3), dtype=self.dtype) * 0.5, ops.zeros((batch_size, 2))]

    def call(self, inputs, states):
        a, b = states
        a2 = ops.tanh(ops.matmul(inputs, self.w) + a)
        b2 = ops.sigmoid(ops.matmul(a2, self.u)) * b + ops.sin(ops.matmul(a, self.u))
        out = ops.matmul(ops.concatenate([a2, b2], axis=-1), self.v)
        return out, [a2, b2]


class DoubledLSTMCell(layers.LSTMCell):
    """A built-in cell subclass with its own call."""

    def call(self, inputs, states, training=False):
        out, new = super().call(inputs, states, training=training)
        return out * 2.0, new


CELLS = {"MinimalRNNCell": MinimalRNNCell, "TwoStateCell": TwoStateCell}
CELLS["DoubledLSTMCell"] = DoubledLSTMCell


def make_cell(spec, dtype="float32"):
    kind, kw = spec
    cls = CELLS.get(kind) or getattr(layers, kind)
    return cls(dtype=dtype, **kw)


def build_case(case, dtype="float32"):
    """(layer with Keras's weights, inputs, mask) for a golden case."""
    numkeras.backend.clear_session(free_memory=False)  # (automatic names as Keras's, from zero)
    cells = [make_cell(s, dtype) for s in case["cells"]]
    layer = layers.RNN(cells if case["stacked"] else cells[0], dtype=dtype, **case["kwargs"])
    x = np.asarray(case["x"], dtype)
    layer.build(x.shape)
    layer.set_weights([np.asarray(w, dtype) for w in case["weights"]])
    states = [np.asarray(s, dtype) for s in case["states"]]
    mask = None if case["mask"] is None else np.asarray(case["mask"], bool)
    return layer, ([x, *states] if states else x), mask


def check_forward(name):
    case = CASES[name]
    layer, inputs, mask = build_case(case)
    x, states = (inputs[0], inputs[1:]) if isinstance(inputs, list) else (inputs, None)
    kw = {"mask": mask} if mask is not None else {}
    out = layer(x, initial_state=states, **kw)
    outs = _flat(out)  # (a stacked cell's states come back nested per cell, as Keras's)
    assert len(outs) == len(case["outputs"])
    for o, ref in zip(outs, case["outputs"]):
        assert o.dtype == np.float32
        np.testing.assert_allclose(o, ref, rtol=1e-5, atol=1e-5)
    # training's forward (the traced step for custom cells) gives the same values
    fwd, _ = layer.forward(inputs, training=True, **kw)
    for o, ref in zip(fwd if isinstance(fwd, list) else [fwd], case["outputs"]):
        np.testing.assert_allclose(o, ref, rtol=1e-5, atol=1e-5)
    assert [v.path for v in layer.weights] == case["weight_paths"]
    shapes = layer.compute_output_shape(
        [tuple(t.shape) for t in inputs] if isinstance(inputs, list) else x.shape
    )
    shapes = _flat(shapes) if isinstance(shapes[0], tuple) else [shapes]
    assert [tuple(s) for s in shapes] == [np.shape(o) for o in case["outputs"]]
    return layer


def _flat(out) -> list:
    """A call's outputs (or their shapes), with nested lists of states flattened."""
    if not isinstance(out, (list, tuple)) or not isinstance(out[0], (list, tuple, np.ndarray)):
        return [out]
    return [o for item in out for o in (item if isinstance(item, list) else [item])]


def check_gradients(name, seed=0):
    """Forward/backward of `sum(out_k * r_k)` against central differences in float64:
    the inputs, every initial state and every weight."""
    case = CASES[name]
    layer, inputs, mask = build_case(case, "float64")
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.get_weights()])
    kw = {"mask": mask} if mask is not None else {}
    out = layer.call(inputs, training=True, **kw)
    outs = out if isinstance(out, (list, tuple)) else [out]
    rs = [rng.normal(0, 1, o.shape) for o in outs]
    weights = layer.trainable_weights
    for v in weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    fwd, cache = layer.forward(inputs, training=True, **kw)
    g = [r.copy() for r in rs] if isinstance(fwd, list) else rs[0].copy()
    gx = layer.backward(cache, g)
    gw = [v.grad.copy() for v in weights]
    for v in weights:
        v.start_grad(None)

    def f():
        o = layer.call(inputs, training=True, **kw)
        o = o if isinstance(o, list) else [o]
        return float(sum((a * r).sum() for a, r in zip(o, rs)))

    arrays = inputs if isinstance(inputs, list) else [inputs]
    gxs = gx if isinstance(inputs, list) else [gx]
    assert len(gxs) == len(arrays)
    for a, g_ in zip(arrays, gxs):
        np.testing.assert_allclose(g_, numeric_gradient(f, a), rtol=1e-6, atol=1e-8)
    assert len(gw) == len(case["weights"])
    for v, g_ in zip(weights, gw):
        np.testing.assert_allclose(g_, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)
        assert np.abs(g_).max() > 0  # every weight is reached


def check_fit(entry):
    """Weights after Keras's 2 SGD steps (batch 2, mse) of `RNN(cells)` + Dense(1)."""
    cells = [make_cell(s) for s in entry["cells"]]
    model = numkeras.Sequential(
        [
            layers.Input((4, 3)),
            layers.RNN(cells if entry["stacked"] else cells[0]),
            layers.Dense(1),
        ]
    )
    model.set_weights([np.asarray(w, "float32") for w in entry["initial"]])
    model.compile(optimizer=numkeras.optimizers.SGD(0.1), loss="mse")
    x, y = np.asarray(entry["x"], "float32"), np.asarray(entry["y"], "float32")
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    for w, ref in zip(model.get_weights(), entry["after"]):
        np.testing.assert_allclose(w, ref, rtol=1e-5, atol=1e-6)
    return model


CUSTOM = [c["name"] for c in GOLDEN["cases"] if not c["stacked"]]


@pytest.mark.parametrize("name", CUSTOM)
def test_forward_matches_keras(name):
    check_forward(name)


@pytest.mark.parametrize("name", CUSTOM)
def test_gradients_finite_differences_float64(name):
    check_gradients(name)


def test_fit_matches_keras():
    entry = next(e for e in GOLDEN["fit"] if not e["stacked"])
    model = check_fit(entry)
    assert model.predict(np.asarray(entry["x"], "float32"), verbose=0).shape == (4, 1)


class ConfigCell(MinimalRNNCell):
    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_functional_graph_and_config_round_trip(tmp_path):
    inp = layers.Input((4, 3))
    out, h = layers.RNN(ConfigCell(3), return_state=True)(inp)
    model = numkeras.Model(inp, [out, h])
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    a, b = model.predict(x, verbose=0)
    np.testing.assert_allclose(a, b)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = numkeras.models.load_model(path, custom_objects={"ConfigCell": ConfigCell})
    np.testing.assert_allclose(loaded.predict(x, verbose=0)[0], a, rtol=1e-6)


def test_cell_with_a_sublayer_and_stateful():
    class DenseCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.state_size = units
            self.dense = layers.Dense(units, activation="tanh")

        def call(self, inputs, states):
            h = self.dense(ops.concatenate([inputs, states[0]], axis=-1))
            return h, [h]

    layer = layers.RNN(DenseCell(2), stateful=True)
    x = np.random.default_rng(1).normal(size=(2, 3, 2)).astype("float32")
    y1 = layer(x)
    where = f"{layer.name}/{layer.cell.name}/{layer.cell.dense.name}"
    assert [v.path for v in layer.weights] == [f"{where}/kernel", f"{where}/bias"]
    y2 = layer(x)  # starts from the last call's states
    assert not np.allclose(y1, y2)
    layer.reset_states()
    np.testing.assert_allclose(layer(x), y1, rtol=1e-6)
    # the gradient reaches the inner Dense
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    _, cache = layer.forward(x)
    layer.backward(cache, np.ones((2, 2), "float32"))
    assert all(np.abs(v.grad).max() > 0 for v in layer.trainable_weights)
    for v in layer.trainable_weights:
        v.start_grad(None)


def test_untraceable_cell_predicts_but_training_is_refused_clearly():
    class NumpyCell(layers.Layer):
        state_size = 2

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")

        def call(self, inputs, states):
            h = np.tanh(np.asarray(inputs) @ np.asarray(self.w.value)) + states[0]
            return h, [h]

    layer = layers.RNN(NumpyCell())
    x = np.ones((1, 3, 2), "float32")
    assert layer(x).shape == (1, 2)  # inference runs the call itself
    with pytest.raises(NotImplementedError, match="numpy_cell.*call\\(inputs, states\\)"):
        layer.forward(x)


def test_errors():
    with pytest.raises(ConfigError, match="state_size"):
        layers.RNN(layers.Dense(2))

    class NoState(layers.Layer):
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ConfigError, match="state_size"):
        layers.RNN(NoState())

    class BadSize(layers.Layer):
        state_size = "four"

        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ConfigError, match="integer"):
        layers.RNN(BadSize())

    class NestedShapes(layers.Layer):  # keras.io's Keras 2 NestedCell: refused, as Keras 3
        state_size = [(3,), (2, 2)]

        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ConfigError, match="not supported"):
        layers.RNN(NestedShapes())

    class WrongStates(layers.Layer):
        state_size = [2, 2]

        def call(self, inputs, states):
            h = ops.tanh(inputs[:, :2] + states[0])
            return h, [h]

    with pytest.raises(ShapeError, match="state_size"):
        layers.RNN(WrongStates()).forward(np.ones((1, 2, 2), "float32"))
    with pytest.raises(ShapeError, match="state_size"):
        layers.RNN(WrongStates())(np.ones((1, 2, 2), "float32"))


def test_unused_weight_warns():
    class Unused(MinimalRNNCell):
        def build(self, input_shape):
            super().build(input_shape)
            self.extra = self.add_weight(shape=(2,), name="extra")

    layer = layers.RNN(Unused(2))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        layer.forward(np.ones((1, 2, 3), "float32"))
    assert any("extra" in str(m.message) for m in w)


def test_custom_cell_holding_a_built_in_cell_trains_it():
    class Wrapped(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = layers.LSTMCell(2, dtype=self.dtype)
            self.state_size = [2, 2]

        def call(self, inputs, states, training=None):
            out, new = self.inner(inputs, states, training=training)
            return ops.relu(out), new

    numkeras.backend.clear_session(free_memory=False)
    layer = layers.RNN(Wrapped(dtype="float64"), dtype="float64", return_state=True)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 2))
    out, h, c = layer(x)
    ref = layers.RNN(layers.LSTMCell(2, dtype="float64"), dtype="float64", return_state=True)
    ref(x)
    ref.set_weights(layer.get_weights())
    r_out, r_h, r_c = ref(x)
    np.testing.assert_allclose(out, np.maximum(r_out, 0))
    np.testing.assert_allclose(c, r_c)
    assert [v.path for v in layer.weights][0] == "rnn/wrapped/lstm_cell/kernel"
    rs = [rng.normal(size=o.shape) for o in (out, h, c)]
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    _, cache = layer.forward(x)
    gx = layer.backward(cache, [r.copy() for r in rs])
    grads = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)

    def f():
        return float(sum((o * r).sum() for o, r in zip(layer.call(x), rs)))

    np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)
    for v, g in zip(layer.trainable_weights, grads):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)


def test_stateful_custom_cell_starts_from_its_initial_states():
    layer = layers.RNN(TwoStateCell(), stateful=True, return_state=True)
    x = np.random.default_rng(2).normal(size=(2, 3, 3)).astype("float32")
    layer.build(x.shape)
    np.testing.assert_array_equal(layer.states[0], np.full((2, 3), 0.5, "float32"))
    first = layer(x)
    np.testing.assert_allclose(layer.states[1], first[2])
    fresh = layers.RNN(TwoStateCell(), return_state=True)
    fresh.build(x.shape)
    fresh.set_weights(layer.get_weights())
    for a, b in zip(first, fresh(x)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
