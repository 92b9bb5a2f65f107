"""The image augmentation layers (RandomGrayscale, Solarization, AutoContrast,
RandomInvert, RandomPosterization, RandomSharpness, RandomShear, RandomErasing,
RandomGaussianBlur, RandomSaturation, RandomHue, RandomColorDegeneration,
RandomColorJitter, Equalization) against real Keras 3 on JAX (goldens from
scripts/goldens/make_image_augmentation.py): calls with a fixed draw, Keras's
`transform_images` for given draws, configs. Then gradients against finite differences,
the random behaviour by its properties, errors, shapes, and training in a model."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import Conv2D, Dense, Flatten, Input
from numkeras.layers.auto_contrast import AutoContrast
from numkeras.layers.equalization import Equalization
from numkeras.layers.random_color_degeneration import RandomColorDegeneration
from numkeras.layers.random_color_jitter import RandomColorJitter
from numkeras.layers.random_erasing import RandomErasing
from numkeras.layers.random_gaussian_blur import RandomGaussianBlur
from numkeras.layers.random_grayscale import RandomGrayscale
from numkeras.layers.random_hue import RandomHue
from numkeras.layers.random_invert import RandomInvert
from numkeras.layers.random_posterization import RandomPosterization
from numkeras.layers.random_saturation import RandomSaturation
from numkeras.layers.random_sharpness import RandomSharpness
from numkeras.layers.random_shear import RandomShear
from numkeras.layers.solarization import Solarization
from numkeras.models import Sequential
from numkeras.utils import set_random_seed
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "image_augmentation.json").read_text()
)
CLASSES = {
    c.__name__: c
    for c in (
        RandomGrayscale,
        Solarization,
        AutoContrast,
        RandomInvert,
        RandomPosterization,
        RandomSharpness,
        RandomShear,
        RandomErasing,
        RandomGaussianBlur,
        RandomSaturation,
        RandomHue,
        RandomColorDegeneration,
        RandomColorJitter,
        Equalization,
    )
}
TOL = dict(rtol=1e-5, atol=2e-4)  # (goldens are rounded to 4 decimals)


def image_input(shape, scale=1.0):
    """As the goldens script: exact, varied values in [0, 100] (times `scale`)."""
    n = int(np.prod(shape))
    x = ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)
    return x * np.float32(scale)


def _case_id(case):
    return (
        case["class"] + ",".join(f"{k}={v}" for k, v in case["kwargs"].items()) + str(case["shape"])
    )


# -- goldens ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", GOLD["calls"], ids=_case_id)
def test_calls_with_a_fixed_draw_match_keras(case):
    layer = CLASSES[case["class"]](**case["kwargs"])
    x = image_input(case["shape"], case["scale"])
    if case.get("input_from") == "channels_last":  # (AutoContrast channels_first)
        x = np.ascontiguousarray(np.moveaxis(image_input((1, 5, 7, 2)), -1, 1))
    out = layer(x, training=True)
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_allclose(out, case["output"], **TOL)
    if case["class"] != "AutoContrast":  # (not random: active at inference too)
        np.testing.assert_array_equal(layer(x, training=False), x)
    else:
        np.testing.assert_allclose(layer(x, training=False), case["output"], **TOL)


@pytest.mark.parametrize("case", GOLD["equalization"], ids=_case_id)
def test_equalization_matches_keras_image_by_image(case):
    layer = Equalization(**case["kwargs"])
    x = image_input(case["shape"], case["scale"])
    out = layer(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)
    np.testing.assert_array_equal(layer(x, training=False), x)  # (as Keras)


@pytest.mark.parametrize("case", GOLD["transforms"], ids=_case_id)
def test_transform_images_for_given_draws_matches_keras(case):
    layer = CLASSES[case["class"]](**case["kwargs"])
    x = image_input(case["shape"], case["scale"])
    t = {k: np.asarray(v) for k, v in case["transformation"].items()}
    out = layer.transform_images(x, t)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)


def _jsonable(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize(
    "case",
    [c for c in GOLD["configs"] if c["class"] in CLASSES],
    ids=lambda c: c["class"] + str(c["kwargs"]),
)
def test_get_config_matches_keras_and_round_trips(case):
    cls = CLASSES[case["class"]]
    layer = cls(**case["kwargs"], name=case["config"]["name"])
    assert _jsonable(layer.get_config()) == case["config"]
    clone = cls.from_config(case["config"])
    assert _jsonable(clone.get_config()) == case["config"]


# -- gradients -------------------------------------------------------------------------
def _check_gradient(make_layer, shape, seed=0, low=0.0, high=100.0):
    """backward() of a fresh `make_layer()` against central differences (float64); each
    evaluation builds the layer again, so a seeded random layer draws the same transform."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, high, shape)
    layer = make_layer()
    out, cache = layer.forward(x, training=True)
    assert out.dtype == np.float64
    assert not np.allclose(out, x)  # (the transform was applied)
    r = rng.normal(size=out.shape)
    grad = layer.backward(cache, r.copy())
    numeric = numeric_gradient(
        lambda: float((make_layer().forward(x, training=True)[0] * r).sum()), x, eps=1e-4
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


F64 = dict(dtype="float64")


@pytest.mark.parametrize(
    "make_layer, shape",
    [
        (lambda: RandomGrayscale(0.6, seed=1, **F64), (4, 3, 4, 3)),
        (lambda: RandomGrayscale(1.0, data_format="channels_first", **F64), (3, 3, 4)),
        (lambda: RandomInvert(seed=2, **F64), (4, 3, 4, 2)),
        (lambda: Solarization((0.1, 0.3), (0.2, 0.4), seed=3, **F64), (2, 3, 4, 2)),
        (lambda: RandomSharpness(1.0, value_range=(-1e4, 1e4), seed=4, **F64), (2, 4, 5, 2)),
        (
            lambda: RandomSharpness(
                (0.1, 0.9), value_range=(0, 70), data_format="channels_first", seed=5, **F64
            ),
            (2, 2, 4, 5),
        ),
        (lambda: RandomShear(0.4, 0.3, seed=6, **F64), (2, 4, 5, 2)),
        (
            lambda: RandomShear((0.2, 0.5), fill_mode="constant", fill_value=2.0, seed=7, **F64),
            (1, 4, 5, 1),
        ),
        (lambda: RandomErasing(fill_value=3.0, seed=8, **F64), (3, 5, 6, 2)),
        (lambda: RandomErasing(seed=8, data_format="channels_first", **F64), (3, 2, 5, 6)),
        (lambda: RandomGaussianBlur(value_range=(0, 60), seed=9, **F64), (3, 4, 5, 2)),
        (
            lambda: RandomGaussianBlur(
                (1.0, 1.0), kernel_size=(5, 3), data_format="channels_first", seed=9, **F64
            ),
            (1, 2, 4, 6),
        ),
        (lambda: RandomColorDegeneration(0.8, value_range=(0, 90), seed=1, **F64), (3, 3, 4, 3)),
        (lambda: AutoContrast(**F64), (2, 3, 4, 2)),  # (through each channel's min and max)
        (lambda: AutoContrast((0, 100), data_format="channels_first", **F64), (2, 2, 3, 4)),
        (
            lambda: RandomColorDegeneration(
                (0.3, 0.6), data_format="channels_first", seed=2, **F64
            ),
            (2, 3, 3, 4),
        ),
        (
            lambda: RandomColorJitter(
                value_range=(0, 90), brightness_factor=0.2, contrast_factor=0.5, seed=3, **F64
            ),
            (2, 3, 4, 3),
        ),
    ],
)
def test_backward_matches_finite_differences(make_layer, shape):
    _check_gradient(make_layer, shape)


@pytest.mark.parametrize(
    "layer",
    [
        RandomPosterization((4, 4)),
        Equalization(),
        RandomSaturation((0.8, 0.8)),
        RandomHue((0.4, 0.4)),
        RandomColorJitter(brightness_factor=0.1, hue_factor=0.2),
    ],
)
def test_non_differentiated_layers_pass_a_zero_gradient(layer):
    x = image_input((2, 4, 5, 3))
    out, cache = layer.forward(x, training=True)
    assert not np.allclose(out, x)
    grad = layer.backward(cache, np.ones_like(out))
    assert grad.shape == x.shape and not grad.any()


# -- random behaviour ------------------------------------------------------------------
RANDOM_LAYERS = [
    lambda: RandomGrayscale(),
    lambda: Solarization(0.5, (0.2, 0.8)),
    lambda: RandomInvert(),
    lambda: RandomPosterization(6),
    lambda: RandomSharpness(1.0),
    lambda: RandomShear(0.3, 0.3),
    lambda: RandomErasing(),
    lambda: RandomGaussianBlur(),
    lambda: RandomSaturation(0.8),
    lambda: RandomHue(0.5),
    lambda: RandomColorDegeneration(0.7),
    lambda: RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, hue_factor=0.2),
]


@pytest.mark.parametrize("make_layer", RANDOM_LAYERS)
def test_random_layers_are_identity_at_inference_and_reproducible(make_layer):
    x = image_input((6, 5, 7, 3))
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
    assert not np.allclose(layer(x, training=True), first)  # a new draw


@pytest.mark.parametrize(
    "make_layer",
    [
        lambda seed: RandomShear(0.3, seed=seed),
        lambda seed: RandomErasing(seed=seed),
        lambda seed: RandomSharpness(0.8, seed=seed),
    ],
)
def test_an_own_seed_gives_its_own_reproducible_stream(make_layer):
    x = image_input((6, 5, 7, 3))
    np.testing.assert_array_equal(make_layer(5)(x), make_layer(5)(x))
    assert not np.array_equal(make_layer(5)(x), make_layer(6)(x))


@pytest.mark.parametrize(
    "make_layer",
    [
        lambda: RandomGrayscale(0.0),
        lambda: RandomInvert(0.0),
        lambda: RandomSharpness((0.5, 0.5)),  # s = 1: the identity
        lambda: RandomShear(0.0, 0.0),
        lambda: RandomErasing(0.0),
        lambda: RandomGaussianBlur(0.0),
        lambda: RandomSaturation((0.5, 0.5)),  # u / (1 - u) = 1
        lambda: RandomHue(0.0),
        lambda: RandomColorDegeneration(0.0),
        lambda: RandomColorJitter(brightness_factor=0.0, saturation_factor=(0.5, 0.5)),
    ],
)
def test_factor_zero_is_identity_in_training(make_layer):
    x = image_input((3, 5, 7, 3))
    np.testing.assert_allclose(make_layer()(x, training=True), x, atol=1e-3)


def test_grayscale_and_invert_choose_per_image():
    x = image_input((16, 4, 5, 3))
    out = RandomGrayscale(0.5, seed=0)(x)
    gray = [bool(np.allclose(o, o[..., :1])) for o in out]
    same = [bool(np.array_equal(o, i)) for o, i in zip(out, x)]
    assert all(g or s for g, s in zip(gray, same)) and any(gray) and any(same)
    out = RandomInvert((1.0, 1.0), value_range=(0, 100))(x)
    np.testing.assert_allclose(out, 100 - x)
    out = RandomInvert(seed=1)(x)  # p ~ U(0, 1): about half
    inverted = [bool(np.array_equal(o, 255 - i)) for o, i in zip(out, x)]
    same = [bool(np.array_equal(o, i)) for o, i in zip(out, x)]
    assert all(a or b for a, b in zip(inverted, same)) and any(inverted) and any(same)


def test_solarization_draws_within_the_scaled_ranges():
    x = np.zeros((64, 1, 1, 1), "float32")
    layer = Solarization(addition_factor=(0.2, 0.4), threshold_factor=1.0, seed=2)
    t = layer.get_random_transformation(x)
    assert t["additions"].dtype == np.float32
    assert ((t["additions"] >= 51 - 1e-3) & (t["additions"] <= 102 + 1e-3)).all()
    assert ((t["thresholds"] >= 0) & (t["thresholds"] <= 255)).all()
    out = layer(x)[:, 0, 0, 0]
    below = t["additions"].ravel() < 0  # (all additions are positive)
    assert not below.any() and ((out >= 51 - 1e-3) & (out <= 255 - 51 + 1e-3)).all()


def test_posterization_keeps_the_drawn_number_of_bits():
    x = np.arange(256, dtype="float32").reshape(1, 16, 16, 1).repeat(40, axis=0)
    out = RandomPosterization((2, 5), seed=3)(x)
    kept = set()
    for o in out:
        step = int(np.diff(np.unique(o)).min())
        kept.add(8 - int(np.log2(step)))
        np.testing.assert_array_equal(o, np.floor(x[0] / step) * step)
    assert kept == {2, 3, 4, 5}  # the upper end is drawn too (Keras: exclusive)


def test_auto_contrast_stretches_each_channel_and_keeps_constant_ones():
    x = image_input((2, 4, 5, 3)) * 0.5 + 20
    x[1, ..., 2] = 42.0
    out = AutoContrast()(x)
    assert out.min(axis=(1, 2))[0].tolist() == [0, 0, 0]
    np.testing.assert_allclose(out.max(axis=(1, 2))[0], 255)
    np.testing.assert_array_equal(out[1, ..., 2], 42.0)


def test_erasing_fills_one_rectangle_within_the_scale():
    x = image_input((20, 10, 12, 3)) + 1000.0
    layer = RandomErasing(factor=(1.0, 1.0), scale=(0.1, 0.3), fill_value=(1, 2, 3), seed=4)
    out = layer(x, training=True)
    for o in out:
        erased = o < 1000  # (every input value is at least 1000)
        rows, cols = np.nonzero(erased[..., 0])
        area = (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
        assert erased[..., 0].sum() == area  # one rectangle
        assert 0.1 * 120 * 0.5 <= area <= 0.3 * 120 * 1.6
        np.testing.assert_array_equal(o[rows, cols], np.broadcast_to([1, 2, 3], (len(rows), 3)))


def test_erasing_noise_fill_is_clipped_to_the_value_range():
    x = np.full((4, 6, 6, 1), 0.5, "float32")
    out = RandomErasing((1.0, 1.0), value_range=(0, 1), seed=5)(x)
    assert out.min() >= 0 and out.max() <= 1 and (out != 0.5).any()


def test_blur_smooths_and_shear_moves_pixels():
    x = np.zeros((2, 7, 7, 1), "float32")
    x[:, 3, 3] = 100.0
    out = RandomGaussianBlur((1.0, 1.0), kernel_size=5, sigma=(1.0, 1.0), seed=0)(x)
    np.testing.assert_allclose(out.sum(axis=(1, 2, 3)), 100, rtol=1e-5)
    assert out[0, 3, 3, 0] < 100 and out[0, 3, 2, 0] > 0
    out = RandomShear(x_factor=(1.0, 1.0), fill_mode="constant", seed=1)(x)
    # output (x, y) reads input (x + s y, y) with s = +-1: the bright pixel moves in x
    row = out[:, 3, :, 0]
    assert sorted(int(np.argmax(r)) for r in row) in ([0, 0], [0, 6], [6, 6])


def test_hue_keeps_saturation_and_value_and_moves_within_half_a_turn():
    from numkeras.layers import image_utils as iu

    x = image_input((16, 4, 5, 3)) * 2.5
    out = RandomHue(1.0, seed=1)(x)
    hsv_in, hsv_out = iu.rgb_to_hsv(x / 255, 3), iu.rgb_to_hsv(out / 255, 3)
    np.testing.assert_allclose(hsv_out[..., 1:], hsv_in[..., 1:], atol=1e-4)
    shift = (hsv_out[..., 0] - hsv_in[..., 0] + 0.5) % 1 - 0.5
    per_image = shift.reshape(16, -1)
    np.testing.assert_allclose(per_image, per_image[:, :1].repeat(20, axis=1), atol=1e-4)
    assert (np.abs(per_image) <= 0.5 + 1e-4).all() and (per_image < 0).any()
    assert (per_image > 0).any()


def test_saturation_and_degeneration_scale_colour_per_image():
    x = image_input((12, 4, 5, 3))
    gray = RandomSaturation((0.0, 0.0))(x)
    np.testing.assert_allclose(gray, np.broadcast_to(x.max(-1, keepdims=True), x.shape))
    out = RandomColorDegeneration((0.0, 1.0), value_range=(-1e4, 1e4), seed=2)(x)
    g = (x * np.float32([0.2989, 0.5870, 0.1140])).sum(-1, keepdims=True)
    u = ((out - x) / (g - x)).reshape(12, -1)
    assert ((u >= -1e-3) & (u <= 1 + 1e-3)).all() and u.std(axis=0).max() > 0.05


def test_rgb_to_hsv_round_trip():
    from numkeras.layers import image_utils as iu

    x = image_input((2, 4, 5, 3)) / 100
    np.testing.assert_allclose(iu.hsv_to_rgb(iu.rgb_to_hsv(x, 3), 3), x, atol=1e-6)
    xc = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    np.testing.assert_allclose(iu.rgb_to_hsv(xc, 1), np.moveaxis(iu.rgb_to_hsv(x, 3), -1, 1))


def test_color_jitter_draws_from_its_own_seed():
    x = image_input((4, 5, 7, 3))

    def make():
        return RandomColorJitter(brightness_factor=0.3, contrast_factor=0.4, seed=7)

    np.testing.assert_array_equal(make()(x), make()(x))
    layer = make()
    assert not np.array_equal(layer(x), layer(x))


# -- shapes, dtypes, errors, repr ------------------------------------------------------
NEEDS_FACTOR = {RandomPosterization: 4, RandomSharpness: 0.5, RandomSaturation: 0.5}
NEEDS_FACTOR.update({RandomHue: 0.5, RandomColorDegeneration: 0.5})


@pytest.mark.parametrize("cls", CLASSES.values())
def test_compute_output_shape_and_symbolic_calls(cls):
    layer = cls(NEEDS_FACTOR[cls]) if cls in NEEDS_FACTOR else cls()
    assert layer.compute_output_shape((None, 5, 7, 3)) == (None, 5, 7, 3)
    assert layer.compute_output_shape((5, 7, 3)) == (5, 7, 3)
    assert tuple(layer(Input((5, 7, 3))).shape) == (None, 5, 7, 3)
    assert layer(image_input((5, 7, 3))).shape == (5, 7, 3)  # unbatched


@pytest.mark.parametrize(
    "make_layer", [*RANDOM_LAYERS, lambda: AutoContrast(), lambda: Equalization()]
)
def test_integer_images_give_float32_outputs(make_layer):
    # (at inference, a layer that Keras leaves integer images in gives them back as they
    # are: `identity_keeps_integers`, tests/layers/test_int_dtypes.py)
    x = image_input((2, 5, 7, 3)).astype("uint8")
    assert make_layer()(x, training=True).dtype == np.float32
    kept = make_layer().identity_keeps_integers
    assert make_layer()(x, training=False).dtype == (np.uint8 if kept else np.float32)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: RandomGrayscale(1.5), "between 0 and 1"),
        (lambda: RandomGrayscale("x"), "factor"),
        (lambda: RandomGrayscale(seed=1.5), "seed"),
        (lambda: Solarization(addition_factor=1.2), "addition_factor"),
        (lambda: Solarization(threshold_factor=(0.1, 0.2, 0.3)), "threshold_factor"),
        (lambda: Solarization(value_range=255), "value_range"),
        (lambda: AutoContrast(value_range=(0, 1, 2)), "value_range"),
        (lambda: RandomInvert(1.5), "factor"),
        (lambda: RandomPosterization(9), r"\[1, 8\]"),
        (lambda: RandomPosterization(2.5), "integer"),
        (lambda: RandomPosterization((0, 4)), "factor"),
        (lambda: RandomSharpness(-0.5), "factor"),
        (lambda: RandomShear(x_factor=1.5), "x_factor"),
        (lambda: RandomShear(y_factor=(-1.2, 0.2)), "y_factor"),
        (lambda: RandomShear(y_factor=-0.2), "y_factor"),
        (lambda: RandomShear(fill_mode="mirror"), "fill_mode"),
        (lambda: RandomShear(interpolation="bicubic"), "interpolation"),
        (lambda: RandomErasing(scale=(0.1, 0.2, 0.3)), "scale"),
        (lambda: RandomErasing(fill_value=(1, 2)), "fill_value"),
        (lambda: RandomErasing(fill_value="white"), "fill_value"),
        (lambda: RandomGaussianBlur(kernel_size=4), "odd"),
        (lambda: RandomGaussianBlur(kernel_size=(3, 5, 7)), "kernel_size"),
        (lambda: RandomGaussianBlur(sigma=2.0), "sigma"),
        (lambda: RandomGaussianBlur(data_format="nhwc"), "channels_last"),
        (lambda: RandomSaturation(1.5), "factor"),
        (lambda: RandomSaturation(0.5, value_range="rgb"), "value_range"),
        (lambda: RandomHue(-0.2), r"\[0, 1\]"),
        (lambda: RandomColorDegeneration((0.1,)), "factor"),
        (lambda: RandomColorJitter(brightness_factor=2.0), "factor"),
        (lambda: RandomColorJitter(value_range=(0,)), "value_range"),
        (lambda: Equalization(bins=0), "bins"),
        (lambda: Equalization(value_range=None), "value_range"),
    ],
)
def test_bad_arguments_raise_config_errors(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_grayscale_needs_one_or_three_channels():
    with pytest.raises(ShapeError, match="3 channels"):
        RandomGrayscale(1.0)(image_input((1, 4, 5, 2)))
    x = image_input((2, 4, 5, 1))
    np.testing.assert_array_equal(RandomGrayscale(1.0)(x), x)


@pytest.mark.parametrize(
    "layer", [RandomSaturation(0.5), RandomHue(0.5), RandomColorDegeneration(0.5)]
)
def test_colour_layers_need_rgb(layer):
    with pytest.raises(ShapeError, match="3 channels"):
        layer(image_input((1, 4, 5, 2)))


def test_inputs_of_the_wrong_rank_raise_shape_errors():
    with pytest.raises(ShapeError):
        RandomInvert()(np.zeros((5, 7), "float32"))
    with pytest.raises(ShapeError, match="3-D image or a 4-D batch"):
        RandomShear().transform_images(np.zeros((5, 7), "float32"), {"shear_factor": [[0, 0]]})


def test_repr_is_readable():
    assert repr(RandomGrayscale(0.3, name="g")) == "RandomGrayscale(factor=0.3, name='g')"
    assert "value_range=[0, 1]" in repr(AutoContrast(value_range=(1, 0)))
    assert "x_factor=(-0.2, 0.2)" in repr(RandomShear(0.2))
    assert "kernel_size=(3, 3)" in repr(RandomGaussianBlur())


# -- in models -------------------------------------------------------------------------
def test_augmentation_in_a_sequential_trains_and_predicts_deterministically():
    set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (16, 8, 8, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    model = Sequential(
        [
            Input((8, 8, 3)),
            AutoContrast(value_range=(0, 1)),
            RandomPosterization(6, value_range=(0, 1)),
            RandomGrayscale(0.2),
            Solarization(threshold_factor=(0.9, 1.0), value_range=(0, 1)),
            RandomInvert(0.2, value_range=(0, 1)),
            RandomSharpness(0.5, value_range=(0, 1)),
            RandomShear(0.1, 0.1),
            RandomErasing(0.3, value_range=(0, 1)),
            RandomGaussianBlur(0.3, value_range=(0, 1)),
            RandomSaturation(0.6, value_range=(0, 1)),
            RandomHue(0.2, value_range=(0, 1)),
            RandomColorDegeneration(0.4, value_range=(0, 1)),
            RandomColorJitter((0, 1), 0.1, 0.2, 0.3, 0.1),
            Equalization(value_range=(0, 1)),
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


def test_differentiable_layers_train_what_comes_before_them():
    set_random_seed(1)
    x = np.random.default_rng(1).uniform(0, 1, (8, 6, 7, 3)).astype("float32")
    y = np.random.default_rng(2).normal(size=(8, 1)).astype("float32")
    model = Sequential(
        [
            Input((6, 7, 3)),
            Conv2D(3, 1),  # trains only through the augmentation layers' backward passes
            RandomGrayscale(0.5),
            RandomSharpness(0.8, value_range=(-100, 100)),
            RandomShear(0.2, 0.2),
            RandomErasing(0.5, value_range=(-100, 100)),
            RandomGaussianBlur(0.5, value_range=(-100, 100)),
            RandomColorDegeneration(0.5, value_range=(-100, 100)),
            RandomColorJitter((-100, 100), brightness_factor=0.1, contrast_factor=0.2),
            Flatten(),
            Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    kernel = model.layers[0].kernel.numpy().copy()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(model.layers[0].kernel.numpy(), kernel)


def test_models_with_augmentation_layers_save_and_load(tmp_path, monkeypatch):
    import numkeras.layers
    from numkeras.models import load_model

    for cls in CLASSES.values():  # (as the exports in numkeras.layers will make them)
        monkeypatch.setattr(numkeras.layers, cls.__name__, cls, raising=False)
    model = Sequential(
        [
            Input((6, 7, 3)),
            AutoContrast(value_range=(0, 1)),
            RandomShear(0.2, fill_mode="constant", seed=3),
            RandomGaussianBlur(0.5, kernel_size=(5, 3), sigma=(0.2, 0.9), value_range=(0, 1)),
            RandomErasing(fill_value=(0.1, 0.2, 0.3), value_range=(0, 1)),
            RandomColorJitter((0, 1), brightness_factor=0.1, hue_factor=0.2, seed=1),
            Equalization(value_range=(0, 1), bins=32),
            Flatten(),
            Dense(1),
        ]
    )
    x = np.random.default_rng(0).uniform(0, 1, (2, 6, 7, 3)).astype("float32")
    path = tmp_path / "augment.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(model.layers, loaded.layers):
        assert _jsonable(a.get_config()) == _jsonable(b.get_config())
