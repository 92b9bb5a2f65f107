"""The operations of `keras.ops.nn` that numkeras has: relu, sigmoid, softmax.

>>> import numpy as np
>>> Relu()(np.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

from numkeras import backend
from numkeras.ops.numpy import _float, _Unary


class _NN(_Unary):
    keras_module = "keras.src.ops.nn"


class Relu(_NN):
    def _apply(self, x):
        return backend.xp.maximum(x, 0)

    def _grad(self, x, out, g):
        return g * (x > 0)


class Sigmoid(_NN):
    def _apply(self, x):
        xp = backend.xp
        # 1 / (1 + exp(-x)) without overflow for large negative x
        e = xp.exp(-xp.abs(x))
        return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)

    def _grad(self, x, out, g):
        return g * out * (1 - out)


class Softmax(_NN):
    def __init__(self, axis=-1, *, name=None):
        super().__init__(name=name)
        self.axis = tuple(axis) if isinstance(axis, list) else axis

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "axis": axis}

    def _convert(self, x):
        return _float(x)

    def _apply(self, x):
        xp = backend.xp
        e = xp.exp(x - xp.max(x, axis=self.axis, keepdims=True))
        return e / e.sum(axis=self.axis, keepdims=True)

    def _grad(self, x, out, g):
        return out * (g - (g * out).sum(axis=self.axis, keepdims=True))


OPS = {cls.__name__: cls for cls in (Relu, Sigmoid, Softmax)}
