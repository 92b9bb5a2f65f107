"""BatchNormalization against real Keras 3 (goldens from
scripts/goldens/make_batch_normalization.py): eager training and inference, the moving
statistics, one training step through the batch statistics, the classic GAN's frozen
discriminator, configs; plus gradients, atomic steps and errors."""

import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import BatchNormalization, Dense, Input, LeakyReLU
from numkeras.losses import MeanSquaredError
from numkeras.models import Model, Sequential, model_from_json
from numkeras.optimizers import SGD

GOLD = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "batch_normalization.json").read_text()
)
TOL = dict(rtol=2e-5, atol=2e-6)


def _f32(ws):
    return [np.array(w, "float32") for w in ws]


@pytest.mark.parametrize("case", GOLD["eager"], ids=lambda c: c["name"])
def test_eager_training_and_inference_match_keras(case):
    layer = BatchNormalization(**case["kwargs"])
    x = np.array(case["x"], "float32")
    layer.build(x.shape)
    layer.set_weights(_f32(case["weights"]))
    np.testing.assert_allclose(layer(x, training=True), case["y_train"], **TOL)
    for got, want in zip(layer.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(layer(x, training=False), case["y_infer"], **TOL)
    np.testing.assert_allclose(layer(x), case["y_infer"], **TOL)  # inference by default


def _model(case):
    return Sequential(
        [
            Input(tuple(case["input_shape"])),
            Dense(6),
            BatchNormalization(**case["bn_kwargs"]),
            Dense(3, activation="softmax"),
        ]
    )


@pytest.mark.parametrize("case", GOLD["models"], ids=lambda c: c["name"])
def test_a_training_step_matches_keras(case):
    model = _model(case)
    model.set_weights(_f32(case["weights"]))
    x, y = np.array(case["x"], "float32"), np.array(case["y"])
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_before"], **TOL)
    model.compile(optimizer=SGD(learning_rate=0.5), loss="sparse_categorical_crossentropy")
    loss = model.train_on_batch(x, y)
    assert loss == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_after"], **TOL)


def _gan(gold):
    g = Sequential(
        [Input((3,)), Dense(4), BatchNormalization(momentum=0.8), LeakyReLU(0.2)]
        + [Dense(4, activation="tanh")],
        name="g",
    )
    d = Sequential(
        [Input((4,)), Dense(5), BatchNormalization(momentum=0.9), LeakyReLU(0.2)]
        + [Dense(1, activation="sigmoid")],
        name="d",
    )
    g.set_weights(_f32(gold["g_weights"]))
    d.set_weights(_f32(gold["d_weights"]))
    d.compile(optimizer=SGD(learning_rate=0.1), loss="binary_crossentropy")
    d.trainable = False
    z = Input((3,))
    gan = Model(z, d(g(z)))
    gan.compile(optimizer=SGD(learning_rate=0.1), loss="binary_crossentropy")
    return g, d, gan


@pytest.mark.parametrize("toggle", [True, False], ids=["with toggle", "without toggle"])
def test_the_classic_gan_freezes_the_discriminator_s_statistics_in_the_gan_step(toggle):
    gold = GOLD["gan"]
    g, d, gan = _gan(gold)
    noise, real = np.array(gold["noise"], "float32"), np.array(gold["real"], "float32")
    fake = g.predict(noise, verbose=0)
    np.testing.assert_allclose(fake, gold["fake"], **TOL)
    x = np.concatenate([real, fake])
    y_dis = np.concatenate([np.full((6, 1), 0.9), np.zeros((6, 1))]).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the toggle's note about the compile-time rule
        if toggle:
            d.trainable = True
        assert d.train_on_batch(x, y_dis) == pytest.approx(gold["d_loss"], rel=1e-5)
        for got, want in zip(d.get_weights(), gold["d_after_d_step"]):
            np.testing.assert_allclose(got, want, **TOL)
        if toggle:
            d.trainable = False
        loss = gan.train_on_batch(noise, np.ones((6, 1), "float32"))
    assert loss == pytest.approx(gold["gan_loss"], rel=1e-5)
    for got, want in zip(g.get_weights(), gold["g_after_gan_step"]):
        np.testing.assert_allclose(got, want, **TOL)
    for got, want in zip(d.get_weights(), gold["d_after_gan_step"]):
        np.testing.assert_allclose(got, want, **TOL)  # D, its moving statistics included


@pytest.mark.parametrize("name", ["default", "custom"])
def test_configs_match_keras(name):
    want = GOLD["configs"][name]
    layer = BatchNormalization.from_config(want)
    assert layer.get_config() == want


def test_weights_summary_and_json_round_trip():
    model = Sequential([Input((4,)), Dense(3), BatchNormalization(), Dense(2)])
    bn = model.layers[1]
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert model.count_params() == 15 + 12 + 8
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_gradients_through_the_batch_statistics_match_finite_differences():
    backend.set_floatx("float64")
    try:
        rng = np.random.default_rng(4)
        layer = BatchNormalization(axis=1, momentum=0.5)
        x = rng.normal(size=(5, 3, 2))
        layer.build(x.shape)
        layer.set_weights([rng.normal(size=3), rng.normal(size=3), np.zeros(3), np.ones(3)])
        r = rng.normal(size=x.shape)
        for v in layer.weights[:2]:
            v.start_grad(np.zeros(v.shape))
        y, cache = layer.forward(x)
        dx = layer.backward(cache, r.copy())
        grads = [v.grad.copy() for v in layer.weights[:2]]
        layer.discard_updates()

        def loss():
            return float((layer.forward(x)[0] * r).sum())

        def numeric(arr):
            g = np.zeros_like(arr)
            for i in np.ndindex(arr.shape):
                old = arr[i]
                arr[i] = old + 1e-6
                up = loss()
                arr[i] = old - 1e-6
                down = loss()
                arr[i] = old
                g[i] = (up - down) / 2e-6
            layer.discard_updates()
            return g

        np.testing.assert_allclose(dx, numeric(x), rtol=1e-5, atol=1e-8)
        for v, g in zip(layer.weights[:2], grads):
            np.testing.assert_allclose(g, numeric(v.value), rtol=1e-5, atol=1e-8)
    finally:
        backend.set_floatx("float32")


def test_a_failed_step_leaves_the_moving_statistics_alone():
    class FailsOnce(MeanSquaredError):  # fails after the forward pass has run
        calls = 0

        def value_and_grad(self, *args, **kwargs):
            FailsOnce.calls += 1
            if FailsOnce.calls == 1:
                raise RuntimeError("boom")
            return super().value_and_grad(*args, **kwargs)

    model = Sequential([Input((4,)), Dense(3), BatchNormalization(), Dense(2)])
    model.compile(optimizer="sgd", loss=FailsOnce())
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(RuntimeError, match="boom"):
        model.train_on_batch(x, np.ones((5, 2)))
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    model.train_on_batch(x, np.ones((5, 2)))
    batch_mean = (x @ before[0] + before[1]).mean(axis=0)
    np.testing.assert_allclose(  # one step's update: the failed step's was dropped
        model.layers[1].moving_mean.numpy(), 0.01 * batch_mean, rtol=1e-5, atol=1e-7
    )


def test_predict_and_evaluate_never_change_the_statistics():
    model = Sequential([Input((4,)), Dense(3), BatchNormalization(), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    x = np.random.default_rng(1).normal(size=(6, 4))
    model.predict(x, verbose=0)
    model.evaluate(x, np.ones((6, 2)), verbose=0)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_errors():
    with pytest.raises(ConfigError, match="one integer"):
        BatchNormalization(axis=[1, 2])
    with pytest.raises(ConfigError, match="renorm_clipping.*not supported"):
        BatchNormalization(renorm_clipping={"rmax": 3.0})
    with pytest.raises(ConfigError, match="renorm"):
        BatchNormalization(renorm=True)
    with pytest.raises(ConfigError, match="one"):
        BatchNormalization(synchronized=True)
    with pytest.raises(ShapeError, match="no axis 3"):
        Sequential([Input((4,)), BatchNormalization(axis=3)])
    model = Sequential([Input((4,)), BatchNormalization()])
    with pytest.raises(ShapeError, match="must be 4, received 5"):
        model.predict(np.ones((2, 5)), verbose=0)
