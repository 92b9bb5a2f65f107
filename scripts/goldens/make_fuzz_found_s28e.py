"""Goldens for tests/layers/test_fuzz_found_s28e.py: the layer constructor arguments that
session 28's layer-argument differential (scripts/fuzz/fuzz_layer_args.py, seeds 3081-3115,
and the probes beside it) found numkeras reading otherwise than Keras 3.

- `Flatten(data_format=None)` is `image_data_format()`'s, read when the layer is made
  (numkeras always flattened channels last), and any case of "channels_first" is taken, as
  Keras's `standardize_data_format` lowercases it (numkeras refused it, a ValueError);
- `SpatialDropout2D/3D(data_format="CHANNELS_FIRST")` the same (numkeras refused it);
- `BatchNormalization(axis=[1, 3])` is a TypeError in Keras (`int(axis)`), as are a size that
  is no integer (`Resizing(3.0, 2)`, CenterCrop's, RandomCrop's, Equalization's `bins`:
  Keras's call fails) and `UnitNormalization(axis="1")`; numkeras raised a ValueError only
  (now an ArgumentTypeError: both).

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_s28e.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s28e.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_s28e.json"

SCENARIOS = Scenarios()
X4 = np.arange(2 * 2 * 3 * 4, dtype="float32").reshape(2, 2, 3, 4)


def _flatten(K, data_format) -> dict:
    layer = K.layers.Flatten(data_format=data_format)
    model = K.Sequential([K.Input(X4.shape[1:]), layer])
    return {
        "data_format": layer.data_format,
        "config": layer.get_config()["data_format"],
        "eager": np.asarray(layer(X4)).tolist(),
        "predict": np.asarray(model.predict(X4, verbose=0)).tolist(),
    }


@SCENARIOS.scenario
def flatten_global_channels_first(K) -> dict:
    """Made under `set_image_data_format("channels_first")`, called after it is reset."""
    K.backend.set_image_data_format("channels_first")
    try:
        layer = K.layers.Flatten()
    finally:
        K.backend.set_image_data_format("channels_last")
    return {
        "data_format": layer.data_format,
        "config": layer.get_config()["data_format"],
        "eager": np.asarray(layer(X4)).tolist(),
        "after_reset": _flatten(K, None),
    }


@SCENARIOS.scenario
def flatten_data_format_any_case(K) -> dict:
    return {df: _flatten(K, df) for df in ("Channels_First", "CHANNELS_LAST")}


def _whole_channels(y) -> bool:
    dropped = (y == 0).reshape(y.shape[0], y.shape[1], -1)
    return bool(np.all(dropped.all(axis=-1) | ~dropped.any(axis=-1)))


@SCENARIOS.scenario
def spatial_dropout_data_format_any_case(K) -> dict:
    out = {}
    for name, x in (("SpatialDropout2D", X4 + 1), ("SpatialDropout3D", X4[..., None] + 1)):
        layer = getattr(K.layers, name)(0.5, data_format="CHANNELS_FIRST", seed=1)
        out[name] = {
            "data_format": layer.data_format,
            "config": layer.get_config()["data_format"],
            "inference": np.asarray(layer(x, training=False)).tolist(),
            # (training drops whole feature maps: those of axis 1, the channels)
            "drops_whole_channels": _whole_channels(np.asarray(layer(x, training=True))),
        }
    return out


@SCENARIOS.scenario
def batch_normalization_axis_list(K) -> dict:
    return {
        str(axis): builtin_error(lambda a=axis: K.layers.BatchNormalization(axis=a))
        for axis in ([1, 3], (1,), None)
    }


@SCENARIOS.scenario
def size_and_axis_types(K) -> dict:
    """A size that is no integer is a TypeError in Keras (its call's; numkeras's
    constructor's, an ArgumentTypeError), as is an axis that is neither an int nor a list."""
    L = K.layers
    x = np.linspace(0, 255, 2 * 6 * 5 * 3, dtype="float32").reshape(2, 6, 5, 3)
    cases = {
        "Resizing(3.0, 2)": lambda: L.Resizing(3.0, 2)(x),
        "Resizing('3', 2)": lambda: L.Resizing("3", 2)(x),
        "CenterCrop(3.0, 2)": lambda: L.CenterCrop(3.0, 2)(x),
        "RandomCrop(3.0, 2)": lambda: L.RandomCrop(3.0, 2)(x),
        "Equalization(bins=16.0)": lambda: L.Equalization(bins=16.0)(x),
        "UnitNormalization(axis='1')": lambda: L.UnitNormalization(axis="1"),
        "Resizing(3, 2)": lambda: L.Resizing(3, 2)(x),
    }
    return {name: builtin_error(fn) for name, fn in cases.items()}


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)
