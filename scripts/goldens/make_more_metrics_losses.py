"""Golden values for the newer Keras 3 metrics and losses, from real Keras 3 (JAX backend).

Run from the repo root:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_more_metrics_losses.py

Writes tests/goldens/metrics_losses_more.json (inputs embedded, so the tests need no Keras):

* "metrics": F1Score, FBetaScore, R2Score, the IoU family and the at-precision/recall
  family: the result after each of three `update_state` calls, without and with sample
  weights, plus `get_config()` and the variables (name, shape) after the first batch;
* "losses": Dice, Tversky and Circle: the value for every reduction without and with
  sample weights, and the gradient (JAX autodiff through Keras's own loss) for the default
  reduction;
* "fit": a tiny model compiled with Dice and three new metrics, trained 2 epochs from
  fixed weights (set_weights), and its history.

Read by tests/metrics/test_metrics_more.py and tests/losses/test_losses_more.py.
"""

from __future__ import annotations

import json
import os
import pathlib
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers, losses, metrics  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "metrics_losses_more.json"
RNG = np.random.default_rng(11)
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]


def tolist(a, digits=7):
    """Values as JSON numbers: inputs exactly (they are rounded), results to 7 digits."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a.tolist()
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"), otypes=[float])(a).tolist()


def rounded(shape, lo, hi, decimals=3):
    return np.round(RNG.uniform(lo, hi, size=shape), decimals).astype("float32")


def one_hot(labels, n):
    return np.eye(n, dtype="float32")[labels]


def jsonable(value):
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


# -- metric data: three batches each -------------------------------------------------------
def batches(make, n_batches=3):
    return [make(i) for i in range(n_batches)]


def multiclass_batch(i, n=6, c=3):
    p = rounded((n, c), 0.0, 1.0, 2)
    if i == 1:
        p[0] = 0.0  # a row of zeros: no class predicted without a threshold
        p[1, :2] = 0.7  # a tie: both count as predicted
    y = one_hot(RNG.integers(0, c, n), c)
    w = np.round(RNG.uniform(0.0, 2.0, n), 2).astype("float32")
    return {"y_true": y, "y_pred": p, "sample_weight": w}


def multilabel_batch(i, n=6, c=3):
    y = (RNG.uniform(size=(n, c)) > 0.5).astype("float32")
    p = rounded((n, c), 0.0, 1.0, 2)
    w = np.round(RNG.uniform(0.0, 2.0, n), 2).astype("float32")
    return {"y_true": y, "y_pred": p, "sample_weight": w}


def regression_batch(i, n=6, c=2):
    y = rounded((n, c), -2.0, 2.0, 2)
    p = np.round(y + RNG.normal(0, 0.6, (n, c)), 2).astype("float32")
    w = np.round(RNG.uniform(0.0, 2.0, n), 2).astype("float32")
    return {"y_true": y, "y_pred": p, "sample_weight": w}


def regression_col_batch(i, n=6):
    b = regression_batch(i, n, 1)
    return {**b, "y_true": b["y_true"][:, 0]}  # (N,) targets for an (N, 1) output


def sparse_seg_batch(i, n=4, h=5, c=3):
    y = RNG.integers(0, c, (n, h))
    p = RNG.integers(0, c, (n, h))
    if i == 0:
        y[0, 0], p[1, 1] = c, -1  # out of range: left out, as Keras's bounds mask
    w = RNG.integers(0, 3, (n, h)).astype("float32")  # integral: the int32 matrix keeps them
    return {"y_true": y, "y_pred": p.astype("float32"), "sample_weight": w}


def sparse_true_dense_pred_batch(i, n=4, h=5, c=3):
    y = RNG.integers(0, c, (n, h))
    p = rounded((n, h, c), 0.0, 1.0, 2)
    w = RNG.integers(0, 3, (n, h)).astype("float32")
    return {"y_true": y, "y_pred": p, "sample_weight": w}


def one_hot_seg_batch(i, n=4, h=5, c=3):
    y = one_hot(RNG.integers(0, c, (n, h)), c)
    p = rounded((n, h, c), 0.0, 1.0, 2)
    w = RNG.integers(0, 3, (n, h)).astype("float32")
    return {"y_true": y, "y_pred": p, "sample_weight": w}


def one_hot_true_sparse_pred_batch(i, n=4, h=5, c=3):
    b = one_hot_seg_batch(i, n, h, c)
    return {**b, "y_pred": RNG.integers(0, c, (n, h)).astype("float32")}


def binary_seg_batch(i, n=4, h=5):
    y = (RNG.uniform(size=(n, h)) > 0.5).astype("float32")
    p = rounded((n, h), 0.0, 1.0, 2)
    p[0, 0] = 0.5  # at the threshold: BinaryIoU counts >= threshold as 1
    w = RNG.integers(0, 3, (n, h)).astype("float32")
    return {"y_true": y, "y_pred": p, "sample_weight": w}


def fractional_weight_seg_batch(i, n=4, h=5, c=3):
    b = sparse_seg_batch(i, n, h, c)
    return {**b, "sample_weight": np.round(RNG.uniform(0, 2, (n, h)), 2).astype("float32")}


def binary_batch(i, n=10):
    y = (RNG.uniform(size=n) > 0.5).astype("float32")
    p = rounded((n,), 0.0, 1.0, 3)
    p[0] = 0.0
    p[1] = 1.0
    w = np.round(RNG.uniform(0.0, 2.0, n), 2).astype("float32")
    return {"y_true": y, "y_pred": p, "sample_weight": w}


DATA = {
    "multiclass": batches(multiclass_batch),
    "multilabel": batches(multilabel_batch),
    "regression": batches(regression_batch),
    "regression_col": batches(regression_col_batch),
    "sparse_seg": batches(sparse_seg_batch),
    "sparse_true_dense_pred": batches(sparse_true_dense_pred_batch),
    "one_hot_seg": batches(one_hot_seg_batch),
    "one_hot_true_sparse_pred": batches(one_hot_true_sparse_pred_batch),
    "binary_seg": batches(binary_seg_batch),
    "fractional_weight_seg": batches(fractional_weight_seg_batch),
    "binary": batches(binary_batch),
    "multilabel_class": batches(multilabel_batch),
}

# (class name, kwargs, data set)
METRIC_CASES = [
    ("F1Score", {}, "multiclass"),
    ("F1Score", {"average": "micro"}, "multiclass"),
    ("F1Score", {"average": "macro", "threshold": 0.4}, "multilabel"),
    ("F1Score", {"average": "weighted"}, "multiclass"),
    ("F1Score", {"threshold": 0.5}, "multilabel"),
    ("FBetaScore", {"beta": 2.0}, "multiclass"),
    ("FBetaScore", {"beta": 0.5, "average": "micro", "threshold": 0.3}, "multilabel"),
    ("FBetaScore", {"beta": 2.0, "average": "macro"}, "multilabel"),
    ("FBetaScore", {"beta": 1.5, "average": "weighted", "threshold": 0.6}, "multilabel"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None}, "regression"),
    ("R2Score", {"num_regressors": 3}, "regression"),
    ("R2Score", {}, "regression_col"),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "sparse_seg"),
    ("IoU", {"num_classes": 3, "target_class_ids": [1], "ignore_class": 0}, "sparse_seg"),
    (
        "IoU",
        {"num_classes": 3, "target_class_ids": [0, 1], "sparse_y_pred": False},
        "sparse_true_dense_pred",
    ),
    ("MeanIoU", {"num_classes": 3}, "sparse_seg"),
    ("MeanIoU", {"num_classes": 3, "ignore_class": 2}, "sparse_seg"),
    ("MeanIoU", {"num_classes": 3, "sparse_y_pred": False}, "sparse_true_dense_pred"),
    ("MeanIoU", {"num_classes": 3, "sparse_y_true": False, "sparse_y_pred": False}, "one_hot_seg"),
    ("MeanIoU", {"num_classes": 3, "dtype": "float32"}, "fractional_weight_seg"),
    ("MeanIoU", {"num_classes": 4}, "sparse_seg"),  # a class never seen: left out
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "one_hot_seg"),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [1], "ignore_class": 1}, "one_hot_seg"),
    ("OneHotMeanIoU", {"num_classes": 3}, "one_hot_seg"),
    ("OneHotMeanIoU", {"num_classes": 3, "sparse_y_pred": True}, "one_hot_true_sparse_pred"),
    ("BinaryIoU", {}, "binary_seg"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "binary_seg"),
    ("PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.8, "num_thresholds": 5}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.6, "class_id": 1}, "multilabel_class"),
    ("RecallAtPrecision", {"precision": 0.6}, "binary"),
    ("RecallAtPrecision", {"precision": 0.7, "num_thresholds": 1}, "binary"),
    ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 2, "class_id": 2}, "multilabel"),
    ("SensitivityAtSpecificity", {"specificity": 0.7}, "binary"),
    ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 7}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.9}, "binary"),
    (
        "SpecificityAtSensitivity",
        {"sensitivity": 0.4, "num_thresholds": 3, "class_id": 0},
        "multilabel",
    ),
]


def metric_case(cls_name, kwargs, data):
    results = []
    variables = None
    for weighted in (False, True):
        m = getattr(metrics, cls_name)(**kwargs)
        run = []
        for batch in DATA[data]:
            sw = batch["sample_weight"] if weighted else None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m.update_state(batch["y_true"], batch["y_pred"], sample_weight=sw)
                run.append(tolist(m.result()))
            if variables is None:
                variables = [[v.name, list(v.shape)] for v in m.variables]
        results.append(run)
        m.reset_state()
    return {
        "metric": cls_name,
        "kwargs": kwargs,
        "data": data,
        "results": results,
        "config": jsonable(m.get_config()),
        "variables": variables,
    }


# -- losses -----------------------------------------------------------------------------------
N, C = 5, 3
seg_true = (RNG.uniform(size=(N, C)) > 0.5).astype("float32")
seg_pred = rounded((N, C), 0.0, 1.0)
img_true = (RNG.uniform(size=(3, 2, 2, 2)) > 0.5).astype("float32")
img_pred = rounded((3, 2, 2, 2), 0.0, 1.0)
img_true[2] = 0.0  # an image without any target
labels = np.array([0, 1, 0, 2, 1, 0, 3], "float32")  # class 3 has one sample: no positive
emb = RNG.normal(size=(7, 4)).astype("float32")
emb = (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype("float32")
emb_exact = np.array(
    [[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0], [0, 0, 1], [0, 0.6, 0.8], [-1, 0, 0]], "float32"
)  # exactly unit norm: the diagonal's distance is exactly 0 (a tie in max(., 0))

# (class name, kwargs, y_true, y_pred)
LOSS_CASES = [
    ("Dice", {}, seg_true, seg_pred),
    ("Dice", {"axis": -1}, seg_true, seg_pred),
    ("Dice", {"axis": [1, 2, 3]}, img_true, img_pred),
    ("Dice", {}, seg_true[:, 0], seg_pred[:, :1]),  # (N,) vs (N, 1)
    ("Tversky", {}, seg_true, seg_pred),
    ("Tversky", {"alpha": 0.7, "beta": 0.3}, seg_true, seg_pred),
    ("Tversky", {"alpha": 0.2, "beta": 0.9, "axis": -1}, seg_true, seg_pred),
    ("Tversky", {"alpha": 0.4, "beta": 0.6, "axis": [1, 2, 3]}, img_true, img_pred),
    ("Circle", {}, labels, emb),
    ("Circle", {"gamma": 2.0, "margin": 0.25}, labels, emb),
    ("Circle", {"gamma": 4.0, "remove_diagonal": False}, labels, emb),
    ("Circle", {"gamma": 3.0}, labels[:, None], emb),  # (N, 1) labels
    ("Circle", {"gamma": 5.0, "margin": 0.3}, np.array([0, 0, 1, 1, 2, 0], "float32"), emb_exact),
    (
        "Circle",
        {"gamma": 5.0, "remove_diagonal": False},
        np.array([0, 0, 1, 1, 2, 0], "float32"),
        emb_exact,
    ),
]


def keras_kwargs(kwargs):
    return {k: tuple(v) if k == "axis" and isinstance(v, list) else v for k, v in kwargs.items()}


def loss_case(cls_name, kwargs, y_true, y_pred):
    sw = np.resize(np.array([1.0, 0.5, 2.0, 0.0, 1.5], "float32"), y_pred.shape[0])
    values, grads = {}, []
    for reduction in REDUCTIONS:
        pair = []
        for weight in (None, sw):
            loss = getattr(losses, cls_name)(reduction=reduction, **keras_kwargs(kwargs))
            pair.append(tolist(loss(y_true, y_pred, sample_weight=weight)))
            if reduction == "sum_over_batch_size":
                grad = jax.grad(lambda p, lo=loss, w=weight: lo(y_true, p, sample_weight=w))(y_pred)
                grads.append(tolist(grad))
        values[reduction] = pair
    return {
        "loss": cls_name,
        "kwargs": kwargs,
        "y_true": tolist(y_true),
        "y_pred": tolist(y_pred),
        "sample_weight": tolist(sw),
        "values": values,
        "grads": grads,
        "config": jsonable(getattr(losses, cls_name)(**keras_kwargs(kwargs)).get_config()),
    }


def function_forms():
    """The functional forms, with their extra arguments."""
    ref_emb = emb[:4][::-1].copy()
    return {
        "dice": tolist(losses.dice(img_true, img_pred, axis=(1, 2, 3))),
        "tversky": tolist(losses.tversky(seg_true, seg_pred, alpha=0.3, beta=0.8, axis=-1)),
        "circle": tolist(losses.circle(labels, emb, gamma=3.0, margin=0.2)),
        "circle_ref": tolist(
            losses.circle(
                labels,
                emb,
                ref_labels=np.array([1, 0, 2, 0], "float32"),
                ref_embeddings=ref_emb,
                gamma=3.0,
            )
        ),
        "ref_labels": [1, 0, 2, 0],
        "ref_embeddings": tolist(ref_emb),
    }


# -- a tiny model trained with Dice and new metrics ------------------------------------------
def fit_case():
    keras.backend.clear_session()  # default metric names without a counter suffix
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(24, 3)), 3).astype("float32")
    y = one_hot((x[:, 0] + 0.5 * x[:, 1] > 0).astype(int), 2)
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    w0 = [np.round(rng.normal(0, 0.5, w.shape), 3).astype("float32") for w in model.get_weights()]
    model.set_weights(w0)
    model.compile(
        optimizer=keras.optimizers.SGD(0.5),
        loss=losses.Dice(),
        metrics=[
            metrics.F1Score(average="macro"),
            metrics.OneHotMeanIoU(num_classes=2),
            metrics.R2Score(),
        ],
    )
    hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return {
        "x": tolist(x),
        "y": tolist(y),
        "weights0": [tolist(w) for w in w0],
        "history": {k: [float(v) for v in vs] for k, vs in hist.history.items()},
        "weights": [tolist(w) for w in model.get_weights()],
    }


def main():
    data = {
        name: [{k: tolist(v) for k, v in batch.items()} for batch in runs]
        for name, runs in DATA.items()
    }
    out = {
        "keras_version": keras.__version__,
        "data": data,
        "metrics": [metric_case(*case) for case in METRIC_CASES],
        "losses": [loss_case(*case) for case in LOSS_CASES],
        "functions": function_forms(),
        "fit": fit_case(),
    }
    OUT.write_text(json.dumps(out) + "\n")
    print(f"wrote {OUT} ({len(out['metrics'])} metric cases, {len(out['losses'])} loss cases)")


if __name__ == "__main__":
    main()
