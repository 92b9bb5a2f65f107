"""The operations of `keras.ops.core` that numkeras has: cast (to any float, integer or
bool dtype; the gradient passes between float dtypes only).

>>> import numpy as np
>>> Cast("float16")(np.ones(2, "float32")).dtype
dtype('float16')
>>> Cast("int32")(np.array([1.7, -1.7])).tolist()
[1, -1]
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.ops.numpy import _Unary
from numkeras.ops.operation import arr

_DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
)


class Cast(_Unary):
    keras_module = "keras.src.ops.core"

    def __init__(self, dtype, *, name=None):
        super().__init__(name=name)
        dtype = getattr(dtype, "name", None) or str(dtype)
        if dtype not in _DTYPES:
            raise ConfigError(
                f"numkeras's cast converts to the dtypes {list(_DTYPES)}; received {dtype!r}."
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
        if x.dtype.kind != "f" or np.dtype(self.dtype).kind != "f":
            return None  # integers and bools take no gradient (JAX's float0)
        return g.astype(x.dtype)


OPS = {"Cast": Cast}
