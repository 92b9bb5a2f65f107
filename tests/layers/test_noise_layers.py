"""GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D: the identity at
inference (exactly, and as Keras: goldens from scripts/goldens/make_more_layers.py), the
noise's statistics in training, reproducibility under `set_random_seed` and `seed=`, the
backward pass using the forward pass's mask, configs and errors."""

import json
import math
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    AlphaDropout,
    Dense,
    Flatten,
    GaussianDropout,
    GaussianNoise,
    Input,
    SpatialDropout1D,
    SpatialDropout2D,
)
from numkeras.models import Sequential, load_model
from numkeras.models.config import as_json_types
from numkeras.utils import set_random_seed

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "more_layers.json").read_text())
CLASSES = {
    "GaussianNoise": GaussianNoise,
    "GaussianDropout": GaussianDropout,
    "AlphaDropout": AlphaDropout,
    "SpatialDropout1D": SpatialDropout1D,
    "SpatialDropout2D": SpatialDropout2D,
}
CASES = [c for c in GOLD["eager"] if c["class"] in CLASSES]
ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def _noise_layers(seed=None):
    return [
        GaussianNoise(0.3, seed=seed),
        GaussianDropout(0.3, seed=seed),
        AlphaDropout(0.3, seed=seed),
        SpatialDropout1D(0.3, seed=seed),
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_inference_is_the_identity_as_keras(case):
    layer = CLASSES[case["class"]](**case["kwargs"])
    x = np.array(case["x"], "float32")
    np.testing.assert_array_equal(layer(x), case["output"])
    y, cache = layer.forward(x, training=False)
    np.testing.assert_array_equal(y, x)
    r = np.array(case["r"], "float32")
    np.testing.assert_array_equal(layer.backward(cache, r.copy()), case["grad_x"])


@pytest.mark.parametrize("layer", _noise_layers(), ids=lambda la: type(la).__name__)
def test_exact_identity_in_predict_and_evaluate(layer):
    model = Sequential([Input((6, 4)), layer])
    x = np.random.default_rng(0).normal(size=(16, 6, 4)).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    np.testing.assert_array_equal(model(x), x)
    np.testing.assert_array_equal(layer(x, training=False), x)
    assert not np.array_equal(layer(x, training=True), x)


def test_gaussian_noise_statistics():
    x = np.full((400, 250), 2.0, "float32")
    y = GaussianNoise(0.5, seed=1)(x, training=True)
    noise = y - x
    assert abs(noise.mean()) < 0.005
    assert noise.std() == pytest.approx(0.5, rel=0.01)
    assert y.dtype == np.float32


def test_gaussian_dropout_statistics():
    x = np.full((400, 250), 3.0, "float32")
    rate = 0.2
    y = GaussianDropout(rate, seed=2)(x, training=True)
    noise = y / x
    assert noise.mean() == pytest.approx(1.0, abs=0.005)
    assert noise.std() == pytest.approx(math.sqrt(rate / (1 - rate)), rel=0.01)


def test_alpha_dropout_keeps_mean_and_variance():
    rate = 0.25
    x = np.random.default_rng(3).normal(size=(400, 250)).astype("float32")
    y = AlphaDropout(rate, seed=3)(x, training=True)
    assert abs(y.mean()) < 0.01
    assert y.var() == pytest.approx(1.0, abs=0.02)
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    dropped = np.isclose(y, a * ALPHA_P - a * ALPHA_P * rate, rtol=0, atol=1e-6)
    assert dropped.mean() == pytest.approx(rate, abs=0.005)
    kept = ~dropped
    np.testing.assert_allclose(y[kept], a * x[kept] - a * ALPHA_P * rate, rtol=1e-5, atol=1e-6)


def test_alpha_dropout_noise_shape_shares_the_decision():
    x = np.random.default_rng(4).normal(size=(50, 6, 8)).astype("float32") + 5
    layer = AlphaDropout(0.5, noise_shape=(None, 1, 8), seed=4)
    y, mask = layer.forward(x, training=True)
    assert mask.shape == (50, 1, 8)
    dropped = np.isclose(y, y[:, :1, :]) & (mask == 0)
    assert ((mask == 0) == dropped).all()  # a dropped column holds one value along axis 1


@pytest.mark.parametrize(
    "layer, x_shape, channel_axes",
    [
        (SpatialDropout1D(0.4, seed=5), (64, 10, 16), (0, 2)),
        (SpatialDropout2D(0.4, seed=6), (64, 5, 4, 16), (0, 3)),
        (SpatialDropout2D(0.4, data_format="channels_first", seed=7), (64, 16, 5, 4), (0, 1)),
    ],
    ids=["1d", "2d_last", "2d_first"],
)
def test_spatial_dropout_drops_whole_channels(layer, x_shape, channel_axes):
    x = np.ones(x_shape, "float32")
    y = layer(x, training=True)
    other = tuple(i for i in range(len(x_shape)) if i not in channel_axes)
    low, high = y.min(axis=other), y.max(axis=other)
    np.testing.assert_array_equal(low, high)  # one value per (sample, channel)
    assert set(np.unique(low)) <= {0.0, np.float32(1 / 0.6)}
    assert (low == 0).mean() == pytest.approx(0.4, abs=0.06)


def test_reproducible_under_set_random_seed():
    x = np.ones((8, 6, 4), "float32")

    def run(seed):
        set_random_seed(seed)
        return [la(x, training=True) for la in _noise_layers()]

    for a, b, c in zip(run(123), run(123), run(124)):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_layer_seeds_give_the_same_draws():
    x = np.ones((8, 6, 4), "float32")
    for a, b in zip(_noise_layers(seed=9), _noise_layers(seed=9)):
        first = a(x, training=True)
        np.testing.assert_array_equal(first, b(x, training=True))
        assert not np.array_equal(first, a(x, training=True))  # each call draws anew


@pytest.mark.parametrize(
    "layer",
    [GaussianDropout(0.3, seed=1), AlphaDropout(0.3, seed=2), SpatialDropout1D(0.5, seed=3)],
    ids=lambda la: type(la).__name__,
)
def test_backward_uses_the_forward_mask(layer):
    x = np.random.default_rng(5).normal(size=(20, 6, 4)).astype("float32")
    y, cache = layer.forward(x, training=True)
    g = np.random.default_rng(6).normal(size=x.shape).astype("float32")
    gx = layer.backward(cache, g.copy())
    if isinstance(layer, AlphaDropout):
        # y = a * (x * kept + alpha_p * (1 - kept)) + b: the slope is a where kept, 0 where not
        rate = layer.rate
        a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
        dropped = np.isclose(y, a * ALPHA_P * (1 - rate), atol=1e-6)
        np.testing.assert_array_equal(gx[dropped], 0)
        np.testing.assert_allclose(gx[~dropped], a * g[~dropped], rtol=1e-6)
    else:  # multiplicative: the slope is y / x, the noise drawn in forward
        np.testing.assert_allclose(gx, g * (y / x), rtol=1e-5, atol=1e-6)
    assert GaussianNoise(0.4).backward(None, g) is g  # additive noise: slope 1


def test_training_with_noise_layers_is_reproducible():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(32, 6, 4)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")

    def train():
        set_random_seed(11)
        model = Sequential(
            [Input((6, 4)), SpatialDropout1D(0.2), GaussianNoise(0.1), Flatten()]
            + [GaussianDropout(0.2), AlphaDropout(0.1), Dense(1)]
        )
        model.compile(optimizer="sgd", loss="mse")
        hist = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        return hist.history["loss"], model.get_weights()

    (l1, w1), (l2, w2) = train(), train()
    assert l1 == l2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "key, make",
    [
        ("GaussianNoise", lambda: GaussianNoise(0.1, seed=3, name="m")),
        ("GaussianDropout", lambda: GaussianDropout(0.2, name="m")),
        ("AlphaDropout", lambda: AlphaDropout(0.1, noise_shape=(None, 1), seed=5, name="m")),
        ("SpatialDropout1D", lambda: SpatialDropout1D(0.3, name="m")),
        (
            "SpatialDropout2D",
            lambda: SpatialDropout2D(0.3, data_format="channels_first", seed=2, name="m"),
        ),
    ],
)
def test_configs_match_keras(key, make):
    layer = make()
    assert as_json_types(layer.get_config()) == GOLD["configs"][key]
    clone = type(layer).from_config(GOLD["configs"][key])
    assert as_json_types(clone.get_config()) == GOLD["configs"][key]


@pytest.mark.parametrize("shape", [s for s in GOLD["shapes"] if s["class"] in CLASSES])
def test_symbolic_shapes_match_keras(shape):
    layer = CLASSES[shape["class"]](**shape["kwargs"])
    out = layer(Input(batch_shape=tuple(shape["input"])))
    assert list(out.shape) == shape["output"]


def test_saved_model_round_trip(tmp_path):
    model = Sequential(
        [Input((6, 4)), SpatialDropout1D(0.2, seed=1), GaussianNoise(0.1), Flatten()]
        + [GaussianDropout(0.2), AlphaDropout(0.1, noise_shape=(None, 24)), Dense(1)]
    )
    x = np.random.default_rng(8).normal(size=(4, 6, 4)).astype("float32")
    model.save(tmp_path / "n.keras")
    loaded = load_model(tmp_path / "n.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.layers[0].get_config() == model.layers[0].get_config()


def test_errors():
    for bad in (-0.1, 1.5, "0.1", None, True):
        with pytest.raises(ConfigError, match="between 0 and 1"):
            GaussianNoise(bad)
        with pytest.raises(ConfigError, match="between 0 and 1"):
            GaussianDropout(bad)
        with pytest.raises(ConfigError, match="between 0 and 1"):
            AlphaDropout(bad)
    for cls in (GaussianDropout, AlphaDropout, SpatialDropout1D):
        with pytest.raises(ConfigError):
            cls(1.0)
    with pytest.raises(ConfigError, match="data_format"):
        SpatialDropout2D(0.1, data_format="nhwc")
    with pytest.raises(ShapeError):
        SpatialDropout1D(0.1)(Input((4,)))
    with pytest.raises(ShapeError):
        SpatialDropout2D(0.1)(Input((4, 3)))
    with pytest.raises(ConfigError, match="rank"):
        AlphaDropout(0.1, noise_shape=(None, 1))(np.ones((2, 3, 4)), training=True)
