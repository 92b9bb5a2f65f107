"""What session 28's layer-argument differential (scripts/fuzz/fuzz_layer_args.py, seeds
3081-3115, and the probes beside it) and its brief found: `Flatten`'s and
`SpatialDropout2D/3D`'s `data_format` (any case; Flatten's None is `image_data_format()`'s)
and `BatchNormalization(axis=[...])`'s TypeError, against Keras 3 (goldens from
scripts/goldens/make_fuzz_found_s28e.py); Keras 1's `AveragePooling1D(pool_length=)`,
which Keras 2.0-2.3 took as `MaxPooling1D(pool_length=)` (numkeras refused it: `pool_size`
missing), and an `ELU` given a `DTypePolicy` object, whose config Keras 3.15 cannot write."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras.errors import ArgumentTypeError, ConfigError, DeprecatedArgumentWarning

from ..differential import assert_json_close, goldens, run_scenario, scenario_script

GOLD = goldens("fuzz_found_s28e")
SCRIPT = scenario_script("make_fuzz_found_s28e")
L = numkeras.layers


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras(name):
    try:
        got = run_scenario(SCRIPT, name)
    finally:
        numkeras.backend.set_image_data_format("channels_last")
    assert_json_close(got, GOLD[name], rtol=1e-6, atol=1e-7, where=name)


def test_batch_normalization_axis_list_says_so_and_is_still_a_value_error():
    with pytest.raises(ArgumentTypeError, match=r"one integer, received \[1, 3\].*axis=-1"):
        L.BatchNormalization(axis=[1, 3])
    with pytest.raises(ConfigError):  # (numkeras's type before: a ValueError)
        L.BatchNormalization(axis=None)


def test_flatten_and_spatial_dropout_refuse_other_data_formats():
    for make in (
        lambda: L.Flatten(data_format="channels_middle"),
        lambda: L.SpatialDropout2D(0.5, data_format="nchw"),
    ):
        with pytest.raises(ValueError, match="channels_last"):
            make()


X = np.arange(12, dtype="float32").reshape(1, 6, 2)


def test_average_pooling1d_takes_keras1_pool_length_and_stride():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        old = L.AveragePooling1D(pool_length=2, stride=1)
    notes = [str(w.message) for w in seen if issubclass(w.category, DeprecatedArgumentWarning)]
    assert any("pool_length" in n and "pool_size=" in n for n in notes), notes
    new = L.AveragePooling1D(2, strides=1)
    np.testing.assert_array_equal(old(X), new(X))
    np.testing.assert_array_equal(old(X)[0, :, 0], [1.0, 3.0, 5.0, 7.0, 9.0])
    cfg = old.get_config()
    assert (cfg["pool_size"], cfg["strides"]) == ((2,), (1,))
    assert "pool_length" not in cfg
    assert L.AveragePooling1D.from_config(cfg).pool_size == (2,)


@pytest.mark.filterwarnings("ignore::numkeras.errors.DeprecatedArgumentWarning")
def test_average_pooling1d_pool_length_alone_strides_by_it():
    """As `MaxPooling1D(pool_length=3)`: the stride defaults to the window."""
    layer = L.AveragePooling1D(pool_length=3)
    assert (layer.pool_size, layer.strides) == ((3,), (3,))
    assert layer(X).shape == (1, 2, 2)
    assert L.MaxPooling1D(pool_length=3).pool_size == layer.pool_size


def test_average_pooling1d_still_requires_a_size():
    """Without `pool_size` (in either spelling) Keras 3 raises a TypeError: so does
    numkeras, naming the argument and the fix."""
    with pytest.raises(ArgumentTypeError, match=r"pool_size.*AveragePooling1D\(2\)"):
        L.AveragePooling1D()
    with pytest.raises(TypeError):
        L.AveragePooling2D()


def test_elu_with_a_dtype_policy_object_writes_its_config():
    """Keras 3.15 crashes here (ELU has no get_config of its own: "non-serializable
    argument values"); numkeras writes the policy and loads it back."""
    policy = numkeras.dtype_policies.DTypePolicy("float16")
    layer = L.ELU(alpha=0.5, dtype=policy)
    cfg = layer.get_config()
    assert cfg["dtype"]["config"]["name"] == "float16"
    twin = L.ELU.from_config(cfg)
    assert (twin.alpha, twin.compute_dtype) == (0.5, "float16")
