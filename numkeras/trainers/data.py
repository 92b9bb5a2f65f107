"""Array data for fit / evaluate / predict: cardinality checks, splits, batches.

Batches of unshuffled data are views (no copies); shuffled batches gather rows.
"""

from __future__ import annotations

import math

from numkeras import backend
from numkeras.errors import ShapeError, format_shape


def num_samples(arrays: list, what: str = "x") -> int:
    sizes = {len(a) for a in arrays if a is not None}
    if len(sizes) > 1:
        raise ShapeError(
            f"Data cardinality is ambiguous: the arrays in {what} have different numbers of "
            f"samples (axis 0): {[format_shape(a.shape) for a in arrays if a is not None]}. "
            "Make sure all arrays contain the same number of samples."
        )
    return sizes.pop() if sizes else 0


def check_same_length(x_rows: int, other_rows: int, other: str) -> None:
    if x_rows != other_rows:
        raise ShapeError(
            f"Data cardinality is ambiguous: x has {x_rows} samples but {other} has "
            f"{other_rows} (axis 0 is the batch axis of both). Make sure they contain the "
            "same number of samples."
        )


def take(arrays: list, index) -> list:
    """Rows `index` (a slice gives views; an index array gathers) of each array."""
    return [None if a is None else a[index] for a in arrays]


def split_validation(arrays_groups: list[list], fraction: float):
    """Keras's `validation_split`: the *last* `fraction` of the samples, before shuffling."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(
            f"validation_split must be a float between 0 and 1, received {fraction!r}."
        )
    n = len(arrays_groups[0][0])
    cut = int(math.floor(n * (1.0 - fraction)))
    if cut == 0 or cut == n:
        raise ValueError(
            f"validation_split={fraction} leaves {'no training' if cut == 0 else 'no validation'} "
            f"samples out of {n}."
        )
    train = [take(g, slice(0, cut)) if g is not None else None for g in arrays_groups]
    val = [take(g, slice(cut, n)) if g is not None else None for g in arrays_groups]
    return train, val


def class_weight_to_sample_weight(y, class_weight: dict):
    """Per-sample weights from a {class: weight} dict (labels or one-hot targets)."""
    xp = backend.xp
    y = xp.asarray(y)
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = xp.rint(labels).astype("int64") if labels.dtype.kind == "f" else labels
    present = set(int(c) for c in xp.unique(labels).tolist())
    missing = sorted(present - set(int(k) for k in class_weight))
    if missing:
        raise ValueError(
            f"class_weight has no weight for class(es) {missing} present in y; give every "
            "class a weight."
        )
    table = xp.ones(max(max(present, default=0), max(class_weight, default=0)) + 1, "float32")
    for k, w in class_weight.items():
        table[int(k)] = w
    return table[labels]
