"""Golden values for numkeras's focal losses, from real Keras 3 (JAX backend).

Run from the repo root:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_focal_losses.py

Writes tests/goldens/losses_focal.json: for each BinaryFocalCrossentropy /
CategoricalFocalCrossentropy config, the inputs, the value for every reduction with and
without sample weights, and the gradient (JAX autodiff through Keras's own loss) for the
default reduction. Read by tests/losses/test_losses_focal.py.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import losses  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "losses_focal.json"
RNG = np.random.default_rng(7)
REDUCTIONS = ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"]


def tolist(a, digits=7):
    """Values as JSON numbers: inputs exactly (they are rounded), results to 7 digits."""
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"))(np.asarray(a, "float64")).tolist()


def rounded(shape, lo, hi, decimals=3):
    return np.round(RNG.uniform(lo, hi, size=shape), decimals).astype("float32")


N, C = 5, 3
labels = np.array([0, 2, 1, 2, 0])
one_hot = np.eye(C, dtype="float32")[labels]
bin_true = (RNG.uniform(size=(N, C)) > 0.5).astype("float32")
bin_pred = rounded((N, C), 0.01, 0.99)
bin_pred[0, 0], bin_pred[1, 1], bin_pred[2, 2] = 0.0, 1.0, 1e-8  # clipped in the log
bin_logits = rounded((N, C), -6, 6, 2)
bin_logits[3, 0] = 20.0  # sigmoid rounds to 1 in float32: clipped
probs = rounded((N, C), 0.05, 1.0)  # rows not summing to 1: Keras renormalises
probs[1, 2] = 0.0  # exact zero: clipped
logits = rounded((N, C), -4, 4, 2)

# (class name, constructor kwargs, y_true, y_pred)
CASES = [
    ("BinaryFocalCrossentropy", {}, bin_true, bin_pred),
    ("BinaryFocalCrossentropy", {"gamma": 0.0}, bin_true, rounded((N, C), 0.05, 0.95)),
    ("BinaryFocalCrossentropy", {"gamma": 1.5, "label_smoothing": 0.1}, bin_true, bin_pred),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4}, bin_true, bin_pred),
    ("BinaryFocalCrossentropy", {"from_logits": True}, bin_true, bin_logits),
    (
        "BinaryFocalCrossentropy",
        {"from_logits": True, "apply_class_balancing": True, "gamma": 3.0, "label_smoothing": 0.2},
        bin_true,
        bin_logits,
    ),
    ("BinaryFocalCrossentropy", {"axis": 0}, bin_true, bin_pred),
    ("BinaryFocalCrossentropy", {}, bin_true[:, 0], bin_pred[:, :1]),  # (N,) vs (N, 1)
    ("CategoricalFocalCrossentropy", {}, one_hot, probs),
    ("CategoricalFocalCrossentropy", {"gamma": 0.0, "alpha": 1.0}, one_hot, probs),
    ("CategoricalFocalCrossentropy", {"alpha": [0.2, 0.3, 0.5], "gamma": 1.5}, one_hot, probs),
    ("CategoricalFocalCrossentropy", {"label_smoothing": 0.2}, one_hot, probs),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, one_hot, logits),
    (
        "CategoricalFocalCrossentropy",
        {"from_logits": True, "alpha": [0.5, 0.25, 0.25], "label_smoothing": 0.1},
        one_hot,
        logits,
    ),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "axis": 0}, one_hot, logits),
]


def sample_weight(kwargs, y_pred):
    if kwargs.get("axis") == 0:
        return np.array([1.0, 0.5, 2.0], "float32")  # one weight per column
    return np.resize(np.array([1.0, 0.5, 2.0, 0.0, 1.5], "float32"), y_pred.shape[0])


def keras_grad(loss, y_true, y_pred, weight):
    """d loss / d y_pred by JAX autodiff through Keras's own loss."""
    return jax.grad(lambda p: loss(y_true, p, sample_weight=weight))(y_pred)


def make_case(cls_name, kwargs, y_true, y_pred):
    sw = sample_weight(kwargs, y_pred)
    values, grads = {}, []
    for reduction in REDUCTIONS:
        pair = []
        for weight in (None, sw):
            loss = getattr(losses, cls_name)(reduction=reduction, **kwargs)
            pair.append(tolist(loss(y_true, y_pred, sample_weight=weight)))
            if reduction == "sum_over_batch_size":
                grads.append(tolist(keras_grad(loss, y_true, y_pred, weight)))
        values[reduction] = pair
    return {
        "loss": cls_name,
        "kwargs": kwargs,
        "y_true": tolist(y_true),
        "y_pred": tolist(y_pred),
        "sample_weight": tolist(sw),
        "values": values,
        "grads": grads,
    }


def main():
    cases = [make_case(*case) for case in CASES]
    OUT.write_text(json.dumps({"keras_version": keras.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
