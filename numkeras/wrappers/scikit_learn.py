"""Keras 2's scikit-learn wrappers: `KerasClassifier` and `KerasRegressor`.

Keras 3 removed `keras.wrappers.scikit_learn`; the classic tutorials (binary, multi-class
and regression with `cross_val_score`, `StratifiedKFold`, `Pipeline` and `GridSearchCV`)
still import it. This module keeps that API and Keras 2.11's behaviour:

- `build_fn` is a function, an object with `__call__`, or None (then the subclass's own
  `__call__` builds the model). It must return a compiled model.
- `**sk_params` mixes `build_fn`'s arguments with `fit` / `predict` / `evaluate` arguments
  (`epochs`, `batch_size`, `verbose`, ...); each call gets the ones it names. A name that
  none of them accepts raises `ConfigError` (a ValueError, as Keras 2's `check_params`).
- `fit` builds a fresh model each time and returns the `History` (as Keras 2, not `self`).
- `KerasClassifier` stores `classes_` / `n_classes_` (`np.unique` of y), trains on the
  label indices (one-hot when the loss is categorical crossentropy), `predict` maps back to
  `classes_`, `predict_proba` gives two columns for one sigmoid output, `score` is the
  model's accuracy (the model must be compiled with `metrics=["accuracy"]`).
- `KerasRegressor.predict` drops the trailing output axis of size 1; `score` is `-loss`.

scikit-learn stays optional: this module needs only NumPy. scikit-learn ≥ 1.6 reads an
estimator's kind from `__sklearn_tags__`, which is defined here and imports scikit-learn
only when scikit-learn itself calls it.

Where this differs from Keras 2.11, on purpose (each a Keras 2 bug or trap):

- `KerasClassifier.predict` returns shape `(n_samples,)` for a single sigmoid output too
  (Keras 2 returned `(n_samples, 1)`, so `predict(x) == y` broadcast to an n-by-n matrix).
- `KerasRegressor.predict` squeezes only the last axis, so one sample gives shape `(1,)`
  (Keras 2's `np.squeeze` gave a 0-d array).
- `KerasClassifier.predict` / `predict_proba` pass the `predict` arguments of `sk_params`
  (e.g. `verbose=0`, `batch_size`) as the regressor does; Keras 2.11 ignored them there.
- Labels of shape `(n_samples, 1)` are used as `(n_samples,)`, so they one-hot encode for
  categorical crossentropy (Keras 2 left them unencoded and the fit failed), and
  `score` one-hot encodes to `n_classes_` columns (Keras 2 used `max(y) + 1`, which fails
  when a test fold lacks the last class) and recognises the loss as `fit` does (Keras 2's
  `score` only recognised the string / function name).
- `set_params(build_fn=f)` replaces `build_fn` (Keras 2 raised "build_fn is not a legal
  parameter"), and `build_fn`'s parameters are read with `inspect.signature`, so a
  `functools.partial` or a class also works as `build_fn`.
- No DeprecationWarning on construction (Keras 2.11 pointed to SciKeras).

>>> import numpy as np, numkeras
>>> from numkeras.wrappers.scikit_learn import KerasClassifier
>>> def create_model(units=4):
...     model = numkeras.Sequential([numkeras.Input((3,)), numkeras.layers.Dense(units, "relu"),
...                                  numkeras.layers.Dense(1, activation="sigmoid")])
...     model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
...     return model
>>> clf = KerasClassifier(build_fn=create_model, units=8, epochs=2, batch_size=4, verbose=0)
>>> x = np.random.default_rng(0).normal(size=(12, 3)).astype("float32")
>>> y = np.array(["no", "yes"] * 6)
>>> _ = clf.fit(x, y)
>>> clf.classes_.tolist(), clf.predict(x).shape, clf.predict_proba(x).shape
(['no', 'yes'], (12,), (12, 2))
"""

from __future__ import annotations

import copy
import inspect
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from numkeras.errors import ConfigError, NotBuiltAttributeError, ShapeError, did_you_mean

__all__ = ["BaseWrapper", "KerasClassifier", "KerasRegressor"]

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _has_arg(fn: Callable, name: str) -> bool:
    """Keras 2's `has_arg(fn, name)`: `name` is a named parameter of `fn` (a `**kwargs`
    catch-all does not count, so typos are still caught)."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return False
    parameter = parameters.get(name)
    return parameter is not None and parameter.kind in _NAMED


def _named_args(fn: Callable) -> list[str]:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return []
    return [n for n, p in parameters.items() if p.kind in _NAMED and n not in ("self", "x", "y")]


def _sequential_method(name: str) -> Callable:
    from numkeras.models import Sequential

    return getattr(Sequential, name)


def _is_categorical_crossentropy(loss) -> bool:
    """Keras 2's `losses.is_categorical_crossentropy`: the name, the function, the class
    or a `LossFunctionWrapper` around the function."""
    from numkeras import losses

    if isinstance(loss, str):
        return loss == "categorical_crossentropy"
    if isinstance(loss, losses.CategoricalCrossentropy):
        return True
    if getattr(loss, "fn", None) is losses.categorical_crossentropy:
        return True
    return getattr(loss, "__name__", None) == "categorical_crossentropy"


def _to_categorical(y, num_classes: int | None):
    from numkeras.utils import to_categorical

    return to_categorical(y, num_classes=num_classes)


class BaseWrapper:
    """Base class of the scikit-learn wrappers (use `KerasClassifier` / `KerasRegressor`).

    Args:
        build_fn: A function that builds, compiles and returns a model; or an object with a
            `__call__` that does; or None, when a subclass defines `__call__` itself.
            Its parameters should have defaults, so the estimator works with no `sk_params`.
        **sk_params: `build_fn`'s arguments and `fit` / `predict` / `evaluate` arguments
            (`epochs`, `batch_size`, `verbose`, `callbacks`, ...). An argument passed to
            `fit` / `predict` / `score` directly wins over the one in `sk_params`.

    `get_params` / `set_params` expose `build_fn` and every `sk_params` entry, so
    `GridSearchCV` can tune `epochs`, `batch_size` or any `build_fn` argument.

    >>> import numkeras
    >>> from numkeras.wrappers.scikit_learn import KerasRegressor
    >>> def create_model(units=4):
    ...     model = numkeras.Sequential([numkeras.Input((2,)), numkeras.layers.Dense(units),
    ...                                  numkeras.layers.Dense(1)])
    ...     model.compile(optimizer="sgd", loss="mse")
    ...     return model
    >>> reg = KerasRegressor(build_fn=create_model, units=8, epochs=3)
    >>> sorted(reg.get_params())
    ['build_fn', 'epochs', 'units']
    >>> reg.set_params(epochs=5).get_params()["epochs"]
    5
    """

    def __init__(self, build_fn: Callable | None = None, **sk_params: Any) -> None:
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    # -- parameters ----------------------------------------------------------------
    def _build_target(self) -> Callable:
        """The callable whose parameters are the model parameters."""
        if self.build_fn is None:
            if type(self).__call__ is BaseWrapper.__call__:
                raise ConfigError(
                    f"{type(self).__name__} has no build_fn: pass build_fn=<a function that "
                    "returns a compiled model>, or subclass it and define __call__."
                )
            return self.__call__
        if not callable(self.build_fn):
            raise ConfigError(
                "build_fn must be a function (or an object with __call__) that returns a "
                f"compiled model; received {type(self.build_fn).__name__} {self.build_fn!r}."
            )
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        # an instance with __call__ (Keras 2 read `build_fn.__call__`; the signature of the
        # object itself is the same there, and also right for a partial or a class)
        return self.build_fn

    def __call__(self, **kwargs):  # a subclass with build_fn=None overrides this
        raise ConfigError(
            f"{type(self).__name__} has no build_fn: pass build_fn=<a function that returns a "
            "compiled model>, or subclass it and define __call__."
        )

    def check_params(self, params: dict) -> None:
        """Raise `ConfigError` (a ValueError, as Keras 2) for a name in `params` that neither
        `build_fn` nor `Sequential.fit` / `predict` / `evaluate` accepts.

        >>> KerasRegressor(build_fn=lambda units=4: None, epoch=3)
        Traceback (most recent call last):
        ...
        numkeras.errors.ConfigError: epoch is not a legal parameter: ...
        """
        target = self._build_target()
        fns = [_sequential_method(n) for n in ("fit", "predict", "evaluate")] + [target]
        for name in params:
            if name == "nb_epoch":  # Keras 1's `epochs`, let through as Keras 2 did
                continue
            if any(_has_arg(fn, name) for fn in fns):
                continue
            model_args = _named_args(target)
            call_args = sorted({a for fn in fns[:3] for a in _named_args(fn)})
            hint = did_you_mean(name, model_args + call_args)
            raise ConfigError(
                f"{name} is not a legal parameter: it is not an argument of build_fn "
                f"({', '.join(model_args) or 'none'}) nor of fit / predict / evaluate "
                f"({', '.join(call_args)}).{hint}"
            )

    def get_params(self, **params: Any) -> dict:
        """`build_fn` and the `sk_params` (a shallow copy, so `sklearn.base.clone` sees the
        same objects). `params` (e.g. scikit-learn's `deep=`) is ignored, as in Keras 2."""
        res = self.sk_params.copy()
        res.update({"build_fn": self.build_fn})
        return res

    def set_params(self, **params: Any):
        """Update `sk_params` (checked as in `__init__`); returns `self`.

        `build_fn=` replaces `build_fn` (Keras 2 rejected it as "not a legal parameter").
        """
        params = dict(params)
        if "build_fn" in params:
            previous = self.build_fn
            self.build_fn = params.pop("build_fn")
            try:
                self.check_params({**self.sk_params, **params})
            except ConfigError:
                self.build_fn = previous
                raise
        else:
            self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn: Callable, override: dict | None = None) -> dict:
        """The `sk_params` that `fn` accepts, updated with `override`."""
        res = {name: value for name, value in self.sk_params.items() if _has_arg(fn, name)}
        res.update(override or {})
        return res

    # -- fitting -------------------------------------------------------------------
    def _build_model(self):
        target = self._build_target()
        model = target(**self.filter_sk_params(target))
        if not (hasattr(model, "fit") and hasattr(model, "predict")):
            got = "None (does it end with `return model`?)" if model is None else repr(model)
            raise ConfigError(f"build_fn must return a compiled model; it returned {got}.")
        return model

    def _fitted_model(self):
        model = self.__dict__.get("model")
        if model is None:
            raise NotBuiltAttributeError(
                f"This {type(self).__name__} is not fitted yet: call fit(x, y) first."
            )
        return model

    def fit(self, x, y, **kwargs):
        """Build a new model with `build_fn` and fit it to `(x, y)`; returns the History.

        `kwargs` are `Sequential.fit` arguments; they win over those in `sk_params`.
        """
        self.model = self._build_model()
        if not hasattr(y, "shape"):
            y = np.asarray(y)
        if _is_categorical_crossentropy(self.model.loss) and y.ndim != 2:
            y = _to_categorical(y, getattr(self, "n_classes_", None))
        fit_args = copy.deepcopy(self.filter_sk_params(_sequential_method("fit")))
        fit_args.update(kwargs)
        return self.model.fit(x, y, **fit_args)

    def __sklearn_is_fitted__(self) -> bool:
        return self.__dict__.get("model") is not None

    def __repr__(self) -> str:
        name = getattr(self.build_fn, "__name__", None) or repr(self.build_fn)
        args = [f"build_fn={name}"] + [f"{k}={v!r}" for k, v in self.sk_params.items()]
        return f"{type(self).__name__}({', '.join(args)})"


class KerasClassifier(BaseWrapper):
    """scikit-learn classifier around a Keras model (Keras 2's
    `keras.wrappers.scikit_learn.KerasClassifier`).

    Labels may be any sortable values (strings too): `fit` sets `classes_ = np.unique(y)`
    and `n_classes_`, and trains on the indices into `classes_`; one-hot `y`
    (`(n_samples, n_classes)`) gives `classes_ = arange(n_classes)`. With a categorical
    crossentropy loss the indices are one-hot encoded for you.

    >>> import numpy as np, numkeras
    >>> from numkeras.wrappers.scikit_learn import KerasClassifier
    >>> def create_model():
    ...     model = numkeras.Sequential([numkeras.Input((4,)),
    ...                                  numkeras.layers.Dense(3, activation="softmax")])
    ...     model.compile(loss="categorical_crossentropy", optimizer="adam",
    ...                   metrics=["accuracy"])
    ...     return model
    >>> clf = KerasClassifier(build_fn=create_model, epochs=1, batch_size=5, verbose=0)
    >>> x = np.random.default_rng(1).normal(size=(9, 4)).astype("float32")
    >>> _ = clf.fit(x, ["setosa", "versicolor", "virginica"] * 3)
    >>> clf.n_classes_, clf.predict_proba(x).shape, 0.0 <= clf.score(x, clf.predict(x)) <= 1.0
    (3, (9, 3), True)
    """

    _estimator_type = "classifier"  # scikit-learn < 1.6 reads this

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
        )

    def fit(self, x, y, **kwargs):
        """Set `classes_` / `n_classes_` from `y`, then build and fit a new model.

        Raises:
            ShapeError: `y` is not `(n_samples,)`, `(n_samples, 1)` or one-hot.
        """
        y = np.array(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (y.ndim == 2 and y.shape[1] == 1) or y.ndim == 1:
            self.classes_ = np.unique(y)
            # (n, 1) labels are used as (n,), so they one-hot encode like (n,) labels
            y = np.searchsorted(self.classes_, y.reshape(-1))
        else:
            raise ShapeError(
                f"Invalid shape for y: {tuple(y.shape)}. KerasClassifier expects labels of "
                "shape (n_samples,) or (n_samples, 1), or one-hot labels of shape "
                "(n_samples, n_classes)."
            )
        self.n_classes_ = len(self.classes_)
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs) -> np.ndarray:
        """Predicted labels, shape `(n_samples,)`, taken from `classes_`: the argmax of
        several outputs, or `output > 0.5` for one sigmoid output."""
        model = self._fitted_model()
        kwargs = self.filter_sk_params(_sequential_method("predict"), kwargs)
        proba = np.asarray(model.predict(x, **kwargs))
        if proba.shape[-1] > 1:
            classes = proba.argmax(axis=-1)
        else:
            classes = (proba[..., 0] > 0.5).astype("int32")
        return self.classes_[classes]

    def predict_proba(self, x, **kwargs) -> np.ndarray:
        """Class probabilities, `(n_samples, n_classes)`; a single sigmoid output `p`
        becomes the two columns `[1 - p, p]`, as scikit-learn expects."""
        model = self._fitted_model()
        kwargs = self.filter_sk_params(_sequential_method("predict"), kwargs)
        probs = np.asarray(model.predict(x, **kwargs))
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs) -> float:
        """The model's accuracy on `(x, y)` (from `evaluate`; `kwargs` are its arguments).

        Raises:
            ConfigError: the model was not compiled with `metrics=["accuracy"]`.
        """
        model = self._fitted_model()
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.reshape(-1)
        y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(_sequential_method("evaluate"), kwargs)
        if _is_categorical_crossentropy(model.loss) and y.ndim != 2:
            y = _to_categorical(y, self.n_classes_)
        outputs = model.evaluate(x, y, **kwargs)
        if not isinstance(outputs, list):
            outputs = [outputs]
        for name, output in zip(model.metrics_names, outputs):
            if name in ("accuracy", "acc"):
                return output
        raise ConfigError(
            "The model is not configured to compute accuracy. You should pass "
            '`metrics=["accuracy"]` to the `model.compile()` method (its metrics are '
            f"{model.metrics_names})."
        )


class KerasRegressor(BaseWrapper):
    """scikit-learn regressor around a Keras model (Keras 2's
    `keras.wrappers.scikit_learn.KerasRegressor`); `score` is minus the loss, so greater
    is better, as scikit-learn's searches assume.

    >>> import numpy as np, numkeras
    >>> from numkeras.wrappers.scikit_learn import KerasRegressor
    >>> def baseline_model():
    ...     model = numkeras.Sequential([numkeras.Input((13,)), numkeras.layers.Dense(1)])
    ...     model.compile(loss="mean_squared_error", optimizer="adam")
    ...     return model
    >>> reg = KerasRegressor(build_fn=baseline_model, epochs=2, batch_size=5, verbose=0)
    >>> x = np.random.default_rng(2).normal(size=(10, 13)).astype("float32")
    >>> _ = reg.fit(x, x.sum(axis=1))
    >>> reg.predict(x).shape, reg.score(x, x.sum(axis=1)) <= 0
    ((10,), True)
    """

    _estimator_type = "regressor"  # scikit-learn < 1.6 reads this

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags, Tags, TargetTags

        return Tags(
            estimator_type="regressor",
            target_tags=TargetTags(required=True),
            regressor_tags=RegressorTags(),
        )

    def predict(self, x, **kwargs) -> np.ndarray:
        """Predictions; a trailing output axis of size 1 is dropped, giving `(n_samples,)`."""
        model = self._fitted_model()
        kwargs = self.filter_sk_params(_sequential_method("predict"), kwargs)
        preds = np.asarray(model.predict(x, **kwargs))
        if preds.ndim > 1 and preds.shape[-1] == 1:
            return np.squeeze(preds, axis=-1)
        return preds

    def score(self, x, y, **kwargs) -> float:
        """Minus the model's loss on `(x, y)` (from `evaluate`; `kwargs` are its arguments)."""
        model = self._fitted_model()
        kwargs = self.filter_sk_params(_sequential_method("evaluate"), kwargs)
        loss = model.evaluate(x, y, **kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss
