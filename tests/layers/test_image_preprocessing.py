"""The image preprocessing layers against real Keras 3 on JAX (goldens from
scripts/goldens/make_image_preprocessing.py): Resizing (every interpolation, crop/pad to
aspect ratio, antialias, channels_first, unbatched), CenterCrop, RandomCrop's
deterministic paths, `affine_transform` for fixed matrices in every fill mode, the random
layers with zero-width factor ranges (a fixed draw), and configs. Then gradients against
finite differences, the random layers' properties, errors, shapes, and training in a
Sequential model."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import Conv2D, Dense, Flatten, Input
from numkeras.layers import image_utils as iu
from numkeras.layers.center_crop import CenterCrop
from numkeras.layers.random_brightness import RandomBrightness
from numkeras.layers.random_contrast import RandomContrast
from numkeras.layers.random_crop import RandomCrop
from numkeras.layers.random_flip import RandomFlip
from numkeras.layers.random_rotation import RandomRotation
from numkeras.layers.random_translation import RandomTranslation
from numkeras.layers.random_zoom import RandomZoom
from numkeras.layers.resizing import Resizing
from numkeras.models import Sequential
from numkeras.utils import set_random_seed
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "image_preprocessing.json").read_text()
)
CLASSES = {
    c.__name__: c
    for c in (
        Resizing,
        CenterCrop,
        RandomCrop,
        RandomFlip,
        RandomRotation,
        RandomTranslation,
        RandomZoom,
        RandomContrast,
        RandomBrightness,
    )
}
TOL = dict(rtol=1e-5, atol=2e-4)  # (goldens are rounded to 4 decimals)


def image_input(shape):
    """As the goldens script: exact, varied values in [0, 100]."""
    n = int(np.prod(shape))
    return ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)


def _case_id(case):
    return ",".join(f"{k}={v}" for k, v in case["kwargs"].items()) + f"@{case['shape']}"


# -- goldens ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", GOLD["resize"], ids=_case_id)
def test_resizing_matches_keras(case):
    out = Resizing(**case["kwargs"])(image_input(case["shape"]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)


@pytest.mark.parametrize("case", GOLD["center_crop"], ids=_case_id)
def test_center_crop_matches_keras(case):
    layer = CenterCrop(**case["kwargs"])
    x = image_input(case["shape"])
    for training in (False, True):
        np.testing.assert_allclose(layer(x, training=training), case["output"], **TOL)


@pytest.mark.parametrize("case", GOLD["random_crop_train"], ids=_case_id)
def test_random_crop_small_inputs_in_training_match_keras(case):
    out = RandomCrop(**case["kwargs"], seed=1)(image_input(case["shape"]), training=True)
    np.testing.assert_allclose(out, case["output"], **TOL)


@pytest.mark.parametrize("case", GOLD["smart_resize"], ids=lambda c: str(c["size"]))
def test_random_crop_inference_is_keras_smart_resize(case):
    height, width = case["size"]
    out = RandomCrop(height, width)(image_input(case["shape"]), training=False)
    np.testing.assert_allclose(out, case["output"], **TOL)


@pytest.mark.parametrize(
    "case",
    GOLD["affine"],
    ids=lambda c: f"{c['interpolation']}-{c['fill_mode']}-{c['data_format']}-{len(c['shape'])}d",
)
def test_affine_transform_matches_keras(case):
    out = iu.affine_transform(
        image_input(case["shape"]),
        case["transforms"],
        case["interpolation"],
        case["fill_mode"],
        case["fill_value"],
        case["data_format"],
    )
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)


@pytest.mark.parametrize("case", GOLD["fixed_random"], ids=lambda c: c["class"] + _case_id(c))
def test_random_layers_with_a_fixed_draw_match_keras(case):
    layer = CLASSES[case["class"]](**case["kwargs"])
    x = image_input(case["shape"])
    out = layer(x, training=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)
    np.testing.assert_array_equal(layer(x, training=False), x)  # inference: identity


def _jsonable(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize("case", GOLD["configs"], ids=lambda c: c["class"] + str(c["kwargs"]))
def test_get_config_matches_keras_and_round_trips(case):
    cls = CLASSES[case["class"]]
    layer = cls(**case["kwargs"], name=case["config"]["name"])
    config = layer.get_config()
    assert _jsonable(config) == case["config"]
    clone = cls.from_config(case["config"])
    assert _jsonable(clone.get_config()) == case["config"]


def test_config_factor_forms_follow_keras():
    # Keras 3.15 stores RandomContrast(0.5) as (0, 0.5) (contrast only increased), as here
    assert tuple(RandomContrast(0.5).get_config()["factor"]) == (0, 0.5)
    assert RandomRotation(0.2).get_config()["factor"] == (-0.2, 0.2)
    seed = RandomCrop(3, 4).get_config()["seed"]  # Keras draws a seed for the config
    assert isinstance(seed, int) and seed > 0


# -- resize internals ------------------------------------------------------------------
def test_resize_matrices_rows_sum_to_one_and_identity_for_equal_sizes():
    for method in iu.RESIZE_INTERPOLATIONS:
        for n_in, n_out in ((5, 3), (4, 9)):
            m = iu.resize_matrix(n_in, n_out, method)
            assert m.shape == (n_out, n_in) and m.dtype == np.float32
            np.testing.assert_allclose(m.sum(axis=1), 1, atol=1e-6)
        assert iu.resize_matrix(6, 6, method) is None


def test_resizing_equal_size_is_identity_and_nearest_selects_pixels():
    x = image_input((2, 5, 7, 3))
    np.testing.assert_array_equal(Resizing(5, 7)(x), x)
    up = Resizing(10, 14, interpolation="nearest")(x)
    np.testing.assert_array_equal(up, x.repeat(2, axis=1).repeat(2, axis=2))


# -- gradients -------------------------------------------------------------------------
def _check_gradient(make_layer, shape, seed=0, low=0.0, high=100.0):
    """backward() of a fresh `make_layer()` against central differences (float64); each
    evaluation builds the layer again, so a seeded random layer draws the same transform."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, high, shape)
    layer = make_layer()
    out, cache = layer.forward(x, training=True)
    assert out.dtype == np.float64
    r = rng.normal(size=out.shape)
    grad = layer.backward(cache, r.copy())
    numeric = numeric_gradient(
        lambda: float((make_layer().forward(x, training=True)[0] * r).sum()), x, eps=1e-4
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)
    return grad


@pytest.mark.parametrize(
    "kwargs, shape",
    [
        (dict(height=3, width=4), (2, 4, 5, 2)),
        (dict(height=6, width=7, interpolation="bicubic"), (1, 4, 5, 1)),
        (dict(height=2, width=3, interpolation="lanczos3", antialias=True), (1, 4, 5, 1)),
        (dict(height=3, width=3, interpolation="nearest"), (1, 4, 5, 2)),
        (dict(height=3, width=3, crop_to_aspect_ratio=True), (1, 4, 5, 1)),
        (dict(height=4, width=3, pad_to_aspect_ratio=True, fill_value=2.0), (1, 4, 5, 1)),
        (dict(height=3, width=2, data_format="channels_first"), (2, 4, 5)),
    ],
)
def test_resizing_backward_is_transposed_interpolation(kwargs, shape):
    _check_gradient(lambda: Resizing(**kwargs, dtype="float64"), shape)


@pytest.mark.parametrize(
    "make_layer, shape",
    [
        (lambda: CenterCrop(2, 3, dtype="float64"), (2, 4, 5, 1)),
        (lambda: CenterCrop(5, 3, dtype="float64"), (1, 4, 5, 1)),
        (lambda: RandomCrop(2, 3, seed=4, dtype="float64"), (2, 4, 5, 1)),
        (lambda: RandomCrop(5, 5, seed=4, dtype="float64"), (1, 4, 5, 1)),
        (lambda: RandomFlip(seed=3, dtype="float64"), (4, 3, 4, 1)),
        (lambda: RandomFlip("horizontal", seed=5, dtype="float64"), (3, 4, 2)),
        (lambda: RandomRotation(0.3, seed=1, dtype="float64"), (2, 4, 5, 1)),
        (
            lambda: RandomRotation(
                0.3, fill_mode="constant", fill_value=3.0, seed=2, dtype="float64"
            ),
            (1, 4, 5, 2),
        ),
        (
            lambda: RandomRotation(
                0.5, fill_mode="wrap", interpolation="nearest", seed=2, dtype="float64"
            ),
            (1, 4, 5, 1),
        ),
        (lambda: RandomTranslation(0.3, 0.4, seed=6, dtype="float64"), (2, 4, 5, 1)),
        (
            lambda: RandomZoom(
                0.4, 0.3, fill_mode="nearest", data_format="channels_first", seed=7, dtype="float64"
            ),
            (1, 2, 4, 5),
        ),
        (
            lambda: RandomContrast(0.5, value_range=(-1e4, 1e4), seed=8, dtype="float64"),
            (2, 3, 4, 2),
        ),
        (
            lambda: RandomBrightness(0.5, value_range=(0, 100), seed=9, dtype="float64"),
            (3, 3, 4, 1),
        ),
    ],
)
def test_backward_matches_finite_differences(make_layer, shape):
    _check_gradient(make_layer, shape)


def test_clipped_outputs_pass_no_gradient():
    x = np.array([[[[10.0], [250.0]]]])
    layer = RandomBrightness((0.1, 0.1))
    out, cache = layer.forward(x, training=True)
    np.testing.assert_allclose(out[0, 0, :, 0], [35.5, 255.0])
    np.testing.assert_array_equal(layer.backward(cache, np.ones_like(out))[0, 0, :, 0], [1, 0])


def test_inference_backward_passes_the_gradient_through():
    layer = RandomRotation(0.2)
    x = image_input((1, 5, 7, 2))
    out, cache = layer.forward(x, training=False)
    assert out is x
    g = np.ones_like(x)
    assert layer.backward(cache, g) is g


# -- random layers: properties ---------------------------------------------------------
RANDOM_LAYERS = [
    lambda: RandomFlip(),
    lambda: RandomRotation(0.2),
    lambda: RandomTranslation(0.2, 0.3),
    lambda: RandomZoom(0.3),
    lambda: RandomContrast(0.4),
    lambda: RandomBrightness(0.3),
]


@pytest.mark.parametrize("make_layer", RANDOM_LAYERS)
def test_random_layers_are_identity_at_inference_and_reproducible(make_layer):
    x = image_input((4, 5, 7, 3))
    layer = make_layer()
    np.testing.assert_array_equal(layer(x, training=False), x)
    set_random_seed(3)
    assert not np.allclose(layer(x), x)  # a direct call augments, as Keras 3's
    set_random_seed(11)
    first = layer(x, training=True)
    set_random_seed(11)
    second = layer(x, training=True)
    assert first.dtype == np.float32 and first.shape == x.shape
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, x)
    assert not np.allclose(layer(x, training=True), first)  # a new draw


def test_an_own_seed_gives_its_own_reproducible_stream():
    x = image_input((8, 5, 7, 1))
    a = RandomRotation(0.3, seed=5)(x, training=True)
    b = RandomRotation(0.3, seed=5)(x, training=True)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "make_layer",
    [
        lambda: RandomRotation(0.0),
        lambda: RandomTranslation(0.0, 0.0),
        lambda: RandomZoom(0.0),
        lambda: RandomContrast(0.0),
        lambda: RandomBrightness(0.0),
    ],
)
def test_factor_zero_is_identity_in_training(make_layer):
    x = image_input((3, 5, 7, 2))
    np.testing.assert_allclose(make_layer()(x, training=True), x, atol=1e-4)


@pytest.mark.parametrize(
    "mode, flips",
    [
        ("horizontal", lambda x: x[:, ::-1]),
        ("vertical", lambda x: x[::-1]),
        ("horizontal_and_vertical", lambda x: x[::-1, ::-1]),
    ],
)
def test_random_flip_gives_the_image_or_its_flip(mode, flips):
    x = image_input((16, 4, 5, 2))
    out = RandomFlip(mode, seed=0)(x, training=True)
    flipped = [bool(np.array_equal(o, flips(i))) for o, i in zip(out, x)]
    same = [bool(np.array_equal(o, i)) for o, i in zip(out, x)]
    assert all(f or s for f, s in zip(flipped, same))
    assert any(flipped) and any(same)


def test_random_flip_channels_first_and_unbatched():
    x = image_input((2, 4, 5))  # one channels_first image
    out = RandomFlip("horizontal", seed=1, data_format="channels_first")
    results = {bool(np.array_equal(out(x, training=True), x[:, :, ::-1])) for _ in range(12)}
    assert results == {True, False}


def test_random_translation_moves_by_whole_pixels_within_the_range():
    x = image_input((12, 5, 7, 1))
    layer = RandomTranslation(0.4, 0.3, fill_mode="wrap", interpolation="nearest", seed=3)
    out = layer(x, training=True)
    for o, i in zip(out, x):
        shifts = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-3, 4)
            if np.array_equal(o, np.roll(i, (dy, dx), axis=(0, 1)))
        ]
        assert shifts, "each output is a wrapped shift of its input"


@pytest.mark.parametrize(
    "make_layer",
    [lambda: RandomRotation(0.5, seed=1), lambda: RandomZoom(0.5, (-0.4, 0.6), seed=2)],
)
def test_rotation_and_zoom_keep_the_centre_pixel(make_layer):
    x = image_input((6, 5, 7, 2))
    out = make_layer()(x, training=True)
    np.testing.assert_allclose(out[:, 2, 3], x[:, 2, 3], atol=1e-4)
    assert not np.allclose(out, x)


def test_random_contrast_factor_per_image_within_range_and_clipped():
    x = image_input((10, 5, 7, 3))
    out = RandomContrast((0.2, 0.4), value_range=(-1e4, 1e4), seed=4)(x, training=True)
    mean = x.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(out.mean(axis=(1, 2), keepdims=True), mean, rtol=1e-5)
    factor = (out - mean) / (x - mean)
    per_image = factor.reshape(10, -1)
    np.testing.assert_allclose(
        per_image, np.broadcast_to(per_image[:, :1], per_image.shape), rtol=1e-4
    )  # one c per image
    assert ((per_image >= 0.8 - 1e-5) & (per_image <= 1.4 + 1e-5)).all()
    clipped = RandomContrast((0.0, 1.0), value_range=(0, 100), seed=4)(x, training=True)
    assert clipped.min() >= 0 and clipped.max() <= 100


def test_random_contrast_factor_ranges():
    # a number only increases contrast (Keras 3.15); a pair (f, f) spans [1 - f, 1 + f]
    x = image_input((32, 5, 7, 1))
    out = RandomContrast(0.5, value_range=(-1e4, 1e4), seed=0)(x, training=True)
    spread = out.std(axis=(1, 2, 3)) / x.std(axis=(1, 2, 3))
    assert spread.min() > 1 - 1e-4 and spread.max() < 1.5 + 1e-4
    out = RandomContrast((0.5, 0.5), value_range=(-1e4, 1e4), seed=0)(x, training=True)
    spread = out.std(axis=(1, 2, 3)) / x.std(axis=(1, 2, 3))
    assert spread.min() < 0.9 and spread.max() > 1.1
    assert ((spread > 0.5 - 1e-4) & (spread < 1.5 + 1e-4)).all()


def test_random_brightness_offset_per_image_within_range_and_clipped():
    x = image_input((10, 5, 7, 3))
    out = RandomBrightness((-0.2, 0.1), value_range=(-1000, 1000), seed=5)(x, training=True)
    delta = (out - x).reshape(10, -1)
    np.testing.assert_allclose(delta, np.broadcast_to(delta[:, :1], delta.shape), atol=1e-3)
    assert ((delta >= -400 - 1e-3) & (delta <= 200 + 1e-3)).all()
    clipped = RandomBrightness(0.9, value_range=(0, 100), seed=5)(x, training=True)
    assert clipped.min() >= 0 and clipped.max() <= 100
    assert (clipped == 100).any() or (clipped == 0).any()


def test_random_crop_training_picks_a_window_of_the_input():
    x = image_input((3, 6, 8, 2))
    layer = RandomCrop(3, 4, seed=2)
    seen = set()
    for _ in range(10):
        out = layer(x, training=True)
        windows = [
            (t, left)
            for t in range(4)
            for left in range(5)
            if np.array_equal(out, x[:, t : t + 3, left : left + 4])
        ]
        assert len(windows) == 1  # one window, the same for the whole batch
        seen.add(windows[0])
    assert len(seen) > 1


# -- shapes, dtypes, errors, repr ------------------------------------------------------
@pytest.mark.parametrize(
    "layer, in_shape, out_shape",
    [
        (Resizing(3, 4), (None, 5, 7, 3), (None, 3, 4, 3)),
        (Resizing(3, 4), (5, 7, 3), (3, 4, 3)),
        (Resizing(3, 4, data_format="channels_first"), (None, 3, 5, 7), (None, 3, 3, 4)),
        (CenterCrop(2, 2), (None, 5, 7, 1), (None, 2, 2, 1)),
        (RandomCrop(2, 6, data_format="channels_first"), (3, 5, 7), (3, 2, 6)),
        (RandomFlip(), (None, 5, 7, 3), (None, 5, 7, 3)),
        (RandomZoom(0.1), (None, None, None, 3), (None, None, None, 3)),
    ],
)
def test_compute_output_shape_and_symbolic_calls(layer, in_shape, out_shape):
    assert layer.compute_output_shape(in_shape) == out_shape
    if len(in_shape) == 4 and None not in in_shape[1:]:
        assert tuple(layer(Input(in_shape[1:])).shape) == out_shape
        real = layer(np.zeros((2, *in_shape[1:]), "float32"))
        assert real.shape == (2, *out_shape[1:])


# (Resizing gives integer images back rounded, and at inference RandomContrast and
# RandomBrightness give them back as they are, as Keras: tests/layers/test_int_dtypes.py)
@pytest.mark.parametrize("make_layer", RANDOM_LAYERS)
def test_integer_images_give_float32_outputs(make_layer):
    x = image_input((2, 5, 7, 3)).astype("uint8")
    assert make_layer()(x, training=True).dtype == np.float32
    kept = make_layer().identity_keeps_integers
    assert make_layer()(x, training=False).dtype == (np.uint8 if kept else np.float32)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Resizing(0, 4), "positive integer"),
        (lambda: Resizing(3, 4.5), "positive integer"),
        (lambda: Resizing(3, 4, interpolation="bilinera"), "Did you mean 'bilinear'"),
        # (as Keras: the call refuses it, the layer itself builds)
        (
            lambda: Resizing(3, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)(
                np.ones((1, 4, 4, 1))
            ),
            "Only one",
        ),
        (lambda: Resizing(3, 4, fill_mode="reflect"), "constant"),
        (lambda: Resizing(3, 4, data_format="nhwc"), "channels_last"),
        (lambda: CenterCrop(-1, 4), "positive integer"),
        (lambda: RandomCrop(3, 4, seed="x"), "seed"),
        (lambda: RandomFlip("horizontl"), "Did you mean 'horizontal'"),
        (lambda: RandomRotation(1.5), "factor"),
        (lambda: RandomRotation("big"), "factor"),
        (lambda: RandomRotation(0.1, fill_mode="mirror"), "fill_mode"),
        (lambda: RandomRotation(0.1, interpolation="bicubic"), "interpolation"),
        (lambda: RandomTranslation((0.1, 0.2, 0.3), 0.1), "height_factor"),
        (lambda: RandomTranslation(0.1, 1.2), "width_factor"),
        (lambda: RandomZoom(-1.0), "(-1.0, 1.0]"),
        (lambda: RandomContrast(1.5), "factor"),
        (lambda: RandomContrast(0.2, value_range=255), "value_range"),
        (lambda: RandomBrightness((0.1,)), "factor"),
        (lambda: RandomBrightness(0.1, value_range=(0, 1, 2)), "value_range"),
    ],
)
def test_bad_arguments_raise_config_errors(make, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("]", r"\]")):
        make()


@pytest.mark.parametrize("shape", [(5, 7), (1, 2, 5, 7, 3)])
def test_inputs_of_the_wrong_rank_raise_shape_errors(shape):
    with pytest.raises(ShapeError, match="rank"):
        Resizing(3, 4)(np.zeros(shape, "float32"))
    with pytest.raises(ShapeError):
        Resizing(3, 4).compute_output_shape(shape)


def test_repr_is_readable():
    assert repr(Resizing(3, 4, name="r")) == "Resizing(3, 4, name='r')"
    assert "interpolation='nearest'" in repr(Resizing(3, 4, interpolation="nearest"))
    assert repr(CenterCrop(2, 5, name="c")) == "CenterCrop(2, 5, name='c')"
    assert repr(RandomFlip("vertical", name="f")) == "RandomFlip('vertical', name='f')"
    assert "factor=(-0.2, 0.2)" in repr(RandomRotation(0.2))
    assert "value_range=(0, 1)" in repr(RandomContrast(0.1, value_range=(0, 1)))


# -- in models -------------------------------------------------------------------------
def test_augmentation_in_a_sequential_trains_and_predicts_deterministically():
    set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (16, 8, 8, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    model = Sequential(
        [
            Input((8, 8, 3)),
            RandomFlip(),
            RandomRotation(0.1, fill_mode="nearest"),
            RandomTranslation(0.1, 0.1),
            RandomZoom(0.1),
            RandomContrast(0.2, value_range=(0, 1)),
            RandomBrightness(0.1, value_range=(0, 1)),
            Conv2D(2, 3),
            Flatten(),
            Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    first = model.predict(x, verbose=0)
    np.testing.assert_array_equal(first, model.predict(x, verbose=0))
    assert np.isfinite(model.evaluate(x, y, verbose=0))


def test_resizing_and_cropping_in_a_model_train_their_input_gradient():
    set_random_seed(1)
    x = np.random.default_rng(1).uniform(0, 1, (8, 9, 11, 2)).astype("float32")
    y = np.random.default_rng(2).normal(size=(8, 1)).astype("float32")
    model = Sequential(
        [
            Input((9, 11, 2)),
            Conv2D(2, 1),  # before the resize: trains only through its backward pass
            Resizing(6, 6, interpolation="bicubic"),
            RandomCrop(4, 4),
            CenterCrop(3, 3),
            Flatten(),
            Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    kernel = model.layers[0].kernel.numpy().copy()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(model.layers[0].kernel.numpy(), kernel)
    assert model.predict(x, verbose=0).shape == (8, 1)


def test_models_with_image_layers_save_and_load(tmp_path, monkeypatch):
    import numkeras.layers
    from numkeras.models import load_model

    for cls in CLASSES.values():  # (as the exports in numkeras.layers will make them)
        monkeypatch.setattr(numkeras.layers, cls.__name__, cls, raising=False)
    model = Sequential(
        [
            Input((9, 11, 3)),
            Resizing(6, 6, interpolation="bicubic"),
            RandomFlip("horizontal", seed=3),
            RandomRotation((-0.1, 0.2), fill_mode="constant", fill_value=0.5),
            RandomContrast(0.2, value_range=(0, 1)),
            CenterCrop(4, 5),
            Flatten(),
            Dense(1),
        ]
    )
    x = np.random.default_rng(0).uniform(0, 1, (2, 9, 11, 3)).astype("float32")
    path = tmp_path / "augment.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(model.layers, loaded.layers):
        assert _jsonable(a.get_config()) == _jsonable(b.get_config())


def test_affine_plan_rejects_projective_and_malformed_transforms():
    with pytest.raises(ConfigError, match="c0 and c1"):
        iu.affine_plan([1, 0, 0, 0, 1, 0, 0.1, 0], (3, 3))
    with pytest.raises(ShapeError, match=r"\(8,\)"):
        iu.affine_plan([1, 0, 0, 0, 1, 0], (3, 3))
    with pytest.raises(ConfigError, match="Did you mean 'reflect'"):
        iu.affine_plan([1, 0, 0, 0, 1, 0, 0, 0], (3, 3), fill_mode="reflekt")
