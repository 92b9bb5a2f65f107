"""RandAugment and AugMix: each operation as Keras 3 builds it (goldens from
scripts/goldens/make_image_augmentation.py: RandAugment with factor 0 and each operation
forced), configs, then the random behaviour by its properties, gradients against finite
differences, errors, and training in a model."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.layers import Conv2D, Dense, Flatten, Input
from numkeras.layers.aug_mix import AugMix
from numkeras.layers.rand_augment import RandAugment
from numkeras.models import Sequential
from numkeras.utils import set_random_seed
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "image_augmentation.json").read_text()
)
CLASSES = {"RandAugment": RandAugment, "AugMix": AugMix}
TOL = dict(rtol=1e-5, atol=2e-4)


def image_input(shape):
    n = int(np.prod(shape))
    return ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)


def _jsonable(config):
    return json.loads(json.dumps(config))


def test_rand_augment_operations_match_keras():
    gold = GOLD["rand_augment_ops"]
    layer = RandAugment(factor=0.0, num_ops=1, value_range=tuple(gold["value_range"]))
    x = image_input(gold["shape"])
    for name, expected in zip(RandAugment.AUGMENT_LAYERS, gold["outputs"]):
        out, _ = layer._ops[name]._transform(x, True)
        np.testing.assert_allclose(out, expected, err_msg=name, **TOL)


def test_rand_augment_applies_one_of_its_operations():
    gold = GOLD["rand_augment_ops"]
    x = image_input(gold["shape"])
    layer = RandAugment(factor=0.0, num_ops=1, value_range=(0, 100), seed=3)
    seen = set()
    for _ in range(25):
        out = layer(x)
        hits = [i for i, ref in enumerate(gold["outputs"]) if np.allclose(out, ref, atol=2e-4)]
        assert hits
        seen.update(hits)
    assert len(seen) >= 5
    np.testing.assert_array_equal(layer(x, training=False), x)
    np.testing.assert_array_equal(RandAugment(num_ops=0)(x), x)


@pytest.mark.parametrize(
    "case", [c for c in GOLD["configs"] if c["class"] in CLASSES], ids=lambda c: c["class"]
)
def test_get_config_matches_keras_and_round_trips(case):
    cls = CLASSES[case["class"]]
    layer = cls(**case["kwargs"], name=case["config"]["name"])
    assert _jsonable(layer.get_config()) == case["config"]
    assert _jsonable(cls.from_config(case["config"]).get_config()) == case["config"]


@pytest.mark.parametrize(
    "make_layer",
    [
        lambda: RandAugment(seed=1),
        lambda: AugMix(seed=2),
        lambda: AugMix(all_ops=False, data_format="channels_first", seed=2),
    ],
)
def test_policies_are_reproducible_in_range_and_identity_at_inference(make_layer):
    x = image_input((4, 6, 7, 3)) * 2.5
    if make_layer().data_format == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    first, second = make_layer()(x), make_layer()(x)
    np.testing.assert_array_equal(first, second)
    assert first.dtype == np.float32 and first.shape == x.shape
    assert first.min() >= 0 and first.max() <= 255
    layer = make_layer()
    np.testing.assert_array_equal(layer(x, training=False), x)
    outs = [layer(x) for _ in range(3)]
    assert not all(np.allclose(o, x) for o in outs)
    set_random_seed(4)
    a = type(layer).from_config({**layer.get_config(), "seed": None})(x)
    set_random_seed(4)
    b = type(layer).from_config({**layer.get_config(), "seed": None})(x)
    np.testing.assert_array_equal(a, b)


def test_aug_mix_with_no_operations_is_the_identity():
    x = image_input((2, 5, 6, 3))
    np.testing.assert_allclose(AugMix(chain_depth=0, seed=0)(x), x, rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_aug_mix_backward_matches_finite_differences(seed):
    # (differentiable operations only, so the gradient is not zero)
    def make():
        layer = AugMix(value_range=(-1e4, 1e4), chain_depth=2, seed=seed, dtype="float64")
        for name in ("random_posterization", "auto_contrast", "equalization"):
            layer._ops[name] = layer._ops["random_shear"]
        return layer

    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (1, 3, 4, 3))
    layer = make()
    out, cache = layer.forward(x, training=True)
    assert not np.allclose(out, x)
    r = rng.normal(size=out.shape)
    grad = layer.backward(cache, r.copy())
    numeric = numeric_gradient(
        lambda: float((make().forward(x, training=True)[0] * r).sum()), x, eps=1e-4
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: RandAugment(num_ops=-1), "num_ops"),
        (lambda: RandAugment(factor=1.5), "factor"),
        (lambda: RandAugment(interpolation="bicubic"), "interpolation"),
        (lambda: RandAugment(value_range=1), "value_range"),
        (lambda: AugMix(num_chains=0), "num_chains"),
        (lambda: AugMix(chain_depth=1.5), "chain_depth"),
        (lambda: AugMix(alpha=0), "alpha"),
        (lambda: AugMix(factor=(0.1, 0.2, 0.3)), "factor"),
    ],
)
def test_bad_arguments_raise_config_errors(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_policies_in_a_model_train_and_predict_deterministically():
    set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (8, 6, 7, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    model = Sequential(
        [
            Input((6, 7, 3)),
            RandAugment(value_range=(0, 1)),
            AugMix(value_range=(0, 1), num_chains=2, chain_depth=2),
            Conv2D(2, 3),
            Flatten(),
            Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    assert "num_ops=2" in repr(model.layers[0]) and "num_chains=2" in repr(model.layers[1])


def test_models_with_policies_save_and_load(tmp_path, monkeypatch):
    import numkeras.layers
    from numkeras.models import load_model

    for cls in CLASSES.values():  # (as the exports in numkeras.layers will make them)
        monkeypatch.setattr(numkeras.layers, cls.__name__, cls, raising=False)
    model = Sequential(
        [
            Input((5, 6, 3)),
            RandAugment(value_range=(0, 1), num_ops=3, factor=(0.1, 0.4), seed=1),
            AugMix(value_range=(0, 1), all_ops=False, seed=2),
            Flatten(),
            Dense(1),
        ]
    )
    x = np.random.default_rng(0).uniform(0, 1, (2, 5, 6, 3)).astype("float32")
    path = tmp_path / "policies.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(model.layers, loaded.layers):
        assert _jsonable(a.get_config()) == _jsonable(b.get_config())
