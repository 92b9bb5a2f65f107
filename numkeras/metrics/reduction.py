"""Reducing metrics: `Sum`, `Mean` and `MeanMetricWrapper` (a `fn(y_true, y_pred)` averaged).

>>> from numkeras.losses import mean_absolute_error
>>> m = MeanMetricWrapper(mean_absolute_error, name="mae")
>>> m.update_state([[1.0], [2.0]], [[1.5], [2.0]])
>>> m.update_state([[0.0]], [[1.0]])
>>> m.result()
0.5
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ShapeError, format_shape
from numkeras.losses.loss import squeeze_or_expand_to_same_rank
from numkeras.metrics.metric import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype: str):
    """One value (and weight) per sample, as Keras's `reduce_to_samplewise_values`.

    Values beyond the weight's rank are reduced first, then weighted, then reduced to
    one value per sample (axis 0). Incompatible weight shapes raise `ShapeError`.
    """
    xp = backend.xp
    values = backend.cast_input(values, dtype)
    if sample_weight is not None:
        sample_weight = backend.cast_input(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_ndim, v_ndim = sample_weight.ndim, values.ndim
        if v_ndim > w_ndim:
            values = reduce_fn(values, axis=tuple(range(w_ndim, v_ndim)))
        try:
            sample_weight = xp.broadcast_to(sample_weight, values.shape)
        except ValueError:
            raise ShapeError(
                f"sample_weight has shape {format_shape(sample_weight.shape)}, which does not "
                f"match the metric values of shape {format_shape(values.shape)}. Pass one weight "
                "per sample (shape (batch_size,)) or a scalar."
            ) from None
        values = values * sample_weight
        if w_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, w_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen.

    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> m.result()
    16.0
    """

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype="float64", name="total")

    def update_state(self, values, sample_weight=None) -> None:
        values, _ = reduce_to_samplewise_values(values, sample_weight, backend.xp.sum, self.dtype)
        self.total.assign_add(values.sum(dtype="float64"))

    def result(self) -> float:
        return float(self.total)


class Mean(Metric):
    """The (weighted) mean of all values seen: `sum(w * v) / sum(w)`.

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    2.0
    """

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        # float64 where Keras has float32 (self.dtype): long epochs don't drift
        self.total = self.add_variable((), "zeros", dtype="float64", name="total")
        self.count = self.add_variable((), "zeros", dtype="float64", name="count")

    def update_state(self, values, sample_weight=None) -> None:
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, backend.mean, self.dtype
        )
        self.total.assign_add(values.sum(dtype="float64"))
        if sample_weight is not None:
            self.count.assign_add(sample_weight.sum(dtype="float64"))
        else:
            self.count.assign_add(values.shape[0] if values.ndim >= 1 else 1)

    def result(self) -> float:
        total, count = float(self.total), float(self.count)
        return total / count if count else 0.0


def _is_loss(fn) -> bool:
    """Whether `fn` is one of numkeras's losses (a function, or a `Loss` instance)."""
    return any(
        (getattr(f, "__module__", None) or "").startswith("numkeras.losses") for f in (fn, type(fn))
    )


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    Args:
        fn: Returns one value per sample (e.g. a loss function form).
        name, dtype: See `Metric`.
        **kwargs: Passed to `fn`.

    >>> from numkeras.metrics import binary_accuracy
    >>> m = MeanMetricWrapper(binary_accuracy, name="acc", threshold=0.7)
    >>> m([[1], [0]], [[0.6], [0.2]])
    0.5
    """

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if self._direction is None and _is_loss(fn):  # (a loss is minimized, as in Keras)
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        # arrays, as a Keras metric function receives tensors from the trainer
        y_true = backend.xp.asarray(y_true)
        y_pred = backend.cast_input(y_pred, self.dtype)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        from numkeras.losses import serialize

        return {**super().get_config(), "fn": serialize(self._fn), **self._fn_kwargs}

    def __repr__(self) -> str:
        if type(self) is not MeanMetricWrapper:
            return super().__repr__()
        fn = getattr(self._fn, "__name__", repr(self._fn))
        kwargs = "".join(f", {k}={v!r}" for k, v in self._fn_kwargs.items())
        return f"MeanMetricWrapper({fn}, name={self.name!r}{kwargs})"

    @classmethod
    def from_config(cls, config: dict):
        from numkeras.metrics import _function_from_config

        config = dict(config)
        if "fn" in config:
            config["fn"] = _function_from_config(config["fn"])
        return cls(**config)
