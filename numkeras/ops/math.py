"""The operations of `keras.ops.math` that numkeras has: logsumexp.

>>> import numpy as np
>>> float(Logsumexp()(np.log(np.array([1.0, 3.0]))).round(6))
1.386294
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.ops.numpy import _axes, _float, _Reduce
from numkeras.ops.numpy_more import _expanded


class Logsumexp(_Reduce):
    """`log(sum(exp(x)))` over `axis`, shifted by the maximum (as JAX, which treats an
    infinite maximum as 0); its gradient is `exp(x - logsumexp(x))`, a softmax."""

    keras_module = "keras.src.ops.math"

    def _forward(self, x):
        xp = backend.xp
        x = _float(x)
        axes = _axes(self.axis, x.ndim)
        if x.size == 0:  # (an empty sum: -inf)
            top = xp.zeros([1 if i in axes else d for i, d in enumerate(x.shape)], x.dtype)
        else:
            top = xp.max(x, axis=axes, keepdims=True)
        top = xp.where(xp.isfinite(top), top, 0)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            out = xp.log(xp.sum(xp.exp(x - top), axis=axes, keepdims=True)) + top
        result = (
            out
            if self.keepdims
            else out.reshape([d for i, d in enumerate(out.shape) if i not in axes])
        )
        return xp.asarray(result), (x, axes, out)

    def _backward(self, cache, grad, need):
        x, axes, out = cache
        with np.errstate(invalid="ignore", over="ignore"):
            weights = backend.xp.exp(x - out)
        return (_expanded(grad, x.shape, axes, self.keepdims) * weights,)


OPS = {"Logsumexp": Logsumexp}
