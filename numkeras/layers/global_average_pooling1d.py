"""`GlobalAveragePooling1D`: the mean over the spatial axes of `(batch, steps, channels)` inputs,
giving `(batch, channels)` (or, with `keepdims=True`, size-1 spatial axes kept).

With a mask (`(batch, steps)`, from `Embedding(mask_zero=True)` or `Masking` before it),
the mean runs over the real steps only, as Keras 3 (a sample with none gives NaN, as
there); the mask stops here.

>>> import numpy as np
>>> GlobalAveragePooling1D()(np.zeros((2, 10, 16))).shape
(2, 16)
>>> x = np.array([[[1.0], [3.0], [100.0]]])
>>> GlobalAveragePooling1D()(x, mask=np.array([[True, True, False]]))
array([[2.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.layers.base_global_pooling import BaseGlobalPooling

_MASKED = object()  # marks a masked forward's cache


class GlobalAveragePooling1D(BaseGlobalPooling):
    rank = 1
    pool_mode = "average"
    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return None

    def _keep(self, mask):
        """The mask as `(batch, steps, 1)` (channels_last) or `(batch, 1, steps)`."""
        keep = backend.xp.asarray(mask).astype(bool)
        return keep[:, :, None] if self.data_format == "channels_last" else keep[:, None, :]

    def call(self, inputs, mask=None, training: bool = False):
        # (`mask` second, as Keras's `call(inputs, mask=None)` takes it)
        if mask is None:
            return super().call(inputs)
        return self._masked_mean(inputs, self._keep(mask))[0]

    def forward(self, inputs, training: bool = True, mask=None):
        if mask is None:
            return super().forward(inputs)
        keep = self._keep(mask)
        y, counts = self._masked_mean(inputs, keep)
        return y, (_MASKED, keep, counts, inputs.shape)

    def _masked_mean(self, inputs, keep):
        """Keras's `sum(where(mask, x, 0)) / sum(mask)` over the steps, and the counts."""
        xp = backend.xp
        axis = self._axes()
        dtype = inputs.dtype
        total = xp.where(keep, inputs, dtype.type(0)).sum(axis=axis, keepdims=self.keepdims)
        counts = keep.astype(dtype).sum(axis=axis, keepdims=True)
        with_counts = counts if self.keepdims else counts.reshape(total.shape[0], -1)
        with np.errstate(divide="ignore", invalid="ignore"):  # (no real step: NaN, as Keras)
            return total / with_counts, counts

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if cache[0] is not _MASKED:
            return super().backward(cache, grad_output, need_input_grad)
        if not need_input_grad:
            return None
        xp = backend.xp
        _, keep, counts, shape = cache
        dy = grad_output if self.keepdims else xp.expand_dims(grad_output, self._axes())
        with np.errstate(divide="ignore", invalid="ignore"):  # (no real step: NaN, as Keras)
            share = dy / counts
        return xp.where(keep, xp.broadcast_to(share, shape), grad_output.dtype.type(0))


GlobalAvgPool1D = GlobalAveragePooling1D  # Keras's alias
