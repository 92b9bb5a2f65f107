"""Keras 2's `keras.wrappers` package: the scikit-learn wrappers that Keras 3 removed.

>>> from numkeras.wrappers.scikit_learn import KerasClassifier, KerasRegressor
"""

from numkeras.wrappers import scikit_learn

__all__ = ["scikit_learn"]
