"""numkeras's `keras.wrappers`: Keras 3's scikit-learn wrappers `SKLearnClassifier`,
`SKLearnRegressor` and `SKLearnTransformer`, and Keras 2's `scikit_learn` module
(`KerasClassifier` / `KerasRegressor`, which Keras 3 removed).

scikit-learn is optional and imported only when one of the Keras 3 wrappers is first
used (`numkeras.wrappers.SKLearnClassifier` or `from numkeras.wrappers import ...`).

>>> from numkeras.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer
>>> from numkeras.wrappers.scikit_learn import KerasClassifier, KerasRegressor
"""

from numkeras.wrappers import scikit_learn

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer", "scikit_learn"]

_LAZY = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")


def __getattr__(name: str):
    # the Keras 3 wrappers subclass scikit-learn's estimators: import it on first use only
    if name in _LAZY:
        from numkeras.wrappers import sklearn_wrapper

        return getattr(sklearn_wrapper, name)
    raise AttributeError(f"module 'numkeras.wrappers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
