"""Keras 2's `keras.utils.np_utils` import path (`from keras.utils.np_utils import
to_categorical`), kept so classic scripts run with only their imports changed.

>>> from numkeras.utils import np_utils
>>> np_utils.to_categorical([0, 2]).shape
(2, 3)
"""

from numkeras.utils.categorical import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
