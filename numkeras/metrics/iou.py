"""Intersection-over-union metrics: IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU.

Each accumulates a `(num_classes, num_classes)` confusion matrix (rows: targets, columns:
predictions) over every element seen, then gives, per class,
`IoU = TP / (TP + FP + FN)` and averages it over the target classes that occurred
(a class with an empty denominator is left out of the mean).

As in Keras 3, the matrix is an `int32` variable by default (`dtype="int32"`): labels and
sample weights are cast to it, so fractional weights are truncated (pass
`dtype="float32"` to keep them); elements whose target or prediction is outside
`[0, num_classes)`, or whose target is `ignore_class`, are left out.

>>> m = MeanIoU(num_classes=2)
>>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
>>> round(m.result(), 4)
0.3333
"""

from __future__ import annotations

import warnings

import numpy as np

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    IncompatibleShapesError,
    NumkerasWarning,
    ShapeError,
    format_shape,
)
from numkeras.metrics.metric import Metric

_DTYPES = ("int8", "int16", "int32", "int64", "float16", "float32", "float64")


def _iou_dtype(dtype) -> str:
    if dtype is None or dtype == "int":
        return "int32"  # Keras's default for the confusion matrix
    name = getattr(dtype, "name", None) or str(dtype)
    if name not in _DTYPES:
        raise ConfigError(
            f"Invalid dtype {dtype!r} for an IoU metric: expected one of {', '.join(_DTYPES)}."
        )
    return name


class _IoUBase(Metric):
    """The confusion-matrix state shared by the IoU metrics."""

    _direction = "up"

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name)
        self._dtype = _iou_dtype(dtype)
        if isinstance(num_classes, bool) or int(num_classes) != num_classes or num_classes < 1:
            raise ConfigError(
                f"`num_classes` must be a positive integer. Received: {num_classes!r}"
            )
        self.num_classes = int(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        n = self.num_classes
        self.total_cm = self.add_variable(
            (n, n), "zeros", dtype=self.dtype, name="total_confusion_matrix"
        )

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        xp = backend.xp
        dtype = self.dtype
        y_true, y_pred = xp.asarray(y_true), xp.asarray(y_pred)
        if not self.sparse_y_true:
            y_true = xp.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = xp.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(dtype).reshape(-1)
        y_pred = y_pred.astype(dtype).reshape(-1)
        if y_true.shape != y_pred.shape:
            # (Keras computes with them and JAX raises a TypeError; numkeras's is both types)
            raise IncompatibleShapesError(
                f"{type(self).__name__} compares targets and predictions element by element, "
                f"but got {y_true.size} labels and {y_pred.size} predictions (after the "
                "argmax of one-hot inputs)."
            )
        if sample_weight is None:
            weights = xp.ones(y_true.shape, dtype)
        else:
            sw = xp.asarray(sample_weight)
            if sw.dtype.kind == "f" and dtype.startswith("int") and xp.any(sw != xp.trunc(sw)):
                warnings.warn(
                    f"{type(self).__name__} has dtype {dtype!r}: the fractional sample weights "
                    "are truncated to integers, as in Keras. Pass integer weights, or "
                    "dtype='float32' to the metric.",
                    NumkerasWarning,
                    stacklevel=2,
                )
            sw = sw.astype(dtype).reshape(-1) if sw.ndim > 1 else sw.astype(dtype)
            try:
                weights = xp.broadcast_to(sw, y_true.shape)
            except ValueError:
                raise ShapeError(
                    f"sample_weight has shape {format_shape(np.shape(sample_weight))}, but "
                    f"{type(self).__name__} weighs each of the {y_true.size} elements: pass "
                    "one weight per element (the shape of the labels) or a scalar."
                ) from None
        n = self.num_classes
        keep = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            keep &= y_true != xp.asarray(self.ignore_class).astype(dtype)
        rows = xp.where(keep, y_true, 0).astype("int64")
        cols = xp.where(keep, y_pred, 0).astype("int64")
        weights = xp.where(keep, weights, 0)
        cm = xp.bincount(rows * n + cols, weights=weights.astype("float64"), minlength=n * n)
        self.total_cm.assign_add(cm.reshape(n, n).astype(dtype))

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class IoU(_IoUBase):
    """Mean IoU over `target_class_ids`, from integer labels (or one-hot, see the flags).

    Args:
        num_classes: The number of classes (the confusion matrix is `num_classes` square).
        target_class_ids: The classes whose IoU is averaged.
        name: See `Metric`.
        dtype: The confusion matrix's dtype (default `"int32"`, as Keras).
        ignore_class: A target label whose elements are left out (e.g. a void class).
        sparse_y_true: Targets are integer labels (default) rather than one-hot/scores
            (then their argmax over `axis` is taken).
        sparse_y_pred: Predictions are integer labels (default) rather than scores.
        axis: The class axis for those argmaxes (default -1).

    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(m.result(), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        ids = [int(i) for i in target_class_ids]
        if not ids:
            raise ConfigError("`target_class_ids` must name at least one class.")
        if max(ids) >= self.num_classes or min(ids) < 0:
            bad = max(ids) if max(ids) >= self.num_classes else min(ids)
            raise ConfigError(
                f"Target class id {bad} is out of range, which is [0, {self.num_classes})."
            )
        self.target_class_ids = ids

    def result(self) -> float:
        xp = backend.xp
        cm = self.total_cm.value
        f32 = "float32"
        true_positives = xp.diagonal(cm).astype(f32)
        # predicted + actual - true positives = TP + FP + FN
        denominator = (cm.sum(axis=0) + cm.sum(axis=1)).astype(f32) - true_positives
        ids = xp.asarray(self.target_class_ids)
        true_positives, denominator = true_positives[ids], denominator[ids]
        valid = denominator > 1e-9  # a class never seen nor predicted is left out
        eps = xp.float32(backend.epsilon())
        iou = xp.where(valid, true_positives / (denominator + eps), xp.float32(0))
        return float(xp.sum(iou) / (xp.sum(valid.astype(f32)) + eps))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU of binary segmentation: scores at or above `threshold` are class 1.

    Args:
        target_class_ids: The classes averaged: `(0, 1)` (default), `[0]` or `[1]`.
        threshold: Predictions `>= threshold` count as class 1 (default 0.5).
        name, dtype: See `IoU`.

    >>> m = BinaryIoU(target_class_ids=[1], threshold=0.3)
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    >>> round(m.result(), 4)
    0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        xp = backend.xp
        y_true = xp.asarray(y_true).astype(self.dtype)
        y_pred = (xp.asarray(y_pred, "float32") >= self.threshold).astype(self.dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """IoU averaged over every class (`IoU` with `target_class_ids=range(num_classes)`).

    Args: as `IoU`, without `target_class_ids`.

    >>> m = MeanIoU(num_classes=3, ignore_class=2)
    >>> m.update_state([0, 1, 2, 2], [0, 1, 0, 1])
    >>> round(m.result(), 4)  # class 2 ignored: classes 0 and 1 exactly right
    1.0
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=list(range(int(num_classes))),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict:
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotIoU(IoU):
    """`IoU` for one-hot targets and score predictions (their argmax over `axis`).

    Args: as `IoU`, with `sparse_y_true` fixed to False (`sparse_y_pred=True` takes
    integer predictions).

    >>> import numpy as np
    >>> m = OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    >>> m.update_state(np.eye(3)[[0, 0, 1, 2]], np.eye(3)[[0, 1, 1, 2]] * 0.8)
    >>> round(m.result(), 4)
    0.75
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict:
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` for one-hot targets and score predictions.

    Args: as `MeanIoU`, with `sparse_y_true` fixed to False.

    >>> import numpy as np
    >>> m = OneHotMeanIoU(num_classes=2)
    >>> m.update_state(np.eye(2)[[0, 0, 1, 1]], np.array([[0.9, 0.1], [0.2, 0.8],
    ...                                                   [0.4, 0.6], [0.3, 0.7]]))
    >>> round(m.result(), 4)
    0.5833
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict:
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
