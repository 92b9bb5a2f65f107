"""More keras.io code examples against Keras 3 (their Keras 3 versions, the model and
training code as written): text classification with a Transformer block, PointNet (an
ops regularizer as activity regularizer, the T-net's Dot), ConvMixer (AdamW, a best-only
weights checkpoint loaded back), the mixture density network recipe (a layer overriding
`trainable_weights`), MLP-Mixer / FNet (`ops.fft2` inside a trained layer) / gMLP, the
compact convolutional transformer, attention-based multiple-instance learning (a layer
taking and giving lists, class weights), PixelCNN, the character-level LSTM seq2seq
(saved, reloaded, inference models rebuilt from its layers), the miniature GPT
(`loss=[loss_fn, None]` with one target array), 3D image classification (Conv3D, a
learning-rate schedule, `run_eagerly`), traffic forecasting (a graph convolution feeding
an LSTM), NER with a Transformer (a subclassed model, a custom loss masking an unreduced
SparseCategoricalCrossentropy), gated residual networks with variable selection (dict
inputs), neural decision forests (subclassed models as layers of a functional model) and
mixup (initial weights saved and loaded back).

The scenarios live in scripts/goldens/make_keras_io_examples_3.py (functions of the
`keras` module, the examples' code at a reduced size on synthetic data, weights from a
fixed RNG); the goldens (tests/goldens/keras_io_examples_3.json) are what Keras 3.15
returned on JAX (on torch for the miniature GPT, which JAX cannot trace). Numbers are
compared to float32 training noise.
"""

import json

import numpy as np
import pytest

import numkeras

from ..differential import (
    assert_json_close,
    goldens,
    pop_path,
    run_scenario,
    scenario_params,
    scenario_script,
)

GOLD = goldens("keras_io_examples_3")
SCRIPT = scenario_script("make_keras_io_examples_3")

# (Conv3D over 46x46x46 volumes, the least the example's four blocks take: ~13 s here)
SLOW = {"image_classification_3d"}

MISSING: dict[str, str] = {}

# Compared loosely (values within 5%): PointNet's Conv1D / Dense biases feed
# BatchNormalization, which cancels them, so their gradients are rounding noise that Adam
# scales up to learning-rate-sized steps, differently in each library (Keras on JAX moves
# them as much as numkeras does); the moving means follow those biases, so the inference
# values (validation loss, predictions, the regularizer's penalty) carry that noise too,
# while the training loss does not
LOOSE = {"pointnet": ["history.val_loss", "evaluate", "losses", "predict"]}


@pytest.mark.parametrize("name", scenario_params(sorted(SCRIPT.SCENARIOS), SLOW, MISSING))
def test_keras_io_example_matches_keras(name):
    got, want = run_scenario(SCRIPT, name), json.loads(json.dumps(GOLD[name]))
    for key in LOOSE.get(name, []):
        assert_json_close(pop_path(got, key), pop_path(want, key), rtol=5e-2, atol=2e-2, where=key)
    assert_json_close(got, want, rtol=2e-3, atol=2e-4, where=name)


def _three_outputs():
    numkeras.utils.clear_session(free_memory=False)
    layers = numkeras.layers
    i = numkeras.Input((3,))
    outs = [layers.Dense(2, name="a")(i), layers.Dense(1, name="b")(i)]
    model = numkeras.Model(i, outs + [layers.Dense(2, name="c")(i)])
    model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
    return model, np.arange(12, dtype="float32").reshape(4, 3) / 10


def test_targets_only_for_the_outputs_compiled_with_a_loss():
    # Keras 3 (JAX) pairs the targets given with the outputs whose loss is not None, in
    # order, when there are fewer targets than outputs (values from Keras 3.15)
    model, x = _three_outputs()
    model.compile("sgd", loss=["mse", None, "mae"])
    got = model.evaluate(x, [np.ones((4, 2)), np.zeros((4, 2))], verbose=0)
    np.testing.assert_allclose(got, [0.81535, 0.55035, 0.265], atol=1e-5)
    model.compile("sgd", loss=[None, "mse", None])
    np.testing.assert_allclose(model.evaluate(x, np.ones((4, 1)), verbose=0), 0.55035, atol=1e-5)
    history = model.fit(x, [np.ones((4, 1))], verbose=0, shuffle=False).history
    np.testing.assert_allclose(history["loss"], [0.55035], atol=1e-5)
    with pytest.raises(ValueError):  # neither one per output nor one per loss
        model.compile("sgd", loss=["mse", None, "mae"])
        model.evaluate(x, [np.ones((4, 2))], verbose=0)


def test_traffic_forecasting_single_step_targets_are_refused_not_broadcast():
    # With multi_horizon=False the keras.io example trains (batch, 3, nodes) predictions
    # against (batch, 1, nodes) targets, which Keras's MSE broadcasts; numkeras refuses
    # targets that line up only by broadcasting (README), so the scenario uses
    # multi_horizon=True
    numkeras.utils.clear_session(free_memory=False)
    i = numkeras.Input((4,))
    model = numkeras.Model(i, numkeras.layers.Reshape((3, 5))(numkeras.layers.Dense(15)(i)))
    model.compile("rmsprop", numkeras.losses.MeanSquaredError())
    with pytest.raises(ValueError):
        model.fit(np.ones((8, 4)), np.ones((8, 1, 5)), verbose=0)


# ---- PixelCNN's masked kernel: `weight.assign(weight * mask)` inside a traced call -------


def _masked_model(conv: bool):
    """A layer that masks a weight with `assign` in `call` before using it (PixelCNN's
    PixelConvLayer; `conv`: through a Conv2D it holds, else through ops on its own weight)."""
    numkeras.utils.clear_session(free_memory=False)
    layers, ops = numkeras.layers, numkeras.ops

    class Masked(layers.Layer):
        def build(self, input_shape):
            if conv:
                self.conv = layers.Conv2D(2, 3, padding="same", activation="tanh")
                self.conv.build(input_shape)
                self.w = self.conv.kernel
            else:
                self.w = self.add_weight(shape=(input_shape[-1], 3), initializer="ones")
            self.mask = np.zeros(tuple(self.w.shape))
            self.mask[: self.w.shape[0] // 2 + 1] = 1.0  # (float64, as PixelCNN's mask)
            self.mask[..., 0] = 1.0

        def call(self, x):
            self.w.assign(self.w * self.mask)
            return self.conv(x) if conv else ops.tanh(x @ self.w)

    layer = Masked()
    shape = (4, 4, 2) if conv else (3,)
    i = numkeras.Input(shape)
    model = numkeras.Model(i, layer(i))
    rng = np.random.default_rng(3)
    layer.w.assign(rng.normal(size=tuple(layer.w.shape)).astype("float32"))
    x = rng.normal(size=(5, *shape)).astype("float32")
    y = rng.normal(size=tuple(model(x).shape)).astype("float32")
    layer.w.assign(rng.normal(size=tuple(layer.w.shape)).astype("float32"))  # (unmasked)
    return model, layer, x, y


@pytest.mark.parametrize("conv", [False, True], ids=["ops", "conv2d"])
def test_masked_assign_in_call_trains_through_the_mask(conv):
    # Keras 3 on JAX: the assigned value (w * mask) is what the step computes with, so
    # w's gradient is the mask times the gradient of the masked weight; the step keeps the
    # variable's own value and the optimizer updates that (the masked-out entries keep
    # their values). One SGD(1) step over the whole batch: w moves by minus the gradient,
    # checked against central differences of the loss in float64
    model, layer, x, y = _masked_model(conv)
    w0, start = layer.w.numpy(), model.get_weights()
    model.compile(optimizer=numkeras.optimizers.SGD(1.0), loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    step = w0 - layer.w.numpy()
    mask = layer.mask
    model.set_weights(start)  # (the differences are taken where the step started)

    def loss(w):
        layer.w.assign((w * mask).astype("float32"))
        out = np.asarray(model.predict(x, verbose=0), "float64")
        return np.mean((out - y) ** 2)

    # (the model runs in float32: a large step, whose truncation error is ~1e-5 here)
    eps = 1e-2
    numeric = np.zeros_like(w0, dtype="float64")
    for index in np.ndindex(w0.shape):
        delta = np.zeros(w0.shape)
        delta[index] = eps
        numeric[index] = (loss(w0 + delta) - loss(w0 - delta)) / (2 * eps)
    np.testing.assert_allclose(step, numeric, atol=2e-4, rtol=1e-3)
    assert np.all(step[mask == 0] == 0) and np.any(step[mask == 1] != 0)


def test_masked_assign_in_call_kept_by_a_call_not_by_predict():
    # Keras 3 on JAX (3.15.1, checked): fit, evaluate and predict run their steps
    # statelessly and keep the trainable variable's own value; calling the model eagerly
    # runs the assign on the variable itself
    model, layer, x, y = _masked_model(conv=False)
    w0 = layer.w.numpy()
    model.compile(optimizer="sgd", loss="mse")
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict_on_batch(x)
    model.test_on_batch(x, y)
    np.testing.assert_array_equal(layer.w.numpy(), w0)
    model(x)
    np.testing.assert_array_equal(layer.w.numpy(), (w0 * layer.mask).astype("float32"))


def test_non_trainable_assign_in_traced_call_is_refused():
    numkeras.utils.clear_session(free_memory=False)

    class Counter(numkeras.layers.Layer):
        def build(self, input_shape):
            self.total = self.add_weight(shape=(), initializer="zeros", trainable=False)

        def call(self, x):
            self.total.assign(self.total + numkeras.ops.sum(x))
            return x * 2.0

    i = numkeras.Input((2,))
    model = numkeras.Model(i, numkeras.layers.Dense(1)(Counter()(i)))
    model.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="non-trainable"):
        model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)


def test_masked_assign_under_a_gradient_tape_is_eager_as_in_tensorflow_and_torch():
    # A GradientTape records the model's call eagerly: as on Keras's TensorFlow and torch
    # backends (3.15.1, both give these numbers), the assign stores the masked kernel and is
    # not differentiated, so the kernel's gradient is taken at the masked value, unmasked
    numkeras.utils.clear_session(free_memory=False)
    layers, ops = numkeras.layers, numkeras.ops

    class PixelConvLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__()
            self.conv = layers.Conv2D(**kwargs)

        def build(self, input_shape):
            self.conv.build(input_shape)
            shape = ops.shape(self.conv.kernel)
            self.mask = np.zeros(shape=shape)
            self.mask[: shape[0] // 2, ...] = 1.0

        def call(self, inputs):
            self.conv.kernel.assign(self.conv.kernel * self.mask)
            return self.conv(inputs)

    i = numkeras.Input((4, 4, 1))
    model = numkeras.Model(i, PixelConvLayer(filters=1, kernel_size=3, padding="same")(i))
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    x = rng.normal(size=(2, 4, 4, 1)).astype("float32")
    with numkeras.GradientTape() as tape:
        y = model(x)
        loss = ops.sum(y * y)
    grad = tape.gradient(loss, model.trainable_weights)[0][..., 0, 0]
    want = [[26.6159, 16.4837, 22.8942], [19.5581, 8.4903, 3.3625], [3.1233, -11.58, -7.3118]]
    np.testing.assert_allclose(grad, want, atol=2e-4)
    kernel = model.trainable_weights[0].numpy()[..., 0, 0]
    np.testing.assert_allclose(kernel[0], [0.1257, -0.1321, 0.6404], atol=1e-4)
    assert not kernel[1:].any()
