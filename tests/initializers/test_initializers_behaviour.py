"""Seeds, reproducibility, formulas, validation errors and `get` forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numkeras import initializers
from numkeras.backend import random as nk_random
from numkeras.errors import ConfigError, ShapeError

RANDOM_CLASSES = [
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.GlorotUniform,
    initializers.GlorotNormal,
    initializers.HeNormal,
    initializers.HeUniform,
    initializers.LecunNormal,
    initializers.LecunUniform,
    initializers.Orthogonal,
]


# ----------------------------------------------------------------------------- seeds
@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_int_seed_is_deterministic_across_calls_and_instances(cls):
    a = cls(seed=5)((6, 4))
    np.testing.assert_array_equal(a, cls(seed=5)((6, 4)))
    init = cls(seed=5)
    np.testing.assert_array_equal(init((6, 4)), init((6, 4)))
    assert not np.array_equal(a, cls(seed=6)((6, 4)))


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_set_seed_makes_unseeded_draws_reproducible(cls):
    nk_random.set_seed(123)
    first = [cls()((5, 3)), cls()((5, 3))]
    nk_random.set_seed(123)
    second = [cls()((5, 3)), cls()((5, 3))]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])  # the global stream advances


def test_unseeded_instance_gives_new_values_each_call():
    # Keras 3 would repeat the same values here; numkeras draws fresh ones.
    init = initializers.GlorotUniform()
    assert not np.array_equal(init((4, 4)), init((4, 4)))


def test_numpy_int_and_negative_seeds():
    a = initializers.RandomNormal(seed=np.int64(3))((3,))
    np.testing.assert_array_equal(a, initializers.RandomNormal(seed=3)((3,)))
    assert initializers.RandomNormal(seed=3).get_config()["seed"] == 3
    assert initializers.RandomNormal(seed=-1)((3,)).shape == (3,)


# ----------------------------------------------------------------------------- formulas
def test_compute_fans_like_keras():
    f = initializers.compute_fans
    assert f(()) == (1, 1)
    assert f((7,)) == (7, 7)
    assert f((784, 256)) == (784, 256)
    assert f((3, 3, 64, 32)) == (576, 288)
    assert f((5, 16, 8)) == (80, 40)
    assert f((3, 3, 64, 32), input_axes=[0, 1, 2], output_axes=[3]) == (576, 32)


@pytest.mark.parametrize(
    "cls,limit",
    [
        (initializers.GlorotUniform, math.sqrt(6 / (200 + 100))),
        (initializers.HeUniform, math.sqrt(6 / 200)),
        (initializers.LecunUniform, math.sqrt(3 / 200)),
    ],
)
def test_uniform_limits(cls, limit):
    w = cls(seed=0)((200, 100))
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)


@pytest.mark.parametrize(
    "cls,std",
    [
        (initializers.GlorotNormal, math.sqrt(2 / (200 + 100))),
        (initializers.HeNormal, math.sqrt(2 / 200)),
        (initializers.LecunNormal, math.sqrt(1 / 200)),
    ],
)
def test_truncated_normal_std_correction(cls, std):
    w = cls(seed=0)((200, 100)).astype(np.float64)
    # the 0.8796... correction makes the *truncated* draw have the target std
    assert w.std() == pytest.approx(std, rel=0.02)
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 * (1 + 1e-6)


def test_truncated_normal_bounds():
    w = initializers.TruncatedNormal(mean=1.0, stddev=0.5, seed=0)((100_000,))
    assert w.min() >= 0.0 and w.max() <= 2.0
    assert w.mean() == pytest.approx(1.0, abs=0.01)


def test_variance_scaling_modes_and_distributions():
    shape = (3, 3, 16, 8)  # fan_in 144, fan_out 72
    for mode, n in (("fan_in", 144), ("fan_out", 72), ("fan_avg", 108)):
        w = initializers.VarianceScaling(2.0, mode, "uniform", seed=1)(shape)
        assert np.abs(w).max() <= math.sqrt(3 * 2.0 / n)
        assert np.abs(w).max() > 0.97 * math.sqrt(3 * 2.0 / n)
    w = initializers.VarianceScaling(1.0, "fan_in", "untruncated_normal", seed=1)((4000, 50))
    assert w.std() == pytest.approx(math.sqrt(1 / 4000), rel=0.02)
    assert np.abs(w).max() > 2.5 * math.sqrt(1 / 4000)  # not truncated


def test_variance_scaling_normal_means_truncated_normal():
    init = initializers.VarianceScaling(distribution="Normal")
    assert init.distribution == "truncated_normal"


@pytest.mark.parametrize("shape", [(40, 30), (30, 40), (3, 3, 8, 16)])
def test_orthogonal(shape):
    q = initializers.Orthogonal(gain=2.0, seed=0)(shape).astype(np.float64)
    assert q.shape == shape
    flat = q.reshape(-1, shape[-1])
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-5)


def test_zeros_ones_constant_identity():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)), np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(initializers.Ones()(4), np.ones(4, np.float32))
    assert initializers.Zeros()((2,), dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(initializers.Constant(3)((2,)), [3.0, 3.0])
    assert initializers.Identity()((2, 3)).tolist() == [[1, 0, 0], [0, 1, 0]]


def test_constant_with_array_value_round_trips():
    init = initializers.Constant([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(init((2, 3)), [[1, 2, 3], [1, 2, 3]])
    config = init.get_config()
    assert config["value"]["class_name"] == "__numpy__"
    again = initializers.Constant.from_config(config)
    np.testing.assert_array_equal(again((3,)), [1, 2, 3])
    with pytest.raises(ShapeError, match=r"\(3,\).*\(2, 2\)"):
        init((2, 2))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_dtypes(dtype):
    for cls in RANDOM_CLASSES:
        assert cls(seed=0)((4, 3), dtype=dtype).dtype == np.dtype(dtype)


def test_default_dtype_is_float32():
    for cls in RANDOM_CLASSES:
        assert cls(seed=0)((4, 3)).dtype == np.float32


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: initializers.RandomNormal(stddev=-1.0), r"stddev.*>= 0"),
        (lambda: initializers.TruncatedNormal(stddev=-0.1), r"stddev.*>= 0"),
        (lambda: initializers.RandomUniform(minval=1.0, maxval=0.0), "minval <= maxval"),
        (lambda: initializers.VarianceScaling(scale=0.0), "positive"),
        (lambda: initializers.VarianceScaling(mode="fan_inn"), "Did you mean 'fan_in'"),
        (lambda: initializers.VarianceScaling(distribution="unifrom"), "Did you mean 'uniform'"),
        (lambda: initializers.RandomNormal(seed="abc"), "seed"),
        (lambda: initializers.GlorotUniform(seed=1.5), "seed"),
        (lambda: initializers.RandomNormal(mean="zero"), "mean"),
    ],
)
def test_constructor_validation(make, match):
    with pytest.raises(ConfigError, match=match):
        make()


def test_call_validation():
    with pytest.raises(ShapeError, match="rank 3"):
        initializers.Identity()((2, 2, 2))
    with pytest.raises(ShapeError, match="rank >= 2"):
        initializers.Orthogonal()((5,))
    with pytest.raises(ShapeError, match=r"\(None, 3\)"):
        initializers.GlorotUniform()((None, 3))
    with pytest.raises(ConfigError, match="float dtype"):
        initializers.RandomNormal()((2,), dtype="int32")


def test_errors_are_value_errors():
    with pytest.raises(ValueError):
        initializers.RandomUniform(1, 0)


# ----------------------------------------------------------------------------- get / (de)serialize
def test_get_forms():
    assert initializers.get(None) is None
    assert isinstance(initializers.get("glorot_uniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get("zero"), initializers.Zeros)
    assert isinstance(initializers.get("normal"), initializers.RandomNormal)
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    inst = initializers.Ones()
    assert initializers.get(inst) is inst

    def fn(shape, dtype=None):
        return np.zeros(shape, dtype or "float32")

    assert initializers.get(fn) is fn
    from_dict = initializers.get({"class_name": "RandomNormal", "config": {"stddev": 0.02}})
    assert from_dict.stddev == 0.02 and from_dict.mean == 0.0


def test_get_constant_by_name_works():
    # Keras 3's own get("constant") raises KeyError; numkeras uses the default value.
    assert initializers.get("constant")((2,)).tolist() == [0.0, 0.0]


def test_get_array():
    arr = np.arange(6.0).reshape(2, 3)
    init = initializers.get(arr)
    out = init((2, 3))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, arr)
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(3, 2\)"):
        init((3, 2))


def test_unknown_name_error():
    with pytest.raises(ConfigError) as info:
        initializers.get("glorot_unifrom")
    msg = str(info.value)
    assert "Did you mean 'glorot_uniform'?" in msg
    assert "'he_normal'" in msg and "'Zeros'" in msg
    with pytest.raises(ConfigError, match="Could not interpret"):
        initializers.get(3.5)


def test_keras2_style_configs_load():
    legacy = {
        "class_name": "VarianceScaling",
        "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None},
    }
    init = initializers.deserialize(legacy)
    assert init.mode == "fan_avg" and init.distribution == "uniform"
    old = {
        "class_name": "RandomNormal",
        "config": {"mean": 0.0, "stddev": 0.02, "dtype": "float32"},
    }
    assert initializers.deserialize(old).stddev == 0.02
    keras3 = {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": None},
        "registered_name": None,
    }
    assert isinstance(initializers.deserialize(keras3), initializers.GlorotUniform)


def test_from_config_rejects_unknown_keys():
    with pytest.raises(ConfigError, match=r"unknown keys \['stdev'\].*'stddev'"):
        initializers.RandomNormal.from_config({"stdev": 0.1})


def test_serialize_errors_and_none():
    assert initializers.serialize(None) is None

    def my_init(shape, dtype=None):
        return np.zeros(shape, dtype or "float32")

    assert initializers.serialize(my_init) == {
        "module": "builtins",
        "class_name": "function",
        "config": "my_init",
        "registered_name": "function",
    }
    with pytest.raises(ConfigError, match="custom function 'my_init'"):
        initializers.get(initializers.serialize(my_init))
    with pytest.raises(ConfigError, match="expected an Initializer"):
        initializers.serialize(3)


def test_repr_and_clone():
    init = initializers.RandomNormal(stddev=0.02, seed=3)
    assert repr(init) == "RandomNormal(mean=0.0, stddev=0.02, seed=3)"
    assert repr(initializers.GlorotUniform()) == "GlorotUniform(seed=None)"
    assert repr(initializers.Zeros()) == "Zeros()"
    clone = init.clone()
    assert clone is not init and clone.get_config() == init.get_config()


def test_lowercase_exports_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.random_normal is initializers.RandomNormal


def test_custom_subclass():
    class Halves(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 0.5, dtype or "float32")

    out = initializers.serialize(Halves())
    assert out["class_name"] == "Halves" and out["config"] == {}
    with pytest.raises(NotImplementedError):
        initializers.Initializer()((2,))
