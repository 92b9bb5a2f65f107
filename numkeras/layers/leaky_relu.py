"""`LeakyReLU`: `x` for `x >= 0`, `negative_slope * x` otherwise (Keras 3 default 0.3).

Keras 2's `alpha=` still works, with one note naming `negative_slope=`; a positional
argument is the slope, as in the 2017 GAN script's `LeakyReLU(0.2)`.

>>> import numpy as np
>>> LeakyReLU(0.2)(np.array([[-1.0, 2.0]]))
array([[-0.2,  2. ]], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.backend import fused
from numkeras.errors import ConfigError, warn_deprecated
from numkeras.layers.layer import Layer


class LeakyReLU(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warn_deprecated(
                "`LeakyReLU(alpha=...)` is a Keras 2 spelling; use `negative_slope=...`."
            )
        if (
            negative_slope is None
            or not isinstance(negative_slope, (int, float))
            or (negative_slope < 0)
        ):
            raise ConfigError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative, "
                f"expected a float >= 0. Received: negative_slope={negative_slope!r}"
            )
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope)
        self._slope = backend.xp.float32(self.negative_slope)

    uses_workspace = True

    @property
    def output_buffer(self) -> str | None:
        return "y" if self.negative_slope <= 1.0 else None  # np.where makes a new array

    # The model executor may hand this layer the bias of the Dense before it (`bias=`),
    # which then skips its own bias add: one pass over memory instead of two.
    adds_bias = True

    def call(self, inputs, training: bool = False, workspace=None, bias=None):
        return self._activate(inputs, workspace, bias, keep_biased=False)

    def _activate(self, inputs, workspace, bias, keep_biased: bool):
        """The activation into the "y" buffer. A handed-over bias is added first; with
        `keep_biased` (training: backward needs it) `inputs` is left holding the biased
        values, otherwise the fused kernel skips writing them back."""
        xp = backend.xp
        out = backend.scratch(workspace, "y", inputs.shape, inputs.dtype)
        slope = inputs.dtype.type(self._slope)
        # one fused pass instead of two or three, where it runs (`inputs` must be
        # contiguous for a bias: reshaping must give a view the kernel writes through)
        if self.negative_slope <= 1.0:
            if bias is None:
                done = fused.run("leaky_relu", inputs, slope, out)
            elif inputs.flags.c_contiguous:
                rows = (-1, bias.shape[0])
                args = (inputs.reshape(rows), bias, slope, keep_biased, out.reshape(rows))
                done = fused.run("bias_leaky_relu", *args)
            else:
                done = None
            if done is not None:
                return out
        if bias is not None:
            inputs += bias  # the Dense's own output buffer, kept biased for backward
        xp.multiply(inputs, self._slope, out=out)
        # max(x, a*x) is leaky ReLU for 0 <= a <= 1: two passes, one output array
        if self.negative_slope <= 1.0:
            return xp.maximum(out, inputs, out=out)
        return xp.where(inputs >= 0, inputs, out)

    def forward(self, inputs, training: bool = True, workspace=None, bias=None):
        # with `bias`, it is added into `inputs` in place: the cache holds the biased x
        return self._activate(inputs, workspace, bias, keep_biased=True), (inputs, workspace)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # dx = dy * (a + (1 - a) * [x >= 0]); arithmetic on a 0/1 mask is ~10x faster than
        # np.where on random signs (no branch mispredictions). The executor owns
        # grad_output, so it is scaled in place.
        xp = backend.xp
        x, workspace = cache
        t = grad_output.dtype.type  # the two factors, as the NumPy lines below compute them
        slope, keep = t(self._slope), t(1 - self._slope)
        if fused.run("leaky_relu_grad", x, grad_output, keep + slope, slope) is not None:
            return grad_output
        factor = backend.scratch(workspace, "factor", x.shape, grad_output.dtype)
        xp.greater_equal(x, 0, out=factor, casting="unsafe")
        factor *= 1 - self._slope
        factor += self._slope
        grad_output *= factor
        return grad_output

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}

    def _repr_args(self) -> str:
        return f"negative_slope={self.negative_slope:g}"
