"""Helpers of the Keras 3 scikit-learn wrappers (Keras's `keras/src/wrappers/utils.py` and
`fixes.py`): the optional scikit-learn import, the model check, the target reshaper and
the version shims.

scikit-learn is an optional dependency: this module imports it when it is itself imported
(`numkeras.wrappers` imports it only when `SKLearnClassifier` & co. are first used), and
without it the wrappers raise an `ImportError` that names `pip install scikit-learn`.

>>> import numpy as np
>>> from numkeras.wrappers.sklearn_utils import TargetReshaper
>>> reshaper = TargetReshaper().fit(np.array([1.0, 2.0]))
>>> reshaper.transform(np.array([1.0, 2.0])).shape
(2, 1)
"""

from __future__ import annotations

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # scikit-learn is optional: the wrappers raise on construction instead
    sklearn = None

    class BaseEstimator:  # placeholders so the classes can be defined (and imported)
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "RegressorMixin",
    "TargetReshaper",
    "TransformerMixin",
    "assert_sklearn_installed",
    "check_model",
    "routing_enabled",
    "type_of_target",
    "validate_data",
]


def assert_sklearn_installed(symbol_name: str) -> None:
    """Raise Keras's `ImportError` when scikit-learn is missing."""
    if sklearn is None:
        raise ImportError(
            f"{symbol_name} requires `scikit-learn` to be installed. "
            "Run `pip install scikit-learn` to install it."
        )


def check_model(model) -> None:
    """The model must be compiled, with a loss and an optimizer (Keras's `_check_model`).

    Raises:
        RuntimeError: as in Keras (numkeras's `NotCompiledError` is a ValueError, so the
            wrappers raise a plain RuntimeError, which is what Keras users catch).
    """
    if not getattr(model, "compiled", False) or not model.loss or not model.optimizer:
        raise RuntimeError(
            "Given model needs to be compiled, and have a loss and an optimizer. Call "
            "`model.compile(optimizer=..., loss=...)` before returning it (or passing it)."
        )


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Make 1-D targets 2-D (`(n,)` -> `(n, 1)`) and back, for the encoders and models that
    need 2-D targets (Keras's `TargetReshaper`). `ndim_` is the `ndim` it was fitted on.

    >>> import numpy as np
    >>> r = TargetReshaper().fit(np.zeros(3))
    >>> r.inverse_transform(np.zeros((3, 1))).shape
    (3,)
    """

    def fit(self, y):
        self.ndim_ = y.ndim
        return self

    def transform(self, y):
        if y.ndim == 1:
            return y.reshape(-1, 1)
        return y

    def inverse_transform(self, y):
        """Squeeze `(n, 1)` back to `(n,)` if fitted on 1-D targets; else unchanged."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        if self.ndim_ == 1 and y.ndim == 2:
            return np.squeeze(y, axis=1)
        return y


def validate_data(estimator, *args, **kwargs):
    """scikit-learn's `validate_data` (>= 1.6) or `estimator._validate_data` (older)."""
    try:
        from sklearn.utils.validation import validate_data as sk_validate_data
    except ImportError:
        return estimator._validate_data(*args, **kwargs)
    return sk_validate_data(estimator, *args, **kwargs)


def type_of_target(y, input_name: str = "", *, raise_unknown: bool = False) -> str:
    """scikit-learn's `type_of_target`; `raise_unknown=True` raises for "unknown"."""
    from sklearn.utils.multiclass import type_of_target as sk_type_of_target

    target_type = sk_type_of_target(y, input_name=input_name)
    if raise_unknown and target_type == "unknown":
        raise ValueError(f"Unknown label type for {input_name or 'data'}: {y!r}")
    return target_type


def routing_enabled() -> bool:
    """Whether scikit-learn's metadata routing is enabled (False without scikit-learn)."""
    if sklearn is None:
        return False
    config = sklearn.get_config()
    if "enable_metadata_routing" in config:
        return bool(config.get("enable_metadata_routing", False))
    return False
