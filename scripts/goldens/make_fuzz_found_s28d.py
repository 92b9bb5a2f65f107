"""Goldens for tests/models/, tests/ops/ and tests/activations/
test_fuzz_found_s28d.py: what the ops and misuse fuzzers (scripts/fuzz/fuzz_ops.py seeds
595-620, scripts/fuzz/fuzz_errors.py seeds 75-100) met, as minimal scenarios run in both.

- A two-input functional model given its inputs in the other order (`[x1, x0]`): Keras 3
  checks only their ranks, so it runs the model (a direct call, `predict`, `test_on_batch`,
  `fit`) when the layers take the swapped arrays (a Concatenate does), a documented
  difference: numkeras refuses them, and now its error says that the arrays fit the
  inputs in another order and how to pass them.
- `ops.linspace` from or to an infinity (`linspace(-inf, 10, 4)`): JAX interpolates,
  `start * (1 - t) + stop * t` with the endpoint `stop` itself, so the infinity stays
  (`[-inf, -inf, -inf, 10]`); numkeras used NumPy's steps, which give NaN there.
- `keras.activations.deserialize("swish")` (and `"hard_swish"`): Keras 3.15 raises
  ValueError ("not a KerasSaveable subclass") where `get("swish")` gives `silu`; numkeras
  gives `silu` (`hard_silu`) for both, the values below.

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_s28d.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s28d.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_s28d.json"

SCENARIOS = Scenarios()


def two_input_model(K):
    """Inputs (3,) and (1,) joined by a Concatenate: swapped arrays (1 + 3 features) fit
    its Dense too, so only an input check can refuse them."""
    a, b = K.Input((3,), name="a"), K.Input((1,), name="b")
    out = K.layers.Dense(2, kernel_initializer="ones")(K.layers.Concatenate()([a, b]))
    model = K.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    return model


@SCENARIOS.scenario
def swapped_inputs(K) -> dict:
    """The error classes (or "ok") of swapped inputs, by entry point."""
    model = two_input_model(K)
    x0 = np.arange(15, dtype="float32").reshape(5, 3)
    x1 = np.ones((5, 1), "float32")
    y = np.zeros((5, 2), "float32")
    return {
        "call": error_classes(lambda: model([x1, x0])),
        "predict": error_classes(lambda: model.predict([x1, x0], verbose=0)),
        "test_on_batch": error_classes(lambda: model.test_on_batch([x1, x0], y)),
        "in_order": np.asarray(model.predict([x0, x1], verbose=0), "float64").tolist(),
    }


@SCENARIOS.scenario
def swish_identifiers(K) -> dict:
    """`get` and `serialize` of the aliases (both libraries), and `deserialize`'s result:
    Keras 3.15's error classes where numkeras gives the function."""
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0], "float32")
    out = {}
    for name in ("swish", "hard_swish"):
        out[f"get_{name}"] = np.asarray(K.activations.get(name)(x), "float64").tolist()
        out[f"serialize_{name}"] = K.activations.serialize(K.activations.get(name))
        out[f"deserialize_{name}"] = error_classes(lambda n=name: K.activations.deserialize(n))
    return out


def _with_nan(y) -> list:
    """Values as JSON (NaN as None, infinities as strings: goldens compare them exactly)."""
    y = np.asarray(y, "float64")
    return [None if np.isnan(v) else (str(v) if np.isinf(v) else v) for v in y.ravel()]


@SCENARIOS.scenario
def linspace_infinite_ends(K) -> dict:
    """`linspace` from or to an infinity: JAX interpolates (start * (1 - t) + stop * t), so
    -inf to 10 is [-inf, -inf, -inf, 10]; NumPy's steps gave NaN."""
    o, inf = K.ops, np.inf
    starts = np.array([[-inf, -2.84], [-2.98, -inf]], "float32")
    out = {"fuzz_607": _with_nan(o.linspace(starts, 10, num=4, axis=-1, endpoint=True))}
    for i, (a, b) in enumerate([(-inf, 10.0), (0.0, inf), (inf, inf), (-inf, inf),
                                (1.0, -inf), (np.nan, 1.0)]):  # fmt: skip
        for endpoint in (True, False):
            y = o.linspace(np.float32(a), np.float32(b), 4, endpoint=endpoint)
            out[f"scalar_{i}_{endpoint}"] = _with_nan(y)
    stops = np.array([1.0, inf], "float32")
    out["axis_0"] = _with_nan(o.linspace(starts, stops, num=3, axis=0))
    out["axis_0_shape"] = list(o.linspace(starts, stops, num=3, axis=0).shape)
    out["one"] = _with_nan(o.linspace(starts, 10.0, num=1, axis=-1))
    out["float16"] = _with_nan(o.linspace(starts.astype("float16"), 10.0, num=3, axis=1))
    return out


if __name__ == "__main__":
    SCENARIOS.write(OUT)
