"""Pipeline, MixUp and CutMix against real Keras 3 on JAX (goldens from
scripts/goldens/make_image_augmentation.py): Keras's `transform_images` /
`transform_labels` for given draws, a pipeline's output and config; then gradients
against finite differences, random properties, dict inputs, errors, and models."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.layers import Conv2D, Dense, Flatten, Input
from numkeras.layers.auto_contrast import AutoContrast
from numkeras.layers.cut_mix import CutMix, box_mix_weight
from numkeras.layers.mix_up import MixUp
from numkeras.layers.pipeline import Pipeline
from numkeras.layers.random_invert import RandomInvert
from numkeras.layers.random_posterization import RandomPosterization
from numkeras.layers.random_sharpness import RandomSharpness
from numkeras.layers.random_shear import RandomShear
from numkeras.models import Sequential
from numkeras.utils import set_random_seed
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "image_augmentation.json").read_text()
)
CLASSES = {"MixUp": MixUp, "CutMix": CutMix}
PIPE_CLASSES = {
    c.__name__: c for c in (RandomInvert, RandomPosterization, AutoContrast, RandomSharpness)
}
TOL = dict(rtol=1e-5, atol=2e-4)


def image_input(shape):
    n = int(np.prod(shape))
    return ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)


def _labels(batch):
    return np.eye(3, dtype="float32")[np.arange(batch) % 3] * 0.8 + 0.1


def _jsonable(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize(
    "case", GOLD["mixing"], ids=lambda c: c["class"] + str(c["kwargs"]) + str(c["shape"])
)
def test_mixing_for_given_draws_matches_keras(case):
    layer = CLASSES[case["class"]](**case["kwargs"])
    x = image_input(case["shape"])
    t = {k: np.asarray(v) for k, v in case["transformation"].items()}
    if case["class"] == "CutMix":
        hw = layer._hw(x.shape)
        np.testing.assert_allclose(box_mix_weight(t["boxes"], *hw), case["mix_weight"], **TOL)
        t["mix_weight"] = box_mix_weight(t["boxes"], *hw)
    out = layer.transform_images(x, t)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)
    labels = layer.transform_labels(_labels(x.shape[0]), t)
    np.testing.assert_allclose(labels, case["labels"], **TOL)


def _pipeline_from_gold():
    layers = [
        PIPE_CLASSES[c["class_name"]].from_config(c["config"])
        for c in GOLD["pipeline"]["config"]["layers"]
    ]
    return Pipeline(layers, name="pipe")


def test_pipeline_output_and_config_match_keras(monkeypatch):
    import numkeras.layers

    gold = GOLD["pipeline"]
    pipe = _pipeline_from_gold()
    # (Keras wrote the config before the call: a call adds the layers' build configs)
    assert _jsonable(pipe.get_config()) == gold["config"]
    out = pipe(image_input(gold["shape"]))  # (training defaults to True, as Keras)
    np.testing.assert_allclose(out, gold["output"], **TOL)
    x = image_input(gold["shape"])
    at_inference = pipe(x, training=False)  # only AutoContrast acts at inference
    np.testing.assert_allclose(at_inference, AutoContrast()(x))
    for cls in PIPE_CLASSES.values():  # (as the exports in numkeras.layers will make them)
        monkeypatch.setattr(numkeras.layers, cls.__name__, cls, raising=False)
    clone = Pipeline.from_config(gold["config"])
    assert _jsonable(clone.get_config()) == gold["config"]
    np.testing.assert_allclose(clone(x), gold["output"], **TOL)


@pytest.mark.parametrize(
    "case", [c for c in GOLD["configs"] if c["class"] in CLASSES], ids=lambda c: c["class"]
)
def test_get_config_matches_keras_and_round_trips(case):
    cls = CLASSES[case["class"]]
    layer = cls(**case["kwargs"], name=case["config"]["name"])
    assert _jsonable(layer.get_config()) == case["config"]
    assert _jsonable(cls.from_config(case["config"]).get_config()) == case["config"]


# -- gradients -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_layer, shape",
    [
        (lambda: MixUp(seed=1, dtype="float64"), (4, 3, 4, 2)),
        (lambda: MixUp(0.5, seed=2, data_format="channels_first", dtype="float64"), (3, 2, 3, 4)),
        (lambda: CutMix(seed=3, dtype="float64"), (4, 5, 6, 2)),
        (
            lambda: Pipeline(
                [
                    RandomShear(0.3, seed=4, dtype="float64"),
                    MixUp(seed=5, dtype="float64"),
                    RandomSharpness(0.7, value_range=(-1e4, 1e4), seed=6, dtype="float64"),
                ],
                dtype="float64",
            ),
            (3, 4, 5, 2),
        ),
    ],
)
def test_backward_matches_finite_differences(make_layer, shape):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, shape)
    layer = make_layer()
    out, cache = layer.forward(x, training=True)
    assert not np.allclose(out, x)
    r = rng.normal(size=out.shape)
    grad = layer.backward(cache, r.copy())
    numeric = numeric_gradient(
        lambda: float((make_layer().forward(x, training=True)[0] * r).sum()), x, eps=1e-4
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


# -- behaviour -------------------------------------------------------------------------
def test_mix_up_blends_pairs_and_labels_alike():
    x = image_input((8, 4, 5, 3))
    labels = np.eye(8, dtype="float32")
    out = MixUp(alpha=0.4, seed=1)({"images": x, "labels": labels})
    assert set(out) == {"images", "labels"} and out["images"].dtype == np.float32
    for i, row in enumerate(out["labels"]):  # row i: w e_i + (1 - w) e_partner
        others = [k for k in range(8) if k != i and row[k] > 0]
        j, w = (others[0], row[i]) if others else (i, 1.0)
        np.testing.assert_allclose(out["images"][i], w * x[i] + (1 - w) * x[j], rtol=1e-5)
    np.testing.assert_allclose(out["labels"].sum(1), 1, rtol=1e-6)
    assert not np.allclose(out["labels"], labels)


def test_cut_mix_pastes_a_rectangle_of_another_image():
    x = np.stack([np.full((6, 8, 1), float(i)) for i in range(6)]).astype("float32")
    labels = np.eye(6, dtype="float32")
    out = CutMix(seed=2)({"images": x, "labels": labels})
    for i in range(6):
        values = set(np.unique(out["images"][i]).tolist())
        assert len(values) <= 2
        foreign = out["images"][i] != i
        if foreign.any():
            rows, cols = np.nonzero(foreign[..., 0])
            assert foreign.sum() == (np.ptp(rows) + 1) * (np.ptp(cols) + 1)  # a rectangle
        np.testing.assert_allclose(out["labels"][i].sum(), 1, rtol=1e-6)


@pytest.mark.parametrize("make_layer", [lambda: MixUp(), lambda: CutMix()])
def test_mixing_layers_identity_at_inference_unbatched_and_reproducible(make_layer):
    x = image_input((6, 4, 5, 3))
    layer = make_layer()
    np.testing.assert_array_equal(layer(x, training=False), x)
    np.testing.assert_array_equal(layer(x[0]), x[0])  # one image: nothing to mix with
    set_random_seed(5)
    first = layer(x)
    set_random_seed(5)
    np.testing.assert_array_equal(layer(x), first)
    assert not np.allclose(first, x)
    out = layer({"images": x, "labels": np.ones((6, 2))}, training=False)
    np.testing.assert_array_equal(out["images"], x)
    np.testing.assert_array_equal(out["labels"], np.ones((6, 2)))


def test_pipeline_shapes_layers_repr_and_errors():
    pipe = Pipeline([RandomInvert(), AutoContrast()], name="p")
    assert pipe.layers[1].__class__ is AutoContrast
    assert pipe.compute_output_shape((None, 5, 7, 3)) == (None, 5, 7, 3)
    assert tuple(pipe(Input((5, 7, 3))).shape) == (None, 5, 7, 3)
    assert repr(pipe) == "Pipeline([RandomInvert, AutoContrast], name='p')"
    with pytest.raises(ConfigError, match="list of layers"):
        Pipeline(RandomInvert())
    with pytest.raises(ConfigError, match="layers"):
        Pipeline.from_config({"name": "x"})
    with pytest.raises(ConfigError, match="alpha"):
        MixUp(alpha=0)
    with pytest.raises(ConfigError, match="factor"):
        CutMix(1.5)
    with pytest.raises(ConfigError, match="'images'"):
        MixUp()({"labels": np.ones((2, 2))})


def test_pipeline_in_a_model_trains_what_comes_before_it():
    set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (8, 6, 7, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    model = Sequential(
        [
            Input((6, 7, 3)),
            Conv2D(3, 1),
            Pipeline([RandomShear(0.2), MixUp(), CutMix(), RandomSharpness(0.5, (-9, 9))]),
            Flatten(),
            Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    kernel = model.layers[0].kernel.numpy().copy()
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    assert not np.allclose(model.layers[0].kernel.numpy(), kernel)
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


def test_pipeline_with_weights_trains_them_and_saves(tmp_path, monkeypatch):
    import numkeras.layers
    from numkeras.models import load_model

    for cls in (Pipeline, RandomInvert, Dense):
        monkeypatch.setattr(numkeras.layers, cls.__name__, cls, raising=False)
    inner = Dense(2, name="inner")
    model = Sequential([Input((3,)), Pipeline([inner]), Dense(1)])
    assert len(model.trainable_weights) == 4
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    model.compile(optimizer="sgd", loss="mse")
    kernel = inner.kernel.numpy().copy()
    model.fit(x, np.ones((8, 1), "float32"), epochs=1, verbose=0)
    assert not np.allclose(inner.kernel.numpy(), kernel)
    path = tmp_path / "pipe.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
