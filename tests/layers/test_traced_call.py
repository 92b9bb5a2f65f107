"""Layers and Lambdas written the Keras way (only `call`) train by tracing their call:
against Keras 3's training steps (tests/goldens/traced.json, scripts/goldens/make_traced.py),
against finite differences, and through Keras's file layout."""

import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers, ops
from numkeras.utils.gradcheck import numeric_gradient
from tests.layers.traced_models import CASES, define, make_loss

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "traced.json").read_text())
KERAS_FILE = pathlib.Path(__file__).parents[1] / "goldens" / "saving" / "keras_traced.keras"


def _optimizer(name):
    return numkeras.optimizers.Adam(0.01) if name == "adam" else numkeras.optimizers.SGD(0.05)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{m}-{lo}" for m, lo, _ in CASES])
def test_training_matches_keras(index):
    case = GOLD["cases"][index]
    numkeras.backend.clear_session(free_memory=False)
    defs = define(numkeras)
    model = defs["models"][case["model"]]()
    assert [w.path for w in model.weights] == case["weight_paths"]
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    x, y = np.array(case["x"], "float32"), np.array(case["y"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), case["prediction"], atol=1e-6)
    model.compile(optimizer=_optimizer(case["optimizer"]), loss=make_loss(case["loss"], defs))
    losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
    np.testing.assert_allclose(losses, case["losses"], rtol=1e-5, atol=1e-6)
    for got, want in zip(model.get_weights(), case["trained"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # (the losses a layer adds count in evaluation too, as Keras)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), case["evaluated"], rtol=1e-5)


def _check_layer_gradients(layer, inputs, rng, training=True):
    """forward/backward of `layer` against central differences of sum(out * r), float64."""
    arrays = inputs if isinstance(inputs, list) else [inputs]
    out = layer.call(inputs, training=training) if _takes_training(layer) else layer.call(inputs)
    outs = out if isinstance(out, list) else [out]
    rs = [rng.normal(size=o.shape) for o in outs]
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    got, cache = layer.forward(inputs, training=training)
    for g, o in zip(got if isinstance(got, list) else [got], outs):
        np.testing.assert_allclose(g, o, rtol=1e-12)
    gx = layer.backward(cache, [r.copy() for r in rs] if len(rs) > 1 else rs[0].copy())
    gw = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)

    def f():
        o = layer.call(inputs, training=training) if _takes_training(layer) else layer.call(inputs)
        return float(sum((a * r).sum() for a, r in zip(o if isinstance(o, list) else [o], rs)))

    for a, g in zip(arrays, gx if isinstance(inputs, list) else [gx]):
        np.testing.assert_allclose(g, numeric_gradient(f, a), rtol=1e-6, atol=1e-8)
    assert gw, "the layer has trainable weights"
    for v, g in zip(layer.trainable_weights, gw):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)


def _takes_training(layer):
    from numkeras.layers.layer import accepts

    return accepts(layer, "training")


@pytest.mark.parametrize("name", ["Linear", "Block", "Gate", "DoubledDense"])
def test_finite_differences(name, float64):
    rng = np.random.default_rng(3)
    defs = define(numkeras)
    layer = defs[name]() if name != "DoubledDense" else defs[name](3)
    x = rng.normal(size=(3, 4))
    layer(x)
    layer.set_weights([rng.normal(0, 0.7, w.shape) for w in layer.get_weights()])
    _check_layer_gradients(layer, x, rng)


def test_several_inputs_and_outputs_and_the_training_flag():
    class Mix(layers.Layer):
        def build(self, input_shape):
            self.k = self.add_weight(shape=(input_shape[0][-1], 2), initializer="ones")

        def call(self, inputs, training=False):
            a, b = inputs
            h = ops.matmul(a * b, self.k)
            if training:  # a Python branch on the flag: one trace per flag
                h = h * 0.5
            return [h, ops.sum(a, axis=-1, keepdims=True) * ops.max(self.k)]

    rng = np.random.default_rng(4)
    layer = Mix(dtype="float64")
    xs = [rng.normal(size=(3, 4)), rng.normal(size=(3, 4))]
    layer(xs)
    layer.set_weights([rng.normal(size=(4, 2))])
    _check_layer_gradients(layer, xs, rng, training=True)
    _check_layer_gradients(layer, xs, rng, training=False)
    out_train, _ = layer.forward(xs, training=True)
    out_infer, _ = layer.forward(xs, training=False)
    np.testing.assert_allclose(out_train[0], out_infer[0] * 0.5)
    a, b = layers.Input((4,)), layers.Input((4,))
    assert [t.shape for t in Mix()([a, b])] == [(None, 2), (None, 1)]


def test_output_shape_comes_from_the_trace_unless_the_layer_defines_it():
    defs = define(numkeras)
    model = numkeras.Sequential([numkeras.Input((4,)), defs["Linear"](7), layers.Dense(1)])
    assert model.layers[0].output.shape == (None, 7)  # not the input's shape

    class Declared(layers.Layer):
        def call(self, x):
            return ops.concatenate([x, x], axis=-1)

        def compute_output_shape(self, input_shape):
            return (input_shape[0], 2 * input_shape[1])

    assert Declared()(layers.Input((3,))).shape == (None, 6)


def test_a_numpy_call_predicts_but_training_through_it_says_why():
    class NumpyTanh(layers.Layer):
        def call(self, x):
            return np.tanh(x)[:, :2]

    model = numkeras.Sequential([numkeras.Input((4,)), layers.Dense(3), NumpyTanh()])
    assert model.output_shape == (None, 2)  # found by running call on dummy arrays
    x = np.ones((5, 4), "float32")
    assert model.predict(x, verbose=0).shape == (5, 2)
    model.compile("sgd", "mse")
    before = model.get_weights()
    with pytest.raises(NotImplementedError, match="cannot train through layer 'numpy_tanh'"):
        model.train_on_batch(x, np.zeros((5, 2)))
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_weight_read_as_a_numpy_copy_gets_a_warning():
    numkeras.backend.clear_session(free_memory=False)  # (the model's name is in the weights' paths)

    class Frozen(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w.numpy()

    model = numkeras.Sequential([numkeras.Input((3,)), layers.Dense(3), Frozen()])
    model.compile("sgd", "mse")
    with pytest.warns(
        UserWarning, match=r"Gradients do not exist for the weights \['sequential/frozen/"
    ):
        model.train_on_batch(np.ones((2, 3)), np.zeros((2, 3)))


def test_tracing_leaves_the_names_of_later_layers_alone():
    defs = define(numkeras)
    numkeras.backend.clear_session(free_memory=False)
    numkeras.Sequential([numkeras.Input((4,)), defs["Block"](), layers.Dense(1)]).compile(
        "sgd", "mse"
    )
    follower = numkeras.Sequential([numkeras.Input((4,)), layers.Dense(1)])
    assert follower.name == "sequential_1"
    assert follower.layers[0].name == "dense_2"  # block's d1 is 'dense', the last 'dense_1'
    assert numkeras.Input((2,)).node.layer.name == "input_layer_2"


def test_sublayers_are_tracked_as_keras_tracks_them():
    numkeras.backend.clear_session(free_memory=False)
    defs = define(numkeras)
    block = defs["Block"]()
    block(np.ones((2, 4), "float32"))
    assert [w.path for w in block.weights] == [
        "block/dense/kernel", "block/dense/bias", "block/linear/variable",
        "block/linear/variable_1",
    ]  # fmt: skip
    block.trainable = False
    assert block.trainable_weights == [] and not block.lin.trainable


def test_the_keras_file_loads_and_saves_with_keras_layout(tmp_path):
    case = GOLD["cases"][0]
    defs = define(numkeras)
    custom = {k: v for k, v in defs.items() if isinstance(v, type)}
    model = numkeras.models.load_model(KERAS_FILE, custom_objects=custom)
    x = np.array(case["x"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), case["prediction"], atol=1e-6)
    path = tmp_path / "m.keras"
    model.save(path)
    import zipfile

    import h5py

    with zipfile.ZipFile(path) as z, h5py.File(z.open("model.weights.h5")) as f:
        assert "layers/block/d1/vars/0" in f and "layers/block/lin/vars/1" in f
        assert len(f["layers/block/vars"]) == 0
    again = numkeras.models.load_model(path, custom_objects=custom)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_lambda_of_ops_trains_through():
    rng = np.random.default_rng(5)
    layer = layers.Lambda(lambda t: ops.square(t) * 0.5 + ops.abs(t), dtype="float64")
    x = rng.normal(size=(3, 4))
    out, cache = layer.forward(x)
    g = rng.normal(size=out.shape)
    gx = layer.backward(cache, g.copy())
    np.testing.assert_allclose(gx, g * (x + np.sign(x)), rtol=1e-12)


def test_a_numpy_lambda_after_trained_layers_says_why_and_changes_nothing():
    model = numkeras.Sequential(
        [
            numkeras.Input((4,)),
            layers.Dense(3),
            layers.Lambda(lambda t: np.tanh(t)),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    with pytest.raises(NotImplementedError, match="cannot be trained through.*could not be"):
        model.fit(np.ones((4, 4)), np.ones((4, 1)), verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.layers[0].trainable = False  # nothing trained before the Lambda: it trains
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(np.ones((4, 4)), np.ones((4, 1)), verbose=0)
    assert not np.array_equal(model.get_weights()[2], before[2])


def test_a_subclassed_keras_file_loads_and_saves_with_keras_layout(tmp_path):
    case = next(c for c in GOLD["cases"] if c["model"] == "subclassed")
    defs = define(numkeras)
    custom = {k: v for k, v in defs.items() if isinstance(v, type)}
    model = numkeras.models.load_model(
        KERAS_FILE.with_name("keras_subclassed.keras"), custom_objects=custom
    )
    assert isinstance(model, defs["Subclassed"])
    x = np.array(case["x"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), case["prediction"], atol=1e-6)
    path = tmp_path / "m.keras"
    model.save(path)
    import zipfile

    import h5py

    with zipfile.ZipFile(path) as z, h5py.File(z.open("model.weights.h5")) as f:
        # as Keras: by attribute name, and a list attribute's layers by class
        # (Keras walks attributes in sorted order, `layers` among them: 'norm' comes after)
        saved = set(_h5_names(f))
        assert {"hidden/vars/0", "heads/dense/vars/0", "heads/linear/vars/1"} <= saved
        assert "layers/batch_normalization/vars/3" in saved
        assert json.loads(z.read("config.json"))["build_config"] == {"input_shape": [None, 4]}
    again = numkeras.models.load_model(path, custom_objects=custom)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    again.compile("sgd", "mse")
    again.fit(x, np.zeros((6, 3)), verbose=0)  # and trains on


def _h5_names(f) -> list:
    names: list = []
    f.visit(names.append)
    return names


def test_a_subclassed_model_that_branches_on_training_says_so():
    class Branchy(numkeras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x, training=False):
            return self.dense(x) * 2.0 if training else self.dense(x)

    model = Branchy()
    x = np.ones((4, 3), "float32")
    assert model.predict(x, verbose=0).shape == (4, 2)  # its call runs as it is
    model.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="branches on `training` in Python"):
        model.fit(x, np.zeros((4, 2)), verbose=0)


def test_a_numpy_subclassed_model_predicts_but_training_says_why():
    class NumpyModel(numkeras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return np.tanh(self.dense(x))

    model = NumpyModel()
    x = np.ones((40, 3), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x), rtol=1e-6)
    model.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="cannot train subclassed model"):
        model.fit(x, np.zeros((40, 2)), verbose=0)


@pytest.mark.parametrize(
    "make",
    [
        lambda act: layers.Dense(3, activation=act),
        lambda act: layers.Conv1D(2, 2, activation=act),
        lambda act: layers.SimpleRNN(2, activation=act),
        lambda act: layers.Activation(act),
    ],
    ids=["dense", "conv1d", "simple_rnn", "activation"],
)
def test_an_activation_function_of_ops_trains_through(make, float64):
    rng = np.random.default_rng(6)
    layer = make(lambda t: ops.tanh(t) * ops.sigmoid(t) + ops.square(t) * 0.1)
    x = rng.normal(size=(3, 4, 3))
    layer(x)
    if layer.weights:
        layer.set_weights([rng.normal(0, 0.7, w.shape) for w in layer.get_weights()])
        _check_layer_gradients(layer, x, rng)
    else:
        out, cache = layer.forward(x)
        g = rng.normal(size=out.shape)
        gx = layer.backward(cache, g.copy())
        f = lambda: float((layer.call(x) * g).sum())  # noqa: E731
        np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-6, atol=1e-9)


def test_a_numpy_activation_predicts_but_says_why_it_cannot_train():
    model = numkeras.Sequential(
        [numkeras.Input((3,)), layers.Dense(2, activation=lambda t: np.maximum(t, 0))]
    )
    assert model.predict(np.ones((2, 3)), verbose=0).shape == (2, 2)
    model.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="activation '<lambda>' has no gradient"):
        model.train_on_batch(np.ones((2, 3)), np.zeros((2, 2)))


def test_a_subclassed_model_whose_trace_differs_from_its_call_is_refused():
    class Scaled(numkeras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            if isinstance(x, np.ndarray):  # a Python branch the trace takes the other way
                return self.dense(x) * 2.0
            return self.dense(x)

    model = Scaled()
    x = np.ones((4, 3), "float32")
    model.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="other values when traced"):
        model.fit(x, np.zeros((4, 2)), verbose=0)
    with pytest.raises(NotImplementedError, match="other values when traced"):
        model.fit(x, np.zeros((4, 2)), verbose=0)  # remembered, not traced again


def test_keras2_functional_add_loss_trains_as_the_layer_form():
    """The 2018 VAE script's `vae.add_loss(vae_loss)` on a functional model's tensors (Keras
    3 dropped it): it trains exactly as the same loss added by a layer in call."""
    defs = define(numkeras)
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(6, 4)).astype("float32"), rng.normal(size=(6, 2)).astype("float32")
    inp = numkeras.Input((4,))
    h = layers.Dense(3)(inp)
    functional = numkeras.Model(inp, layers.Dense(2)(h))
    functional.add_loss(0.1 * ops.mean(ops.square(h)))
    layered = defs["models"]["added_losses"]()
    layered.set_weights(functional.get_weights())
    for model in (functional, layered):
        model.compile(optimizer=numkeras.optimizers.SGD(0.05), loss="mse")
    for _ in range(3):
        got, want = functional.train_on_batch(x, y), layered.train_on_batch(x, y)
        np.testing.assert_allclose(got, want, rtol=1e-6)
    for a, b in zip(functional.get_weights(), layered.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(
        functional.evaluate(x, y, verbose=0), layered.evaluate(x, y, verbose=0), rtol=1e-6
    )


def test_a_model_with_only_an_added_loss_trains_without_targets():
    inp = numkeras.Input((4,))
    out = layers.Dense(4)(inp)
    model = numkeras.Model(inp, out)
    model.add_loss(ops.mean(ops.square(out - inp)))  # an autoencoder's loss, no `y`
    model.compile(optimizer=numkeras.optimizers.Adam(0.05))
    x = np.random.default_rng(9).normal(size=(32, 4)).astype("float32")
    history = model.fit(x, epochs=30, batch_size=8, verbose=0, validation_data=(x, None))
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert "val_loss" in history.history
    model(x[:2])
    assert len(model.losses) == 1  # the added loss of the last direct call, as Keras


def test_a_subclassed_model_trains_the_weights_its_own_call_uses():
    class Scaled(numkeras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(2,), initializer="ones", name="scale")

        def call(self, x):
            return self.dense(x) * self.scale

    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    model = Scaled()
    model.predict(x, verbose=0)  # (builds it: its call traced on the data's shape)
    assert [w.path for w in model.weights][0].endswith("scale")
    model.compile(optimizer=numkeras.optimizers.SGD(0.1), loss="mse")
    before = model.get_weights()
    model.train_on_batch(x, y)
    # the same step by hand: d mse / d scale = mean over rows of 2 (z * s - y) z / 2
    z = x @ before[1] + before[2]
    grad = (2 * (z * before[0] - y) * z).mean(axis=0) / 2
    np.testing.assert_allclose(model.get_weights()[0], before[0] - 0.1 * grad, rtol=1e-5)


def test_a_call_that_updates_state_runs_and_shape_inference_leaves_the_state_alone():
    class ComputeSum(layers.Layer):  # keras.io's "non-trainable weights" example
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

        def call(self, inputs):
            self.total.assign_add(ops.sum(inputs, axis=0))
            return self.total

    layer = ComputeSum(2)
    assert np.asarray(layer(np.ones((2, 2)))).tolist() == [2.0, 2.0]
    assert np.asarray(layer(np.ones((2, 2)))).tolist() == [4.0, 4.0]
    model = numkeras.Sequential([numkeras.Input((2,)), ComputeSum(2)])
    assert model.output_shape == (2,)  # (by running call on dummy arrays, then undone)
    assert not model.layers[0].total.numpy().any()


@pytest.mark.parametrize("axis,shape", [(-1, (3, 5, 4)), (1, (3, 4, 5)), (-1, (3, 6))])
def test_group_normalization_trains_through_its_traced_call(axis, shape, float64):
    rng = np.random.default_rng(11)
    layer = layers.GroupNormalization(groups=2, axis=axis, epsilon=1e-2)
    x = rng.normal(size=shape)
    layer(x)
    layer.set_weights([rng.normal(size=w.shape) for w in layer.get_weights()])
    _check_layer_gradients(layer, x, rng)


def test_group_normalization_config_and_file_round_trip(tmp_path):
    layer = layers.GroupNormalization(groups=2, epsilon=1e-2, center=False)
    model = numkeras.Sequential([numkeras.Input((5, 4)), layer])
    assert [w.name for w in model.weights] == ["gamma"]
    again = layers.GroupNormalization.from_config(layer.get_config())
    assert (again.groups, again.epsilon, again.center) == (2, 1e-2, False)
    model.save(tmp_path / "m.keras")
    x = np.random.default_rng(12).normal(size=(2, 5, 4))
    loaded = numkeras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="multiple of the number of channels"):
        layers.GroupNormalization(groups=3)(np.ones((2, 4)))


def test_a_layer_given_an_array_inside_a_traced_call_trains(float64):
    class TokenAndPositionEmbedding(layers.Layer):  # keras.io's text-transformer example
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            positions = self.pos_emb(ops.arange(start=0, stop=ops.shape(x)[-1], step=1))
            return self.token_emb(x) + positions

    rng = np.random.default_rng(13)
    layer = TokenAndPositionEmbedding(6, 20, 3)
    ids = rng.integers(0, 20, (4, 6)).astype("float64")
    layer(ids)
    r = rng.normal(size=(4, 6, 3))
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (no "gradients do not exist" for pos_emb)
        _, cache = layer.forward(ids)
    layer.backward(cache, r.copy(), need_input_grad=False)
    for v in layer.trainable_weights:
        numeric = numeric_gradient(lambda: float((layer.call(ids) * r).sum()), v.value)
        np.testing.assert_allclose(v.grad, numeric, rtol=1e-6, atol=1e-9)
        v.start_grad(None)


def test_operations_recorded_in_a_traced_call_take_no_names_from_the_program():
    """Keras runs a call symbolically without naming its ops: a user layer whose call adds
    and reshapes leaves the names 'add' and 'reshape' to the layers made after it."""
    numkeras.backend.clear_session(free_memory=False)

    class P(layers.Layer):
        def call(self, x):
            return ops.reshape(x + 1.0, (-1, 3))

    i = numkeras.Input((3,))
    h = P()(i)
    model = numkeras.Model(i, layers.Reshape((3,))(layers.Add()([h, h])))
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(np.ones((2, 3)), np.ones((2, 3)))  # (traces the call again)
    assert [la.name for la in model.layers] == ["input_layer", "p", "add", "reshape"]
    assert layers.Add().name == "add_1"
