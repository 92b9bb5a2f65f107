"""Goldens for tests/layers/test_layer_args.py: what the layer-argument differential
(scripts/fuzz/fuzz_layer_args.py) and the layer-dtype checks found, as Keras 3 (JAX) does it.

- Discretization with an integer dtype (or a policy): `dtype`, `compute_dtype`,
  `variable_dtype`, `output_dtype`, the outputs' dtypes and values, eager and in a model;
- CategoryEncoding / Discretization counts of an integer dtype stay int32;
- Resizing with both aspect-ratio options: built, refused in the call;
- nested models fed Discretization's integer outputs: the call recorded in the outer
  model's config (Keras fills `mask: None` into a nested functional model's call whatever
  its input's dtype, and into a Sequential's when the input has its Input's dtype), and a
  nested functional model's output as a model output (Keras counts its calls from 1 there).

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_layer_args.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "layer_args.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.array([[-1.5, 0.2, 3.0], [0.7, 1.2, -0.1]], "float32")
MODES = ("int", "one_hot", "multi_hot", "count")


def _discretization(K, mode: str, dtype) -> dict:
    kw = {} if dtype is None else {"dtype": dtype}
    layer = K.layers.Discretization(bin_boundaries=[0.0, 0.5, 1.0], output_mode=mode, **kw)
    eager = np.asarray(layer(X))
    inp = K.Input((3,), name="x")
    sym = K.layers.Discretization(bin_boundaries=[0.0, 0.5, 1.0], output_mode=mode, **kw)(inp)
    pred = K.Model(inp, sym).predict(X, verbose=0)
    return {
        "dtype": layer.dtype,
        "compute_dtype": layer.compute_dtype,
        "variable_dtype": layer.variable_dtype,
        "input_dtype": layer.input_dtype,
        "output_dtype": layer.output_dtype,
        "config_dtype": layer.get_config()["dtype"],
        "eager": [str(eager.dtype), eager.ravel().tolist()],
        "symbolic": str(sym.dtype),
        "predict": [str(pred.dtype), pred.ravel().tolist()],
    }


@scenario
def discretization_dtypes(K):
    return {
        f"{mode}/{dtype}": _discretization(K, mode, dtype)
        for mode in MODES
        for dtype in (None, "int64", "int32", "float32", "mixed_float16")
    }


@scenario
def category_encoding_integer_counts(K):
    ids = np.array([[1, 2, 2, 5], [0, 0, 3, 1]], "int32")
    out = {}
    for mode in ("count", "multi_hot", "one_hot"):
        for dtype in ("int32", "int64"):
            y = np.asarray(K.layers.CategoryEncoding(6, output_mode=mode, dtype=dtype)(ids[:, :1]))
            if mode != "one_hot":
                y = np.asarray(K.layers.CategoryEncoding(6, output_mode=mode, dtype=dtype)(ids))
            out[f"{mode}/{dtype}"] = [str(y.dtype), y.ravel().tolist()]
    return out


@scenario
def resizing_crop_and_pad(K):
    """Resizing(crop_to_aspect_ratio=True, pad_to_aspect_ratio=True): Keras builds the layer
    (and a model on it) and refuses the call."""
    from tests.differential import builtin_error

    def make():
        return K.layers.Resizing(3, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)

    def symbolic():
        inp = K.Input((4, 4, 1))
        return K.Model(inp, make()(inp))

    layer = make()
    return {
        "config": {
            k: layer.get_config()[k] for k in ("crop_to_aspect_ratio", "pad_to_aspect_ratio")
        },
        "call": builtin_error(lambda: layer(np.ones((1, 4, 4, 1), "float32"))),
        "symbolic": builtin_error(symbolic),
        "predict": builtin_error(lambda: symbolic().predict(np.ones((1, 4, 4, 1)), verbose=0)),
    }


def _nested(K, kind: str, inner_dtype: str, mode: str, disc_dtype):
    """x -> Discretization -> a nested model (kind: "functional" or "sequential", its Input
    of `inner_dtype`) -> Dense, and the nested model's output as a second model output."""
    shape = (3,) if mode == "int" else (3, 4)
    inner_in = K.Input(shape, dtype=inner_dtype, name="inner_in")
    if kind == "sequential":
        inner = K.Sequential([inner_in, K.layers.Dense(2, name="inner_dense")], name="inner")
    else:
        inner = K.Model(inner_in, K.layers.Dense(2, name="inner_dense")(inner_in), name="inner")
    x = K.Input((3,), name="x")
    kw = {} if disc_dtype is None else {"dtype": disc_dtype}
    ids = K.layers.Discretization(
        bin_boundaries=[0.0, 0.5, 1.0], output_mode=mode, name="disc", **kw
    )(x)
    h = inner(ids)
    return K.Model(x, [K.layers.Dense(1, name="head")(h), h], name="outer")


NESTED = {
    "functional_float_input": ("functional", "float32", "int", None),
    "functional_int_input": ("functional", "int32", "int", "int64"),
    "functional_one_hot_int64": ("functional", "float32", "one_hot", "int64"),
    "sequential_int_input": ("sequential", "int32", "int", None),
    "sequential_float_input": ("sequential", "float32", "int", None),
    "sequential_int_input_fed_floats": ("sequential", "int32", "one_hot", None),
}


@scenario
def nested_model_configs(K):
    """The outer model's config entries of the nested model and its outputs, and the
    predictions (seeded weights)."""
    out = {}
    for name, args in NESTED.items():
        model = _nested(K, *args)
        rng = np.random.default_rng(3)
        model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
        config = model.get_config()
        inner = next(la for la in config["layers"] if la["name"] == "inner")
        head, h = model.predict(X, verbose=0)
        out[name] = {
            "config": model.to_json(),
            "inner_inbound_nodes": inner["inbound_nodes"],
            "output_layers": config["output_layers"],
            "predict": [np.asarray(head).ravel().tolist(), np.asarray(h).ravel().tolist()],
        }
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
