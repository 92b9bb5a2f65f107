"""`numkeras.ops.image` against Keras 3 on JAX (goldens from scripts/goldens/make_ops_image.py):
eager outputs, dtypes and errors for every case; shapes inferred on symbolic tensors; the
backward passes against central differences in float64; a functional model chaining the
ops (Keras's config and prediction); `Model(x, resize(x, (4, 4)))` with a Dense after it
predicting, training and saving/loading as `.keras`; and the documented deviations."""

import importlib.util
import json
import pathlib
import types

import numpy as np
import pytest

import numkeras
from numkeras import backend, layers, optimizers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import Input
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.models import Model
from numkeras.models.config import as_json_types
from numkeras.ops import image
from numkeras.utils.gradcheck import numeric_gradient

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "ops_image.json").read_text())
CASES = {c["label"]: c for c in GOLD["eager"]}


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_image.py"
    spec = importlib.util.spec_from_file_location("make_ops_image", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
# Keras fails on these; numkeras broadcasts one transform (or one set of points) over the batch
BROADCAST = {"affine_one_for_batch", "perspective_one_for_batch"}


def _args(case):
    return [SCRIPT.build(s) for s in case["inputs"]]


def _call(case):
    return getattr(image, case["fn"])(*_args(case), **case["kwargs"])


@pytest.mark.parametrize("label", sorted(CASES))
def test_eager_matches_keras(label):
    case = CASES[label]
    if label in BROADCAST:
        pytest.skip("checked in test_one_transform_for_a_batch")
    if "error" in case:
        with pytest.raises(ValueError) as info:  # ConfigError / ShapeError are ValueErrors
            _call(case)
        assert isinstance(info.value, (ConfigError, ShapeError)), type(info.value)
        return
    out = np.asarray(_call(case))
    assert str(out.dtype) == case["dtype"]
    assert list(out.shape) == case["shape"]
    want = np.asarray(case["output"]).reshape(case["shape"])
    if out.dtype.kind in "iu":  # rounding of values right at .5 may differ by one
        np.testing.assert_allclose(out, want, atol=1)
        assert np.mean(out == want) > 0.95
    else:
        np.testing.assert_allclose(out, want, rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("label", sorted(BROADCAST))
def test_one_transform_for_a_batch(label):
    """Keras on JAX fails to reshape a single transform for a batch; numkeras applies it
    to every image, as to each image alone."""
    case = CASES[label]
    args = _args(case)
    out = getattr(image, case["fn"])(*args, **case["kwargs"])
    for i in range(args[0].shape[0]):
        alone = getattr(image, case["fn"])(args[0][i], *args[1:], **case["kwargs"])
        np.testing.assert_allclose(out[i], alone, rtol=1e-6)


def _symbolic(value):
    """A batched image argument as a symbolic tensor with an unknown batch."""
    return KerasTensor((None, *value.shape[1:]), dtype=str(value.dtype))


SYMBOLIC = [
    label
    for label, c in CASES.items()
    if "error" not in c
    and label not in BROADCAST
    and len(c["inputs"][0].get("image", ())) == 4
    and c["fn"] not in ("extract_patches", "scale_and_translate")
]


@pytest.mark.parametrize("label", sorted(SYMBOLIC))
def test_symbolic_shape_and_dtype(label):
    case = CASES[label]
    args = _args(case)
    sym = [_symbolic(args[0])] + [
        _symbolic(a) if case["fn"] == "ssim" and i == 0 else a for i, a in enumerate(args[1:])
    ]
    out = getattr(image, case["fn"])(*sym, **case["kwargs"])
    assert isinstance(out, KerasTensor)
    want = case["shape"]
    assert list(out.shape) == ([None, *want[1:]] if want else [])
    assert out.dtype == case["dtype"]


def test_symbolic_unknown_spatial_sizes():
    x = KerasTensor((None, None, None, 3))
    assert image.resize(x, (4, 5)).shape == (None, 4, 5, 3)
    assert image.pad_images(x, 1, 2, 3, 4).shape == (None, None, None, 3)
    assert image.crop_images(x, 1, 2, target_height=3, target_width=4).shape == (None, 3, 4, 3)
    assert image.extract_patches(x, 2).shape == (None, None, None, 12)
    with pytest.raises(ShapeError, match="target_height"):
        image.crop_images(x, 1, 2, 3, 4)
    assert image.extract_patches(KerasTensor((None, 8, 9, 2)), 3, padding="same").shape == (
        None,
        3,
        3,
        18,
    )


# -- gradients ----------------------------------------------------------------------------------
def _check_grad(fn, *xs, rtol=1e-6, atol=1e-8):
    """The recorded operation's input gradient of `sum(fn(*xs) * r)` (for the first,
    float64 argument) against central differences."""
    rng = np.random.default_rng(0)
    x = xs[0]
    sym = KerasTensor(x.shape, dtype=str(x.dtype))
    out = fn(sym, *xs[1:])
    op = out.node.layer
    got, cache = op.forward([x])
    assert got.dtype == np.float64
    r = rng.normal(size=got.shape)
    grad = op.backward(cache, r)[0]

    def f():
        return float((op.forward([x])[0] * r).sum())

    np.testing.assert_allclose(grad, numeric_gradient(f, x), rtol=rtol, atol=atol)


def _img(shape, scale=1.0):
    return SCRIPT.pattern(shape, "float64", scale)


GRADS = {
    "resize_bilinear": lambda s: image.resize(s, (3, 4)),
    "resize_up_bicubic": lambda s: image.resize(s, (6, 9), interpolation="bicubic"),
    "resize_nearest": lambda s: image.resize(s, (3, 8), interpolation="nearest"),
    "resize_lanczos_aa": lambda s: image.resize(
        s, (2, 3), interpolation="lanczos3", antialias=True
    ),
    "resize_crop": lambda s: image.resize(s, (3, 3), crop_to_aspect_ratio=True),
    "resize_pad": lambda s: image.resize(s, (3, 3), pad_to_aspect_ratio=True, fill_value=0.5),
    "resize_cf": lambda s: image.resize(s, (2, 3), data_format="channels_first"),
    "crop": lambda s: image.crop_images(s, 1, 2, target_height=2, target_width=3),
    "crop_cf": lambda s: image.crop_images(s, 0, 1, 1, 0, data_format="channels_first"),
    "pad": lambda s: image.pad_images(s, 1, 0, 2, 3),
    "pad_cf": lambda s: image.pad_images(
        s, 1, 1, target_height=6, target_width=8, data_format="channels_first"
    ),
    "grayscale": lambda s: image.rgb_to_grayscale(s),
    "grayscale_cf": lambda s: image.rgb_to_grayscale(s, data_format="channels_first"),
    "hsv_to_rgb": lambda s: image.hsv_to_rgb(s),
    "rgb_to_hsv": lambda s: image.rgb_to_hsv(s),
    "rgb_to_hsv_cf": lambda s: image.rgb_to_hsv(s, data_format="channels_first"),
    "elastic": lambda s: image.elastic_transform(s, 3.0, 1.0, seed=3),
    "elastic_nearest_cf": lambda s: image.elastic_transform(
        s, 2.0, 0.8, "nearest", "constant", 0.5, seed=4, data_format="channels_first"
    ),
    "blur": lambda s: image.gaussian_blur(s, (5, 3), (1.2, 0.7), data_format="channels_last"),
    "blur_cf": lambda s: image.gaussian_blur(s, (4, 3), data_format="channels_first"),
    "patches": lambda s: image.extract_patches(s, 2),
    "patches_same": lambda s: image.extract_patches(s, (2, 3), strides=(1, 2), padding="same"),
    "patches_dilated_cf": lambda s: image.extract_patches(
        s, 2, strides=1, dilation_rate=2, padding="same", data_format="channels_first"
    ),
    "sobel": lambda s: image.sobel_edges(s),
    "sobel_cf": lambda s: image.sobel_edges(s, data_format="channels_first"),
}
SHAPES = {
    "resize_cf": (2, 3, 4, 5),
    "crop_cf": (2, 3, 4, 5),
    "pad_cf": (2, 3, 4, 5),
    "grayscale_cf": (2, 3, 4, 5),
    "rgb_to_hsv_cf": (2, 3, 4, 5),
    "elastic_nearest_cf": (2, 2, 4, 5),
    "blur_cf": (2, 3, 4, 5),
    "patches_dilated_cf": (2, 2, 4, 5),
    "sobel": (2, 4, 5, 2),
    "sobel_cf": (1, 2, 4, 5),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_backward_matches_finite_differences(name):
    x = _img(SHAPES.get(name, (2, 4, 5, 3)))
    if "hsv" in name:
        x = x * 0.9 + 0.05  # (away from 0: hue 0 is a kink, and near-zero values are zeroed)
    _check_grad(GRADS[name], x)


def test_backward_of_single_images_and_volumes():
    _check_grad(lambda s: image.resize(s, (3, 2)), _img((4, 5, 2)))
    _check_grad(lambda s: image.pad_images(s, 1, 1, 1, 1), _img((3, 4, 2)))
    _check_grad(lambda s: image.extract_patches(s, (2, 2, 3)), _img((4, 5, 6, 2)))


@pytest.mark.parametrize("mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_backward(mode, interpolation):
    t = np.asarray([SCRIPT.ROTATE, SCRIPT.SHIFT], "float32")
    _check_grad(
        lambda s, t: image.affine_transform(s, t, interpolation, mode, 0.3), _img((2, 4, 5, 2)), t
    )


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("mode", ["constant", "reflect", "wrap"])
def test_map_coordinates_backward(order, mode):
    coords = SCRIPT.build(SCRIPT.COORDS)
    _check_grad(lambda s, c: image.map_coordinates(s, c, order, mode, 0.7), _img((5, 7)), coords)


def test_perspective_and_scale_backward():
    start, end = SCRIPT.build(SCRIPT.STARTS), SCRIPT.build(SCRIPT.ENDS)
    _check_grad(
        lambda s, a, b: image.perspective_transform(s, a, b), _img((2, 5, 7, 2)), start, end
    )
    scale, shift = np.array([1.6, 0.7]), np.array([0.5, -0.3])
    _check_grad(
        lambda s, a, b: image.scale_and_translate(s, (2, 8, 5, 2), a, b, (1, 2), "cubic"),
        _img((2, 5, 7, 2)),
        scale,
        shift,
    )


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("batched", [True, False])
def test_ssim_backward(data_format, batched):
    shape = (2, 6, 5, 2) if batched else (6, 5, 2)
    a, b = _img(shape), _img(shape, 0.7)[::-1].copy()
    if data_format == "channels_first":
        a, b = np.moveaxis(a, -1, -3).copy(), np.moveaxis(b, -1, -3).copy()
    rng = np.random.default_rng(0)
    sa, sb = (KerasTensor(v.shape, dtype="float64") for v in (a, b))
    op = image.ssim(sa, sb, filter_size=3, data_format=data_format).node.layer
    out, cache = op.forward([a, b])
    r = rng.normal(size=out.shape)
    ga, gb = op.backward(cache, r)
    for v, g in ((a, ga), (b, gb)):
        want = numeric_gradient(lambda: float((op.forward([a, b])[0] * r).sum()), v)
        np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-9)


def test_elastic_transform_seeds_and_identity():
    x = SCRIPT.pattern((2, 6, 7, 3))
    first = image.elastic_transform(x, 4.0, 1.0, seed=5)
    assert first.dtype == np.float32 and first.shape == x.shape
    np.testing.assert_array_equal(first, image.elastic_transform(x, 4.0, 1.0, seed=5))
    assert not np.allclose(first, image.elastic_transform(x, 4.0, 1.0, seed=6))
    np.testing.assert_array_equal(image.elastic_transform(x, 0.0, 1.0, seed=5), x)
    numkeras.utils.set_random_seed(2)
    drawn = image.elastic_transform(x, 4.0, 1.0)
    numkeras.utils.set_random_seed(2)
    np.testing.assert_array_equal(drawn, image.elastic_transform(x, 4.0, 1.0))
    # the fields move pixels off the diagonal too (Keras draws dx == dy)
    op = image.ElasticTransform(4.0, 1.0, seed=5)
    plan = op._plan((6, 7), 1)
    assert plan is not None
    with pytest.raises(ConfigError, match="sigma"):
        image.elastic_transform(x, sigma=0.0)


def test_a_layer_before_the_colour_conversions_trains():
    """A Dense before rgb_to_hsv / hsv_to_rgb trains through their backward passes."""
    numkeras.utils.set_random_seed(0)
    inp = Input(shape=(4, 5, 3))
    h = layers.Dense(3, activation="sigmoid")(inp)
    h = image.hsv_to_rgb(image.rgb_to_hsv(h))
    model = Model(inp, layers.Dense(1)(layers.Flatten()(h)))
    x = SCRIPT.pattern((4, 4, 5, 3))
    _first_kernel_step_matches_finite_differences(
        model, x, np.ones((4, 1), "float32"), eps=1e-3, atol=1e-3
    )


def test_transforms_take_no_gradient():
    x, t = Input(shape=(5, 7, 3)), Input(shape=(8,))
    out = image.affine_transform(x, t)
    op = out.node.layer
    data = [_img((2, 5, 7, 3)), np.tile(np.asarray(SCRIPT.SHIFT), (2, 1))]
    y, cache = op.forward(data)
    gx, gt = op.backward(cache, np.ones_like(y))
    assert gx.shape == data[0].shape and gt is None


# -- models -------------------------------------------------------------------------------------
@pytest.fixture
def wired(monkeypatch):
    """`operation_classes()` with "keras.src.ops.image" (numkeras/ops/__init__.py lists
    it; the fixture adds it only where a checkout does not)."""
    import numkeras.ops as ops_package

    original = ops_package.operation_classes

    def with_image():
        table = original()
        table.setdefault("keras.src.ops.image", dict(image.OPS))
        return table

    monkeypatch.setattr(ops_package, "operation_classes", with_image)


def _chain_model():
    backend.clear_session(free_memory=False)  # Keras's automatic names, as the goldens were made
    lib = types.SimpleNamespace(ops=types.SimpleNamespace(image=image))
    x, t = Input(shape=SCRIPT.MODEL_INPUT), Input(shape=(8,))
    return Model([x, t], SCRIPT.model_outputs(lib, x, t))


def _chain_data():
    return [
        SCRIPT.pattern((2, *SCRIPT.MODEL_INPUT)),
        np.asarray([SCRIPT.ROTATE, SCRIPT.SHIFT], "float32"),
    ]


def test_chain_model_config_and_prediction_match_keras():
    model = _chain_model()
    want = GOLD["model"]["config"]["layers"]
    ours = as_json_types(model.get_config())["layers"]
    assert [la["class_name"] for la in ours] == [la["class_name"] for la in want]
    for o, w in zip(ours, want):
        if w["module"] == "keras.src.ops.image":
            assert o["module"] == w["module"]
            assert o["config"] == w["config"], w["class_name"]
    out = model.predict(_chain_data(), verbose=0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.asarray(GOLD["model"]["output"]), rtol=1e-5, atol=2e-6)


def test_chain_model_saves_and_loads(tmp_path, wired):
    model = _chain_model()
    model.save(tmp_path / "chain.keras")
    again = numkeras.saving.load_model(tmp_path / "chain.keras")
    data = _chain_data()
    np.testing.assert_allclose(again.predict(data, verbose=0), model.predict(data, verbose=0))


def _resize_model():
    x = Input(shape=(5, 7, 3))
    y = image.resize(x, (4, 4))
    y = layers.Flatten()(y)
    return Model(x, layers.Dense(2)(y))


def test_resize_model_predicts_trains_saves_and_loads(tmp_path, wired):
    numkeras.utils.set_random_seed(0)
    model = _resize_model()
    x = SCRIPT.pattern((8, 5, 7, 3))
    y = np.stack([x.mean(axis=(1, 2, 3)), x[:, 0, 0, 0]], axis=1).astype("float32")
    config = as_json_types(model.get_config())
    resize_entry = next(la for la in config["layers"] if la["class_name"] == "Resize")
    assert resize_entry["module"] == "keras.src.ops.image"
    assert resize_entry["config"]["size"] == [4, 4]
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=4, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    assert after < before
    model.save(tmp_path / "resize.keras")
    again = numkeras.saving.load_model(tmp_path / "resize.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def _first_kernel_step_matches_finite_differences(model, x, y, eps=1e-2, rtol=2e-2, atol=1e-4):
    """One SGD step on the first Dense's kernel equals `lr` times the finite-difference
    gradient of the loss (so the gradient passed back through the image ops is right)."""
    dense = next(la for la in model.layers if isinstance(la, layers.Dense))
    kernel = dense.kernel
    w0 = kernel.value.copy()
    model.compile(optimizer=optimizers.SGD(1.0), loss="mse")

    def loss():
        return float(model.test_on_batch(x, y))

    fd = np.zeros(w0.shape[1:])
    for j in range(w0.shape[1]):  # (the first input unit's row: enough, and fast)
        i = (0, j)
        kernel.value[i] = w0[i] + eps
        up = loss()
        kernel.value[i] = w0[i] - eps
        down = loss()
        kernel.value[i] = w0[i]
        fd[j] = (up - down) / (2 * eps)
    model.train_on_batch(x, y)
    np.testing.assert_allclose((w0 - kernel.value)[0], fd, rtol=rtol, atol=atol)
    assert np.abs(fd).max() > 1e-3  # (the check means something)


def test_gradient_reaches_a_layer_before_the_ops():
    """A Dense before resize / blur / patches trains: its kernel's gradient through the
    model matches finite differences of the loss."""
    numkeras.utils.set_random_seed(1)
    inp = Input(shape=(4, 5, 2))
    h = layers.Dense(3)(inp)
    h = image.resize(h, (3, 3), interpolation="bicubic")
    h = image.gaussian_blur(h, data_format="channels_last")
    h = image.rgb_to_grayscale(h)
    h = image.extract_patches(h, 2, strides=1)
    model = Model(inp, layers.Dense(1)(layers.Flatten()(h)))
    x = SCRIPT.pattern((3, 4, 5, 2))
    _first_kernel_step_matches_finite_differences(model, x, np.ones((3, 1), "float32"))


# -- validation and deviations ------------------------------------------------------------------
def test_errors_are_clear():
    x = SCRIPT.pattern((5, 7, 3))
    with pytest.raises(ConfigError, match="Did you mean 'bicubic'"):
        image.resize(x, (3, 3), interpolation="bicubc")
    with pytest.raises(ConfigError, match="size"):
        image.resize(x, (3, 0))
    with pytest.raises(ShapeError, match=r"images.shape=\(5, 7\)"):
        image.rgb_to_grayscale(x[..., 0])
    with pytest.raises(ConfigError, match="c0, c1"):
        image.affine_transform(x, [1, 0, 0, 0, 1, 0, 0.1, 0])
    with pytest.raises(ShapeError, match="transform"):
        image.affine_transform(x, np.ones((2, 2, 8)))
    with pytest.raises(ShapeError, match="one transform per image"):
        image.affine_transform(SCRIPT.pattern((3, 5, 7, 3)), np.tile(SCRIPT.SHIFT, (2, 1)))
    with pytest.raises(ShapeError, match="bottom_cropping"):  # JAX clamps the window silently
        image.crop_images(x, top_cropping=3, left_cropping=0, target_height=4, target_width=7)
    with pytest.raises(ConfigError, match="exactly two"):
        image.pad_images(x, 1, 1)
    with pytest.raises(ConfigError, match="sigma"):
        image.gaussian_blur(x, sigma=(0.0, 1.0))
    with pytest.raises(ConfigError, match="float dtype"):
        image.hsv_to_rgb(x.astype("int32"))
    with pytest.raises(ConfigError, match="order"):
        image.map_coordinates(x, np.zeros((3, 2)), order=2)
    with pytest.raises(ShapeError, match="First dim"):
        image.map_coordinates(x, np.zeros((2, 2)), order=1)
    with pytest.raises(ShapeError, match="rank 4"):
        image.sobel_edges(x)


def test_data_format_defaults_to_the_backend_setting():
    x = SCRIPT.pattern((3, 5, 7))
    backend.set_image_data_format("channels_first")
    try:
        assert image.resize(x, (2, 4)).shape == (3, 2, 4)
        assert image.rgb_to_grayscale(x).shape == (1, 5, 7)
        blurred = image.gaussian_blur(x)  # (Keras's eager JAX path reads None as channels-first)
    finally:
        backend.set_image_data_format("channels_last")
    np.testing.assert_allclose(
        blurred, image.gaussian_blur(x, data_format="channels_first"), rtol=1e-6
    )
    assert image.resize(x, (2, 4)).shape == (2, 4, 7)


def test_float32_stays_float32_and_float64_stays_float64():
    for dtype in ("float32", "float64"):
        x = SCRIPT.pattern((2, 5, 7, 3), dtype)
        outs = [
            image.resize(x, (3, 3)),
            image.affine_transform(x, SCRIPT.SHIFT),
            image.crop_images(x, 1, 1, 1, 1),
            image.pad_images(x, 1, 1, 1, 1),
            image.rgb_to_grayscale(x),
            image.rgb_to_hsv(x),
            image.hsv_to_rgb(x),
            image.gaussian_blur(x),
            image.extract_patches(x, 2),
            image.sobel_edges(x),
            image.ssim(x, x * 0.5, filter_size=3),
            image.elastic_transform(x, 2.0, 1.0, seed=0),
            image.map_coordinates(x[0, :, :, 0], np.zeros((2, 3), dtype), order=1),
        ]
        assert {str(o.dtype) for o in outs} == {dtype}


@pytest.mark.parametrize("index", range(len(SCRIPT.OP_CONFIGS)))
def test_op_config_is_the_one_keras_writes(index):
    name, kwargs = SCRIPT.OP_CONFIGS[index]
    want = dict(GOLD["op_configs"][index])
    op = getattr(image, name)(**kwargs)
    ours = as_json_types(op.get_config())
    assert ("name" in ours) == ("name" in want)
    ours.pop("name", None), want.pop("name", None)  # (automatic names differ by counter)
    assert ours == want
    again = type(op).from_config(op.get_config())  # and Keras's config loads here
    assert as_json_types(again.get_config()) == as_json_types(op.get_config())


def test_configs_round_trip():
    for op in (
        image.Resize((3, 4), "bicubic", antialias=True, data_format="channels_first"),
        image.AffineTransform("nearest", "wrap", 0.5),
        image.CropImages(1, 2, target_height=3, target_width=4),
        image.PadImages(1, 2, 3, 4),
        image.GaussianBlur((5, 3), (1.0, 2.0)),
        image.MapCoordinates(1, "mirror"),
        image.SSIM(max_val=255.0),
    ):
        again = type(op).from_config(op.get_config())
        assert again.get_config() == op.get_config()
    patches = image.ExtractPatches(3, padding="same")
    assert patches.get_config() == {
        "size": [3, 3],
        "strides": [3, 3],
        "dilation_rate": 1,
        "padding": "same",
        "data_format": "channels_last",
    }
    assert image.ExtractPatches.from_config(patches.get_config()).size == (3, 3)
