"""RandomPerspective and RandomElasticTransform against real Keras 3 on JAX (goldens from
scripts/goldens/make_perspective_elastic.py: Keras's `transform_images` for fixed draws,
get_config), plus property tests of the draws, gradients and training."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.layers import Dense, Flatten, Input
from numkeras.layers.random_elastic_transform import RandomElasticTransform
from numkeras.layers.random_perspective import RandomPerspective
from numkeras.models import Sequential
from numkeras.ops.image import perspective_transform
from numkeras.utils import set_random_seed
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "perspective_elastic.json").read_text()
)
CLASSES = {"RandomPerspective": RandomPerspective, "RandomElasticTransform": RandomElasticTransform}
TOL = dict(rtol=1e-5, atol=2e-4)  # (goldens are rounded to 4 decimals)
F64 = dict(dtype="float64")


def image_input(shape):
    """As the goldens script: exact, varied values in [0, 100]."""
    n = int(np.prod(shape))
    return ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)


# -- goldens ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", GOLD["perspective"], ids=lambda c: str(c["kwargs"]))
def test_perspective_transform_images_matches_keras(case):
    layer = RandomPerspective(**case["kwargs"])
    t = {k: np.asarray(v) for k, v in case["transformation"].items()}
    out = layer.transform_images(image_input(case["shape"]), t)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)


@pytest.mark.parametrize("case", GOLD["elastic"], ids=lambda c: str(c["kwargs"]))
def test_elastic_without_warp_clips_as_keras(case):
    layer = RandomElasticTransform(**case["kwargs"])
    t = {**case["transformation"], "seed": 0}
    out = layer.transform_images(image_input(case["shape"]), t)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)


@pytest.mark.parametrize("case", GOLD["configs"], ids=lambda c: c["class"] + str(c["kwargs"]))
def test_get_config_matches_keras_and_round_trips(case):
    cls = CLASSES[case["class"]]
    layer = cls(**case["kwargs"], name=case["config"]["name"])
    assert json.loads(json.dumps(layer.get_config())) == case["config"]
    clone = cls.from_config(case["config"])
    assert json.loads(json.dumps(clone.get_config())) == case["config"]


# -- draws -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_layer",
    [
        lambda **k: RandomPerspective(**k),
        lambda **k: RandomElasticTransform(value_range=(-1e9, 1e9), **k),
    ],
)
def test_random_draws(make_layer):
    x = np.random.default_rng(0).uniform(0, 100, (3, 8, 9, 2)).astype("float32")
    # factor 0 (and elastic scale 0): the identity, also in training
    np.testing.assert_array_equal(make_layer(factor=0.0, seed=1)(x, training=True), x)
    # training=False: the identity; a direct call augments (as Keras 3)
    layer = make_layer(seed=3)
    np.testing.assert_array_equal(layer(x, training=False), x)
    a = make_layer(factor=(1.0, 1.0), seed=3)(x)
    assert a.dtype == np.float32 and a.shape == x.shape and not np.allclose(a, x)
    # a seed reproduces the draws; successive calls differ
    layer_b = make_layer(factor=(1.0, 1.0), seed=3)
    np.testing.assert_array_equal(layer_b(x), a)
    assert not np.allclose(layer_b(x), a)
    # the global seed makes unseeded layers reproducible
    set_random_seed(5)
    c = make_layer(factor=(1.0, 1.0))(x, training=True)
    set_random_seed(5)
    np.testing.assert_array_equal(make_layer(factor=(1.0, 1.0))(x, training=True), c)


def test_elastic_scale_zero_is_identity_and_unclipped():
    x = np.full((2, 6, 6, 1), 300.0, "float32")
    np.testing.assert_array_equal(RandomElasticTransform(scale=0.0)(x, training=True), x)


def test_perspective_draw_follows_keras():
    layer = RandomPerspective(factor=(1.0, 1.0), scale=0.5, seed=0)
    t = layer.get_random_transformation(np.zeros((4, 5, 7, 1), "float32"))
    assert t["apply_perspective"].all()
    start, end = t["start_points"], t["end_points"]
    np.testing.assert_array_equal(start[0], [[0, 0], [6, 0], [0, 4], [6, 4]])
    ratio = (end - start)[:, 1:] / start[:, 1:].clip(1)  # (the top-left corner stays)
    assert np.all(np.abs(ratio) <= 0.25) and np.all(end[:, 0] == 0)
    out = layer.transform_images(np.ones((4, 5, 7, 1), "float32"), t)
    ref = perspective_transform(np.ones((4, 5, 7, 1), "float32"), start, end)
    np.testing.assert_allclose(out, ref, rtol=1e-6)


def test_elastic_transform_images_is_deterministic_for_a_dict():
    layer = RandomElasticTransform(seed=2)
    x = image_input((2, 10, 12, 1))
    t = layer.get_random_transformation(x)
    t["apply_transform"] = np.array([True, False])
    a, b = layer.transform_images(x, t), layer.transform_images(x, t)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[1], x[1])
    assert not np.allclose(a[0], x[0])
    assert np.all((a >= 0) & (a <= 255))


def test_bad_arguments():
    with pytest.raises(ConfigError, match="scale"):
        RandomPerspective(scale=1.5)
    with pytest.raises(ConfigError, match="interpolation"):
        RandomPerspective(interpolation="bicubic")
    with pytest.raises(ConfigError, match="factor"):
        RandomPerspective(factor=2.0)
    with pytest.raises(ConfigError, match="scale"):
        RandomElasticTransform(scale=-0.5)
    with pytest.raises(ConfigError, match="fill_mode"):
        RandomElasticTransform(fill_mode="reflct")
    with pytest.raises(ConfigError, match="value_range"):
        RandomElasticTransform(value_range=5)


# -- gradients and training ------------------------------------------------------------
@pytest.mark.parametrize(
    "make_layer, shape",
    [
        (lambda: RandomPerspective(0.6, seed=1, **F64), (4, 4, 5, 2)),
        (
            lambda: RandomPerspective(
                (1.0, 1.0), interpolation="nearest", data_format="channels_first", seed=2, **F64
            ),
            (2, 2, 5, 4),
        ),
        (lambda: RandomElasticTransform(0.7, value_range=(20, 80), seed=3, **F64), (4, 6, 7, 2)),
        (
            lambda: RandomElasticTransform(
                (1.0, 1.0), fill_mode="constant", fill_value=3.0, seed=4, **F64
            ),
            (2, 6, 5, 1),
        ),
    ],
)
def test_backward_matches_finite_differences(make_layer, shape):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 100.0, shape)
    layer = make_layer()
    out, cache = layer.forward(x, training=True)
    assert out.dtype == np.float64 and not np.allclose(out, x)
    r = rng.normal(size=out.shape)
    grad = layer.backward(cache, r.copy())
    numeric = numeric_gradient(
        lambda: float((make_layer().forward(x, training=True)[0] * r).sum()), x, eps=1e-4
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


def test_fit_with_the_layers_first():
    set_random_seed(0)
    x = np.random.default_rng(0).uniform(0, 1, (16, 8, 8, 1)).astype("float32")
    y = np.random.default_rng(1).normal(size=(16, 1)).astype("float32")
    model = Sequential(
        [
            Input((8, 8, 1)),
            RandomPerspective(0.5, scale=0.3),
            RandomElasticTransform(0.5, value_range=(0, 1)),
            Flatten(),
            Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
