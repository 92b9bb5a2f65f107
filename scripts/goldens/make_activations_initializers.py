"""Write golden values for numkeras.activations and numkeras.initializers from real Keras 3.

Run (needs Keras 3 + JAX, e.g. the /work/kenv venv):

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_activations_initializers.py

Writes tests/goldens/activations.json and tests/goldens/initializers.json.
Inputs are fixed (np.random.default_rng(0)), so reruns give the same activation
values; initializer statistics come from seeded Keras draws.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
from keras.src.activations import ALL_OBJECTS_DICT as KERAS_ACTIVATIONS  # noqa: E402
from keras.src.initializers import ALL_OBJECTS_DICT as KERAS_INITIALIZERS  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "tests" / "goldens"


def f32_list(a) -> list:
    # Shortest repr that round-trips float32 keeps the JSON small.
    return [float(str(v)) for v in np.asarray(a, dtype=np.float32).ravel()]


# ----------------------------------------------------------------------------- activations
def activation_goldens() -> dict:
    rng = np.random.default_rng(0)
    fixed = [-100, -50, -20, -10, -6, -4, -3, -2.5, -1, -0.5, -1e-3, 0]
    fixed += [1e-3, 0.5, 1, 2.5, 3, 4, 6, 10, 20, 50, 100]
    x = np.concatenate([np.array(fixed), rng.normal(0.0, 3.0, 9)]).astype(np.float32)

    elementwise = {
        "linear": [{}],
        "relu": [
            {},
            {"negative_slope": 0.1},
            {"max_value": 6.0},
            {"max_value": 5.0},
            {"threshold": 1.0},
            {"threshold": -1.0},
            {"negative_slope": 0.1, "max_value": 6.0, "threshold": 1.0},
            {"negative_slope": 0.2, "threshold": -1.0},
            {"negative_slope": 0.5, "max_value": 4.0},
        ],
        "leaky_relu": [{}, {"negative_slope": 0.3}, {"negative_slope": 1.5}],
        "relu6": [{}],
        "sigmoid": [{}],
        "tanh": [{}],
        "elu": [{}, {"alpha": 0.5}],
        "selu": [{}],
        "celu": [{}, {"alpha": 2.0}],
        "softplus": [{}],
        "softsign": [{}],
        "silu": [{}],
        "swish": [{}],
        "gelu": [{}, {"approximate": True}],
        "hard_sigmoid": [{}],
        "hard_silu": [{}],
        "hard_swish": [{}],
        "hard_tanh": [{}],
        "mish": [{}],
        "exponential": [{}],
        "log_sigmoid": [{}],
        "sparse_sigmoid": [{}],
        "sparse_plus": [{}],
        "squareplus": [{}, {"b": 1.0}],
        "tanh_shrink": [{}],
        "hard_shrink": [{}, {"threshold": 1.0}],
        "soft_shrink": [{}, {"threshold": 1.0}],
        "threshold": [{"threshold": 0.5, "default_value": -1.0}],
    }
    cases = []
    for name, variants in elementwise.items():
        fn = getattr(keras.activations, name)
        for kwargs in variants:
            y = np.asarray(fn(x, **kwargs))
            assert y.dtype == np.float32, (name, y.dtype)
            cases.append({"name": name, "kwargs": kwargs, "y": f32_list(y)})

    x2 = rng.normal(0.0, 3.0, (4, 6))
    x2[0] *= 300.0  # large logits: needs max subtraction
    x3 = rng.normal(0.0, 2.0, (2, 3, 4))
    x4 = rng.normal(0.0, 2.0, (2, 4, 3))
    axis_specs = [
        ("softmax", x2, {}),
        ("softmax", x2, {"axis": 0}),
        ("softmax", x3, {"axis": 1}),
        ("log_softmax", x2, {}),
        ("log_softmax", x3, {"axis": 1}),
        ("sparsemax", x2, {}),
        ("sparsemax", x3, {"axis": 1}),
        ("glu", x2, {}),
        ("glu", x4, {"axis": 1}),
    ]
    axis_cases = []
    for name, xin, kwargs in axis_specs:
        xin = xin.astype(np.float32)
        y = np.asarray(getattr(keras.activations, name)(xin, **kwargs))
        assert y.dtype == np.float32, (name, y.dtype)
        axis_cases.append(
            {
                "name": name,
                "kwargs": kwargs,
                "shape": list(xin.shape),
                "x": f32_list(xin),
                "y_shape": list(y.shape),
                "y": f32_list(y),
            }
        )

    names = sorted(KERAS_ACTIVATIONS)
    serialized = {n: keras.activations.serialize(keras.activations.get(n)) for n in names}
    return {
        "keras_version": keras.__version__,
        "x": f32_list(x),
        "cases": cases,
        "axis_cases": axis_cases,
        "names": names,
        "serialized": serialized,
    }


# ----------------------------------------------------------------------------- initializers
SHAPE_2D = [400, 300]
SHAPE_4D = [3, 3, 64, 32]

INIT_SPECS = [
    ("RandomNormal", {}),
    ("RandomNormal", {"mean": 1.0, "stddev": 0.5}),
    ("RandomUniform", {}),
    ("RandomUniform", {"minval": -1.0, "maxval": 3.0}),
    ("TruncatedNormal", {}),
    ("TruncatedNormal", {"mean": 0.5, "stddev": 2.0}),
    ("VarianceScaling", {}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal"}),
    ("VarianceScaling", {"mode": "fan_avg", "distribution": "normal"}),
    ("GlorotUniform", {}),
    ("GlorotNormal", {}),
    ("HeNormal", {}),
    ("HeUniform", {}),
    ("LecunNormal", {}),
    ("LecunUniform", {}),
    ("Orthogonal", {}),
    ("Orthogonal", {"gain": 2.0}),
    ("Zeros", {}),
    ("Ones", {}),
    ("Constant", {"value": 0.3}),
]

# Explicit fan axes only make sense for the 4-D kernel.
AXES_SPEC = (
    "VarianceScaling",
    {"mode": "fan_out", "distribution": "uniform", "input_axes": [0, 1, 2], "output_axes": [3]},
)


def _stats(a) -> dict:
    a = np.asarray(a, dtype=np.float64)
    return {"mean": a.mean(), "std": a.std(), "min": a.min(), "max": a.max()}


def initializer_goldens() -> dict:
    random_classes = {"Zeros", "Ones", "Constant"}
    stats = []
    for class_name, kwargs in [*INIT_SPECS, AXES_SPEC]:
        shapes = [SHAPE_4D] if kwargs.get("input_axes") else [SHAPE_2D, SHAPE_4D]
        for shape in shapes:
            cls = getattr(keras.initializers, class_name)
            seeded = dict(kwargs) if class_name in random_classes else {**kwargs, "seed": 1234}
            values = np.asarray(cls(**seeded)(tuple(shape)))
            assert values.dtype == np.float32, (class_name, values.dtype)
            entry = {"class_name": class_name, "kwargs": kwargs, "shape": shape}
            entry.update({k: float(f"{v:.7g}") for k, v in _stats(values).items()})
            stats.append(entry)

    configs = []
    for class_name, kwargs in [*INIT_SPECS, AXES_SPEC, ("Identity", {}), ("Identity", {"gain": 2})]:
        cls = getattr(keras.initializers, class_name)
        variants = [kwargs]
        if class_name not in {"Zeros", "Ones", "Constant", "Identity"}:
            variants.append({**kwargs, "seed": 42})
        for kw in variants:
            init = cls(**kw)
            configs.append(
                {
                    "class_name": class_name,
                    "kwargs": kw,
                    "serialized": keras.initializers.serialize(init),  # holds get_config()
                }
            )

    names = {}
    for name in sorted(KERAS_INITIALIZERS):
        # Keras's own get("constant") fails (Constant.from_config needs "value"),
        # so record the registry's class rather than calling get().
        names[name] = KERAS_INITIALIZERS[name].__name__

    identity = np.asarray(keras.initializers.Identity(gain=2.0)((3, 4)))
    return {
        "keras_version": keras.__version__,
        "stats": stats,
        "configs": configs,
        "names": names,
        "identity_gain2_3x4": identity.tolist(),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for fname, data in [
        ("activations.json", activation_goldens()),
        ("initializers.json", initializer_goldens()),
    ]:
        path = OUT / fname
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
