"""Golden values for numkeras.losses and numkeras.metrics, from real Keras 3 (JAX backend).

Run from the repo root:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_losses_metrics.py

Writes (small, deterministic JSON; inputs are embedded so the tests need no Keras):
    tests/goldens/losses.json           every loss x reductions x sample weights, value + grad
    tests/goldens/losses_shapes.json    (N,) vs (N,1) targets, rank-3 outputs, ignore_class...
    tests/goldens/metrics.json          multi-batch accumulation of every metric
    tests/goldens/metrics_resolve.json  Keras's 'accuracy' / 'crossentropy' resolution table
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import losses, metrics  # noqa: E402
from keras.src.trainers import compile_utils  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens"
RNG = np.random.default_rng(0)


def f32(a):
    return np.asarray(a, dtype="float32")


def tolist(a, digits=7):
    """Values as JSON numbers: inputs exactly (they are rounded), results to 7 digits."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a.tolist()
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"))(a).tolist()


def rounded(shape, lo, hi, decimals=3):
    return np.round(RNG.uniform(lo, hi, size=shape), decimals).astype("float32")


def one_hot(labels, n):
    return np.eye(n, dtype="float32")[labels]


# -- datasets ---------------------------------------------------------------------------------
N, C = 5, 3
labels = np.array([0, 2, 1, 2, 0])
probs = rounded((N, C), 0.05, 1.0)
probs[1, 0] = 0.0  # exact zero: exercises clipping
probs = probs / probs.sum(-1, keepdims=True)
probs_unnorm = rounded((N, C), 0.05, 1.0)  # rows not summing to 1: Keras renormalises
bin_true = (RNG.uniform(size=(N, C)) > 0.5).astype("float32")
bin_pred = rounded((N, C), 0.01, 0.99)
bin_pred[0, 0], bin_pred[1, 1], bin_pred[2, 2] = 0.0, 1.0, 1e-8  # clipped entries: zero grad
DATASETS = {
    "regression": {"y_true": rounded((N, C), -2, 2), "y_pred": rounded((N, C), -2, 2)},
    "positive": {"y_true": rounded((N, C), 0.0, 3.0), "y_pred": rounded((N, C), 0.05, 3.0)},
    "distribution": {"y_true": probs, "y_pred": probs_unnorm / probs_unnorm.sum(-1, keepdims=True)},
    "binary": {"y_true": bin_true, "y_pred": bin_pred},
    "binary_logits": {"y_true": bin_true, "y_pred": rounded((N, C), -6, 6, 2)},
    "onehot": {"y_true": one_hot(labels, C), "y_pred": probs_unnorm},
    "onehot_zero": {"y_true": one_hot(labels, C), "y_pred": probs},
    "onehot_logits": {"y_true": one_hot(labels, C), "y_pred": rounded((N, C), -4, 4, 2)},
    "sparse": {"y_true": labels, "y_pred": probs_unnorm},
    "sparse_logits": {"y_true": labels, "y_pred": rounded((N, C), -4, 4, 2)},
    "hinge01": {"y_true": bin_true, "y_pred": rounded((N, C), -2, 2)},
    "hinge_pm1": {"y_true": 2 * bin_true - 1, "y_pred": rounded((N, C), -2, 2)},
}
SAMPLE_WEIGHT = np.array([1.0, 0.5, 2.0, 0.0, 1.5], dtype="float32")

# (class name, constructor kwargs, dataset)
LOSSES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("MeanSquaredLogarithmicError", {}, "regression"),
    ("Huber", {}, "regression"),
    ("Huber", {"delta": 0.5}, "regression"),
    ("LogCosh", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("CosineSimilarity", {"axis": 0}, "regression"),
    ("Poisson", {}, "positive"),
    ("KLDivergence", {}, "distribution"),
    ("Hinge", {}, "hinge01"),
    ("Hinge", {}, "hinge_pm1"),
    ("SquaredHinge", {}, "hinge01"),
    ("SquaredHinge", {}, "hinge_pm1"),
    ("CategoricalHinge", {}, "onehot"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "binary_logits"),
    ("BinaryCrossentropy", {"axis": 0}, "binary"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("CategoricalCrossentropy", {}, "onehot_zero"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "onehot"),
    ("CategoricalCrossentropy", {"from_logits": True}, "onehot_logits"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "onehot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]


def loss_value_and_grad(loss, y_true, y_pred, sw):
    value = loss(y_true, y_pred, sample_weight=sw)
    grad = None
    if loss.reduction not in (None, "none"):
        grad = jax.grad(lambda p: loss(y_true, p, sample_weight=sw))(y_pred)
    return np.asarray(value), None if grad is None else np.asarray(grad)


def make_losses():
    """One entry per loss config: value for each reduction x (no weights, weights), and the
    gradient for the default reduction (JAX autodiff through Keras's own loss)."""
    cases = []
    for cls_name, kwargs, data in LOSSES:
        d = DATASETS[data]
        sw = SAMPLE_WEIGHT
        if kwargs.get("axis") == 0:
            sw = np.array([1.0, 0.5, 2.0], "float32")  # one weight per column
        case = {"loss": cls_name, "kwargs": kwargs, "data": data, "sample_weight": tolist(sw)}
        values, grads = {}, []
        for reduction in REDUCTIONS:
            pair = []
            for weight in (None, sw):
                loss = getattr(losses, cls_name)(reduction=reduction, **kwargs)
                value, grad = loss_value_and_grad(loss, d["y_true"], d["y_pred"], weight)
                pair.append(tolist(value))
                if reduction == "sum_over_batch_size":
                    grads.append(tolist(grad))
            values[reduction] = pair
        case.update(values=values, grads=grads)
        cases.append(case)
    datasets = {k: {kk: tolist(vv) for kk, vv in v.items()} for k, v in DATASETS.items()}
    return {"keras_version": keras.__version__, "datasets": datasets, "cases": cases}


def make_shape_cases():
    """Target/output rank adaptations Keras 3 performs, and masks (ignore_class)."""
    y1 = np.array([0.0, 1.0, 1.0, 0.0], "float32")
    p1 = np.array([0.2, 0.7, 0.4, 0.1], "float32")
    sw = np.array([1.0, 2.0, 0.5, 1.0], "float32")
    r3_true = rounded((2, 3), -1, 1)
    r3_pred = rounded((2, 3, 1), -1, 1)
    seq_true = rounded((2, 3, 4), -1, 1)
    seq_pred = rounded((2, 3, 4), -1, 1)
    seq_labels = np.array([[0, 2, 1], [1, 1, 0]])
    seq_logits = rounded((2, 3, 3), -2, 2)
    ign_labels = np.array([0, 2, -1, 1, -1])
    specs = [
        ("BinaryCrossentropy", {}, y1, p1[:, None]),  # (N,) vs (N,1)
        ("BinaryCrossentropy", {}, y1[:, None], p1),  # (N,1) vs (N,)
        ("BinaryCrossentropy", {}, y1, p1),  # rank 1 both: one "sample" of N features
        ("MeanSquaredError", {}, y1, p1[:, None]),
        ("MeanSquaredError", {}, y1[:, None], p1),
        ("MeanAbsoluteError", {}, y1, p1[:, None]),
        ("Huber", {}, y1[:, None], p1[:, None]),
        ("MeanSquaredError", {}, r3_true, r3_pred),  # (N,T) vs (N,T,1)
        ("MeanSquaredError", {}, r3_pred, r3_true),  # (N,T,1) vs (N,T)
        ("MeanSquaredError", {}, seq_true, seq_pred),  # per-timestep values (N,T)
        ("CategoricalCrossentropy", {}, one_hot(seq_labels, 4), seq_pred * seq_pred),
        ("SparseCategoricalCrossentropy", {}, labels[:, None], probs_unnorm),  # (N,1) labels
        ("SparseCategoricalCrossentropy", {"from_logits": True}, seq_labels, seq_logits),
        ("SparseCategoricalCrossentropy", {"ignore_class": -1}, ign_labels, probs_unnorm),
        (
            "SparseCategoricalCrossentropy",
            {"ignore_class": -1, "from_logits": True},
            ign_labels,
            rounded((N, C), -4, 4, 2),
        ),
    ]
    cases = []
    for cls_name, kwargs, yt, yp in specs:
        weight = np.resize(sw, yp.shape[0])
        case = {
            "loss": cls_name,
            "kwargs": kwargs,
            "y_true": tolist(yt),
            "y_pred": tolist(yp),
            "sample_weight": tolist(weight),
        }
        values, grads, errors = {}, [], {}
        for reduction in ("sum_over_batch_size", "sum", "none", "mean_with_sample_weight"):
            pair = []
            for w in (None, weight):
                loss = getattr(losses, cls_name)(reduction=reduction, **kwargs)
                try:
                    value, grad = loss_value_and_grad(loss, yt, yp, w)
                except ValueError as e:  # Keras can't weight per-timestep values per sample
                    errors[reduction] = str(e).splitlines()[0]
                    pair.append(None)
                    continue
                pair.append(tolist(value))
                if reduction == "sum_over_batch_size":
                    # NaN where Keras's own gradient is undefined (ignore_class on probabilities)
                    grads.append(tolist(np.where(np.isfinite(grad), grad, np.nan)))
            values[reduction] = pair
        case.update(values=values, grads=grads, keras_errors=errors)
        cases.append(case)
    return {"keras_version": keras.__version__, "cases": cases}


# -- metrics ----------------------------------------------------------------------------------
def batches(kind, sizes=(5, 4, 3)):
    out = []
    for n in sizes:
        if kind == "binary":
            yt = (RNG.uniform(size=(n, 1)) > 0.5).astype("float32")
            yp = rounded((n, 1), 0, 1, 2)
        elif kind == "binary_multi":
            yt = (RNG.uniform(size=(n, 3)) > 0.5).astype("float32")
            yp = rounded((n, 3), 0, 1, 2)
        elif kind == "onehot":
            yt = one_hot(RNG.integers(0, 4, n), 4)
            yp = rounded((n, 4), 0, 1, 2)
        elif kind == "sparse":
            yt = RNG.integers(0, 4, n)
            yp = rounded((n, 4), 0, 1, 2)
        elif kind == "sparse_col":
            yt = RNG.integers(0, 4, (n, 1))
            yp = rounded((n, 4), 0, 1, 2)
        elif kind == "regression":
            yt = rounded((n, 2), -2, 2)
            yp = rounded((n, 2), -2, 2)
        elif kind == "positive":
            yt = rounded((n, 2), 0.1, 3)
            yp = rounded((n, 2), 0.1, 3)
        elif kind == "exact":
            yt = RNG.integers(0, 3, (n, 1)).astype("float32")
            yp = RNG.integers(0, 3, (n, 1)).astype("float32")
        elif kind == "values":
            yt = None
            yp = rounded((n, 3), -2, 2)
        else:
            raise ValueError(kind)
        sw = np.round(RNG.uniform(0, 2, n), 2).astype("float32")
        out.append({"y_true": yt, "y_pred": yp, "sample_weight": sw})
    return out


METRICS = [
    ("Mean", {}, "values"),
    ("Sum", {}, "values"),
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary_multi"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_col"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "regression"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("KLDivergence", {}, "positive"),
    ("Poisson", {}, "positive"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "regression"),
    ("CategoricalHinge", {}, "onehot"),
    ("Precision", {}, "binary"),
    ("Recall", {}, "binary"),
    ("Precision", {"thresholds": [0.2, 0.5, 0.8]}, "binary_multi"),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary_multi"),
    ("Precision", {"top_k": 2}, "onehot"),
    ("Recall", {"class_id": 1}, "onehot"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.3, 0.6]}, "binary"),
    ("TrueNegatives", {}, "binary_multi"),
    ("FalseNegatives", {}, "binary"),
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 7}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "num_thresholds": 9}, "binary_multi"),
    ("AUC", {"summation_method": "minoring"}, "binary"),
    ("AUC", {"summation_method": "majoring", "curve": "PR"}, "binary"),
    ("AUC", {"curve": "PRGAIN"}, "binary"),
    ("AUC", {"thresholds": [0.1, 0.35, 0.6, 0.9]}, "binary"),
    ("AUC", {"multi_label": True}, "binary_multi"),
    ("AUC", {"multi_label": True, "curve": "PR", "label_weights": [1.0, 0.5, 2.0]}, "binary_multi"),
    ("AUC", {"from_logits": True}, "regression_as_binary"),
]


def make_metrics():
    """Each metric fed the same three batches (5, 4, 3 samples) of its data kind, without and
    with sample weights; results after every batch (accumulation)."""
    kinds = sorted({kind for _, _, kind in METRICS})
    data = {}
    for kind in kinds:
        if kind == "regression_as_binary":  # logits for AUC(from_logits=True)
            bs = batches("binary")
            for b in bs:
                b["y_pred"] = np.round(b["y_pred"] * 8 - 4, 2).astype("float32")
        else:
            bs = batches(kind)
        data[kind] = bs
    cases = []
    for cls_name, kwargs, kind in METRICS:
        results = []
        for use_sw in (False, True):
            m = getattr(metrics, cls_name)(**kwargs)
            run = []
            for b in data[kind]:
                sw = b["sample_weight"] if use_sw else None
                if kind == "values":
                    m.update_state(b["y_pred"], sample_weight=sw)
                else:
                    m.update_state(b["y_true"], b["y_pred"], sample_weight=sw)
                run.append(tolist(m.result()))
            results.append(run)
        config = json.loads(json.dumps(m.get_config(), default=lambda a: np.asarray(a).tolist()))
        cases.append(
            {
                "metric": cls_name,
                "kwargs": kwargs,
                "data": kind,
                "config": config,
                "results": results,
            }
        )
    batches_json = {
        kind: [{k: None if v is None else tolist(v) for k, v in b.items()} for b in data[kind]]
        for kind in kinds
    }
    return {"keras_version": keras.__version__, "data": batches_json, "cases": cases}


def make_resolve_table():
    """What Keras 3's compile picks for 'accuracy'/'acc' (metric) and 'crossentropy' (loss)."""
    shapes = [
        ((8, 1), (8, 1)),
        ((8,), (8, 1)),
        ((8,), (8, 10)),
        ((8, 1), (8, 10)),
        ((8, 10), (8, 10)),
        ((8, 3), (8, 3)),
        ((8, 5), (8, 5, 3)),
        ((8, 5, 3), (8, 5, 3)),
        ((8, 5, 1), (8, 5, 3)),
        ((8, 1), (8, 2)),
    ]
    rows = []
    for true_shape, pred_shape in shapes:
        yt = np.zeros(true_shape, "float32")
        yp = np.zeros(pred_shape, "float32")
        for ident in ("accuracy", "acc", "ACC", "Accuracy"):
            m = compile_utils.get_metric(ident, yt, yp)
            rows.append(
                {
                    "kind": "metric",
                    "identifier": ident,
                    "y_true_shape": list(true_shape),
                    "y_pred_shape": list(pred_shape),
                    "class_name": type(m).__name__,
                    "name": m.name,
                }
            )
        for ident in ("crossentropy", "ce", "CE"):
            loss = compile_utils.get_loss(ident, yt, yp)
            rows.append(
                {
                    "kind": "loss",
                    "identifier": ident,
                    "y_true_shape": list(true_shape),
                    "y_pred_shape": list(pred_shape),
                    "function": loss.fn.__name__,
                    "name": loss.name,
                }
            )
    for ident in ("mse", "mae", "binary_accuracy", "AUC", "auc", "precision", "bce"):
        m = compile_utils.get_metric(ident, np.zeros((4, 1)), np.zeros((4, 1)))
        rows.append(
            {
                "kind": "metric",
                "identifier": ident,
                "y_true_shape": [4, 1],
                "y_pred_shape": [4, 1],
                "class_name": type(m).__name__,
                "name": m.name,
            }
        )
    return {"keras_version": keras.__version__, "rows": rows}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    outputs = {
        "losses.json": make_losses(),
        "losses_shapes.json": make_shape_cases(),
        "metrics.json": make_metrics(),
        "metrics_resolve.json": make_resolve_table(),
    }
    for name, payload in outputs.items():
        path = OUT / name
        path.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
        print(f"wrote {path} ({path.stat().st_size / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
