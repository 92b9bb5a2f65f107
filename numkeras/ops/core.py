"""The operations of `keras.ops.core` that numkeras has: cast (to float dtypes).

>>> import numpy as np
>>> Cast("float16")(np.ones(2, "float32")).dtype
dtype('float16')
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.ops.numpy import _Unary
from numkeras.ops.operation import arr

_FLOATS = ("float16", "float32", "float64")


class Cast(_Unary):
    keras_module = "keras.src.ops.core"

    def __init__(self, dtype, *, name=None):
        super().__init__(name=name)
        dtype = getattr(dtype, "name", None) or str(dtype)
        if dtype not in _FLOATS:
            raise ConfigError(
                f"numkeras's cast converts to float dtypes {list(_FLOATS)}; received {dtype!r}."
            )
        self.dtype = dtype

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    def output_dtype(self, *args):
        return self.dtype

    def _convert(self, x):
        a = arr(x)
        return a if hasattr(a, "dtype") else backend.xp.asarray(a, backend.floatx())

    def _apply(self, x):
        return x.astype(self.dtype)

    def _grad(self, x, out, g):
        return g.astype(x.dtype)


OPS = {"Cast": Cast}
