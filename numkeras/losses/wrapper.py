"""`LossFunctionWrapper`: a `Loss` around a plain `fn(y_true, y_pred) -> per-sample values`.

Wrapping one of numkeras's own function forms (e.g. `losses.mean_squared_error`) gives the
matching built-in class's checks and gradient. A user function written with
`numkeras.ops` (or Keras 2's `K.*` functions) trains too: it is traced into operations,
each with its backward pass (`numkeras.ops.trace`). One written with NumPy evaluates but
cannot train.

>>> import numpy as np
>>> from numkeras.losses import mean_squared_error
>>> loss = LossFunctionWrapper(mean_squared_error, name="mse")
>>> float(loss([[1.0, 0.0]], [[0.5, 0.5]]))
0.25
>>> abs_err = LossFunctionWrapper(lambda t, p: np.abs(t - p).mean(-1), name="abs_err")
>>> float(abs_err([[1.0, 0.0]], [[0.5, 0.5]]))
0.5
"""

from __future__ import annotations

from numkeras import backend
from numkeras.losses.loss import Loss, squeeze_or_expand_to_same_rank


class LossFunctionWrapper(Loss):
    """Wrap `fn(y_true, y_pred, **kwargs)` (per-sample values) as a reducible `Loss`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(
            name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype
        )
        self.fn = fn
        self._fn_kwargs = kwargs

    @property
    def _delegate(self):
        """The built-in loss computing `fn` with its checks and gradient, when `fn` is one
        of numkeras's function forms (made again when `fn` is reassigned, as Keras then
        computes with the new one)."""
        from numkeras.losses import _FUNCTION_TO_CLASS

        fn = self.fn
        cached = self.__dict__.get("_delegate_for")
        if cached is None or cached[0] is not fn:
            cls = _FUNCTION_TO_CLASS.get(fn)
            settings = dict(reduction=self.reduction, name=self.name, dtype=self.dtype)
            made = cls(**settings, **self._fn_kwargs) if cls else None
            cached = self.__dict__["_delegate_for"] = (fn, made)
        return cached[1]

    @property
    def differentiable(self) -> bool:
        return self._delegate is not None

    def _has_forward(self) -> bool:
        return self._delegate is not None

    def call(self, y_true, y_pred):
        if self._delegate is not None:
            return self._delegate.call(y_true, y_pred)
        y_true, y_pred = self._call_arguments(y_true, y_pred)
        return backend.xp.asarray(self.fn(y_true, y_pred, **self._fn_kwargs))

    def _call_arguments(self, y_true, y_pred):
        y_true, y_pred = super()._call_arguments(y_true, y_pred)
        return squeeze_or_expand_to_same_rank(y_true, y_pred)

    def _traced_function(self):
        return lambda y_true, y_pred: self.fn(y_true, y_pred, **self._fn_kwargs)

    def check_targets(self, y_true, y_pred_shape):
        if self._delegate is not None:
            return self._delegate.check_targets(y_true, y_pred_shape)
        return backend.cast_input(y_true, self.dtype)

    def _prepare(self, y_true, y_pred):
        return self._delegate._prepare(y_true, y_pred)

    def _mask(self, y_true):
        return self._delegate._mask(y_true)

    def forward(self, y_true, y_pred):
        return self._delegate.forward(y_true, y_pred)

    def get_config(self) -> dict:
        from numkeras.losses import serialize

        return {**super().get_config(), "fn": serialize(self.fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict):
        from numkeras.losses import deserialize

        config = dict(config)
        config["fn"] = deserialize(config["fn"], as_function=True)
        return cls(**config)

    def __repr__(self) -> str:
        fn_name = getattr(self.fn, "__name__", repr(self.fn))
        return f"LossFunctionWrapper({fn_name}, name={self.name!r}, kwargs={self._fn_kwargs})"
