"""Golden values from real Keras 3 (JAX backend) for the differential numerics fixes.

Each case below is a spot where numkeras once differed from Keras; the tests in
tests/losses/test_diff_numerics.py check numkeras against these values.

Run:  KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_diff_numerics.py
Writes tests/goldens/diff_numerics.json.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "diff_numerics.json"


def tolist(a):
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a.tolist()
    return np.vectorize(lambda v: float(f"{v:.8g}"))(a.astype("float64")).tolist()


def activations():
    x = np.array([np.nan, 1.0, -1.0, 0.2, -0.7, np.inf, -np.inf], "float32")
    return {
        "x": [None if np.isnan(v) else float(v) for v in x],
        "hard_shrink": tolist(keras.activations.hard_shrink(x)),
        "soft_shrink": tolist(keras.activations.soft_shrink(x)),
        "hard_shrink_t": tolist(keras.activations.hard_shrink(x, threshold=0.9)),
        "soft_shrink_t": tolist(keras.activations.soft_shrink(x, threshold=0.1)),
    }


def regularizers():
    return {
        "l1l2_none": keras.regularizers.L1L2(l1=None, l2=0.1).get_config(),
        "l1l2_both_none": keras.regularizers.L1L2(l1=None, l2=None).get_config(),
        "l1_none": {k: float(v) for k, v in keras.regularizers.L1(None).get_config().items()},
        "l2_none": keras.regularizers.L2(None).get_config(),
    }


STFT_CASES = [
    ({}, (8, 1, 5)),
    ({"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True}, (8, 1, 6)),
    ({"window": "hann", "scaling": "density", "periodic": False}, (7, 1, 4)),
    ({"window": "blackman", "scaling": None, "periodic": True}, (6, 1, 4)),
    ({"side": "imag", "window": "bartlett", "scaling": "density"}, (5, 1, 3)),
    ({"window": None, "scaling": None}, (4, 1, 3)),
    ({"window": [0.1, 0.5, 1.0, 0.5, 0.2], "scaling": "spectrum"}, (5, 1, 4)),
]


def stft():
    cases = []
    for kwargs, shape in STFT_CASES:
        init = keras.initializers.STFT(**kwargs)
        cases.append(
            {
                "kwargs": kwargs,
                "shape": list(shape),
                "values": tolist(init(shape)),
                "config": init.get_config(),
            }
        )
    return cases


def r2():
    y = np.array([[0.123, -0.577], [0.123, 0.25]], "float32")
    out = {}
    m = keras.metrics.R2Score()
    m.update_state(y[:1], y[:1] + 0.1)
    m.update_state(y[:1], y[:1] + 0.1)
    out["one_sample_twice"] = float(m.result())
    m = keras.metrics.R2Score(class_aggregation=None)
    m.update_state(y, y * 0.5, sample_weight=np.array([1.0, 2.0], "float32"))
    out["constant_column"] = tolist(m.result())
    return out


def main():
    payload = {
        "keras_version": keras.__version__,
        "activations": activations(),
        "regularizers": regularizers(),
        "stft": stft(),
        "r2": r2(),
    }
    OUT.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
