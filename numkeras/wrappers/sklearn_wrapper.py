"""Keras 3's scikit-learn wrappers: `SKLearnClassifier`, `SKLearnRegressor` and
`SKLearnTransformer` (`keras.wrappers.*`, Keras 3.15).

They are real scikit-learn estimators (subclasses of `BaseEstimator` and the classifier /
regressor / transformer mixins), so `clone`, `Pipeline`, `cross_val_score`, `GridSearchCV`
and `get_params` / `set_params` work as for any estimator. The constructor takes
`model` (a compiled `Model`, cloned before each fit, or a callable `model(X=X, y=y,
**model_kwargs)` returning a compiled model), `warm_start`, `model_kwargs` and
`fit_kwargs`. As in Keras:

- `fit(X, y, **kwargs)` validates `X` / `y` with scikit-learn (this sets `n_features_in_`,
  and `feature_names_in_` for a DataFrame; `y` must be 1-D), builds the model, fits it
  with `fit_kwargs` updated by `kwargs`, stores `model_` and `history_`, returns `self`.
- The classifier accepts binary / multiclass targets only, sets `classes_` (`np.unique(y)`)
  and one-hot encodes `y` with scikit-learn's `OneHotEncoder` (float64 columns in sorted
  class order), so the model needs one output unit per class (softmax). `predict` maps
  the argmax back to the labels, `decision_function` is the raw model output, `score` is
  the accuracy. There is no `predict_proba` (Keras has none).
- The regressor trains on `y` reshaped to `(n, 1)` and `predict` squeezes it back;
  `score` is R². The transformer's `transform` is the raw `model_.predict(X)`.
- Tags: `non_deterministic`; `poor_score` for the classifier and the regressor;
  `preserves_dtype = []` for the transformer.

Where this differs from Keras 3.15, on purpose (each a Keras bug):

- `warm_start=True` does what Keras documents: a later `fit` continues training `model_`,
  and a `Model` instance is fitted itself, not cloned. Keras ignores `warm_start`.
- A `Model` instance is cloned *with its compile settings* (Keras's `clone_model`
  recompiles the clone; numkeras's `clone_model` does not, so the wrapper does it).
- `fit(X, y, epochs=3)` does not write `epochs` into `fit_kwargs` (Keras updates the
  `fit_kwargs` dict in place, so per-call arguments leak into `get_params()` and clones).
- `sklearn.base.clone` keeps `fit_kwargs` (Keras's `__sklearn_clone__` drops it, so every
  `cross_val_score` / `GridSearchCV` fold, and every estimator inside a `VotingClassifier`,
  `StackingClassifier` or `TransformedTargetRegressor`, silently trained with `fit`'s
  defaults: one epoch, batches of 32, shuffled). Scores of such runs therefore differ from
  Keras's; they equal Keras's runs that pass the same arguments as fit parameters
  (`cross_val_score(..., params=fit_kwargs)`).
- `clone` deep-copies a `Model` instance, as Keras's `__sklearn_clone__` intends (it tests
  `callable(model)`, true for a `Model`, so it shares it): with `warm_start=True`, folds
  would otherwise keep training one model.
- `epoch_` is the number of epochs of the last fit (Keras's raises AttributeError after
  a fit: it calls `.get` on the `History` object).
- `set_fit_request` records requests for `fit` (Keras records them for `score`, so with
  metadata routing a `sample_weight` weighted the score, never the training), and `clone`
  keeps them, as scikit-learn's default `clone` does.

>>> import numpy as np, numkeras
>>> from numkeras.wrappers import SKLearnClassifier
>>> def make_model(X, y, units=8):
...     model = numkeras.Sequential([numkeras.Input((X.shape[1],)),
...                                  numkeras.layers.Dense(units, activation="relu"),
...                                  numkeras.layers.Dense(y.shape[1], activation="softmax")])
...     model.compile(optimizer="adam", loss="categorical_crossentropy")
...     return model
>>> clf = SKLearnClassifier(make_model, model_kwargs={"units": 4},
...                         fit_kwargs={"epochs": 2, "verbose": 0})
>>> X = np.random.default_rng(0).normal(size=(12, 3))
>>> y = np.array(["cat", "dog", "emu"] * 4)
>>> clf.fit(X, y).classes_.tolist(), clf.n_features_in_
(['cat', 'dog', 'emu'], 3)
>>> labels = clf.predict(X)  # predict shows Keras's progress bar
1/1 ...
>>> labels.shape, labels.dtype
((12,), dtype('<U3'))
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from numkeras.wrappers.sklearn_utils import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    TargetReshaper,
    TransformerMixin,
    assert_sklearn_installed,
    check_model,
    routing_enabled,
    type_of_target,
    validate_data,
)

__all__ = ["SKLBase", "SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]


def _clone_compiled(model):
    """Keras's `clone_model`: new layers (fresh weights) and the same compile settings."""
    from numkeras.models.cloning import clone_model

    clone = clone_model(model)
    if getattr(model, "compiled", False) and not getattr(clone, "compiled", False):
        clone.compile_from_config(model.get_compile_config())
    return clone


class SKLBase(BaseEstimator):
    """Base class of the scikit-learn wrappers (use the three subclasses).

    Args:
        model: A compiled `Model`, cloned (with fresh weights) before each fit unless
            `warm_start=True`; or a callable returning a compiled model, called as
            `model(X=X, y=y, **model_kwargs)` with the validated `X` and the encoded `y`.
        warm_start: Reuse the fitted model (and its weights) in the next `fit`.
        model_kwargs: Keyword arguments for `model` when it is callable.
        fit_kwargs: Keyword arguments for `model.fit`; those passed to `fit` win.

    Attributes (after `fit`): `model_` (the fitted model), `history_` (what
    `model.fit` returned), `n_features_in_`, and `classes_` for the classifier.

    >>> from numkeras.wrappers import SKLearnRegressor
    >>> SKLearnRegressor(model=None, fit_kwargs={"epochs": 3}).get_params()["fit_kwargs"]
    {'epochs': 3}
    """

    def __init__(
        self,
        model: Any,
        warm_start: bool = False,
        model_kwargs: dict | None = None,
        fit_kwargs: dict | None = None,
    ) -> None:
        assert_sklearn_installed(self.__class__.__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"non_deterministic": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        """An unfitted copy with the same parameters and metadata requests (used by
        `sklearn.base.clone`). A `Model` instance is deep-copied, so clones with
        `warm_start=True` (e.g. cross-validation folds) do not train one shared model; a
        callable is shared. (Keras meant the same but tests `callable(model)`, which a
        `Model` is, so it shares the instance.)"""
        from numkeras.models.model import Model

        model = copy.deepcopy(self.model) if isinstance(self.model, Model) else self.model
        clone = type(self)(
            model=model,
            warm_start=self.warm_start,
            model_kwargs=self.model_kwargs,
            fit_kwargs=self.fit_kwargs,  # Keras drops it here
        )
        if hasattr(self, "_metadata_request"):  # as scikit-learn's own clone does
            clone._metadata_request = copy.deepcopy(self._metadata_request)
        return clone

    @property
    def epoch_(self) -> int:
        """The number of epochs the last `fit` ran (0 before fitting)."""
        history = getattr(self, "history_", None)
        if history is None:
            return 0
        if isinstance(history, dict):
            return history.get("epoch", 0)
        return len(getattr(history, "epoch", []))

    def set_fit_request(self, **kwargs: Any):
        """Request metadata (e.g. `sample_weight=True`) for `fit`, for scikit-learn's
        metadata routing (needs `sklearn.set_config(enable_metadata_routing=True)`)."""
        if not routing_enabled():
            raise RuntimeError(
                "This method is only available when metadata routing is enabled. You can "
                "enable it using sklearn.set_config(enable_metadata_routing=True)."
            )
        from sklearn.utils.metadata_routing import MetadataRequest

        self._metadata_request = MetadataRequest(owner=self.__class__.__name__)
        for param, alias in kwargs.items():
            self._metadata_request.fit.add_request(param=param, alias=alias)
        return self

    def _get_model(self, X, y):
        from numkeras.models.model import Model

        if self.warm_start and getattr(self, "model_", None) is not None:
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else _clone_compiled(self.model)
        if not callable(self.model):
            raise TypeError(
                f"{type(self).__name__}: `model` must be a compiled Model or a callable "
                f"returning one, received {type(self.model).__name__}."
            )
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs: Any):
        """Validate `(X, y)`, build (or reuse) the model and fit it; returns `self`.

        Args:
            X: array-like, `(n_samples, n_features)`.
            y: array-like, `(n_samples,)` (or `(n_samples, 1)`, with a warning).
            **kwargs: `model.fit` arguments; they win over `fit_kwargs`.
        """
        X, y = validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        check_model(model)
        fit_kwargs = dict(self.fit_kwargs or {})  # a copy: Keras updated the param in place
        fit_kwargs.update(kwargs)
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X) -> np.ndarray:
        """The model's predictions, mapped back to the targets' form."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self._reverse_process_target(self.model_.predict(X))

    def _process_target(self, y, reset: bool = False):
        """Regressors and transformers: `(n,)` -> `(n, 1)`."""
        type_of_target(y, raise_unknown=True)  # the right error for an invalid target
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """scikit-learn classifier around a Keras model (Keras 3's `keras.wrappers.
    SKLearnClassifier`). Arguments as `SKLBase`; `y` is one-hot encoded (float64, one
    column per class of `classes_`) before it reaches `model` and `model.fit`.

    >>> import numpy as np, numkeras
    >>> from numkeras.wrappers import SKLearnClassifier
    >>> inputs = numkeras.Input((4,))
    >>> model = numkeras.Model(inputs, numkeras.layers.Dense(2, activation="softmax")(inputs))
    >>> model.compile(optimizer="sgd", loss="categorical_crossentropy")
    >>> clf = SKLearnClassifier(model=model, fit_kwargs={"verbose": 0})
    >>> X = np.random.default_rng(0).normal(size=(10, 4))
    >>> clf.fit(X, X[:, 0] > 0).classes_
    array([False,  True])
    >>> accuracy = clf.score(X, X[:, 0] > 0)
    1/1 ...
    >>> 0.0 <= accuracy <= 1.0
    True
    """

    def decision_function(self, X) -> np.ndarray:
        """The raw model outputs, `(n_samples, n_classes)`."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _process_target(self, y, reset: bool = False):
        """Binary / multiclass targets only, one-hot encoded."""
        target_type = type_of_target(y, raise_unknown=True)
        if target_type not in ["binary", "multiclass"]:
            raise ValueError(
                f"Only binary and multiclass target types are supported. Target type: {target_type}"
            )
        if reset:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import OneHotEncoder

            self._target_encoder = make_pipeline(
                TargetReshaper(), OneHotEncoder(sparse_output=False)
            ).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """scikit-learn regressor around a Keras model (Keras 3's `keras.wrappers.
    SKLearnRegressor`). Arguments as `SKLBase`; `y` reaches the model as `(n, 1)`,
    `predict` returns `(n,)`, `score` is R².

    >>> import numpy as np, numkeras
    >>> from numkeras.wrappers import SKLearnRegressor
    >>> def make_model(X, y, loss="mse"):
    ...     model = numkeras.Sequential([numkeras.Input((X.shape[1],)),
    ...                                  numkeras.layers.Dense(y.shape[1])])
    ...     model.compile(optimizer="sgd", loss=loss)
    ...     return model
    >>> reg = SKLearnRegressor(make_model, fit_kwargs={"epochs": 2, "verbose": 0})
    >>> X = np.random.default_rng(0).normal(size=(10, 3))
    >>> reg.fit(X, X.sum(axis=1)).predict(X).shape
    1/1 ...
    (10,)
    """

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """scikit-learn transformer around a Keras model (Keras 3's `keras.wrappers.
    SKLearnTransformer`): `transform(X)` is `model_.predict(X)`, e.g. an embedding.
    Arguments as `SKLBase`; `fit` needs `y` (the model is trained on it).

    >>> import numpy as np, numkeras
    >>> from numkeras.wrappers import SKLearnTransformer
    >>> def make_model(X, y):
    ...     model = numkeras.Sequential([numkeras.Input((X.shape[1],)),
    ...                                  numkeras.layers.Dense(1)])
    ...     model.compile(optimizer="sgd", loss="mse")
    ...     return model
    >>> X = np.random.default_rng(0).normal(size=(10, 3))
    >>> trs = SKLearnTransformer(make_model, fit_kwargs={"verbose": 0})
    >>> trs.fit_transform(X, X.sum(axis=1)).shape
    1/1 ...
    (10, 1)
    """

    def transform(self, X) -> np.ndarray:
        """The model's outputs for `X`, `(n_samples, n_outputs)`."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"preserves_dtype": []}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
