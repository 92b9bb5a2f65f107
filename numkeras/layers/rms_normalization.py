"""`RMSNormalization(axis=-1, epsilon=1e-6)`: Root Mean Square normalization, as Keras 3.

`out = x * rsqrt(mean(x ** 2 over axis) + epsilon) * scale`, with one learned `scale`
(initialized to ones) per position of the normalized axes (Zhang & Sennrich, 2019). Unlike
`LayerNormalization`, the mean is not subtracted and there is no offset.

As Keras, `build` turns `axis` into a sorted list (so `get_config()["axis"]` is `[-1]`
after building). Keras multiplies by `scale` with plain broadcasting, which lines it up
with the LAST axes whatever `axis` says (a wrong result, or a shape error, for e.g.
`axis=1` on 3D inputs); numkeras lays `scale` along the normalized axes, which is the
same thing wherever Keras is right.

>>> import numpy as np
>>> RMSNormalization()(np.array([[3.0, 4.0]])).round(4)
array([[0.8485, 1.1314]], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import AxisBoundsError, ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


class RMSNormalization(Layer):
    def __init__(self, axis=-1, epsilon: float = 1e-6, **kwargs):
        if isinstance(axis, (list, tuple)):
            if not axis or not all(is_int(a) for a in axis):
                raise ConfigError(
                    "Invalid value for `axis` argument: expected an int or a list/tuple of "
                    f"ints. Received: axis={axis!r}"
                )
            axis = [int(a) for a in axis]
        elif is_int(axis):
            axis = int(axis)
        else:
            raise ConfigError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis!r}"
            )
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ConfigError(
                f"`epsilon` must be a non-negative number, received epsilon={epsilon!r}."
            )
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def _axes(self, shape) -> tuple:
        ndim = len(shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise AxisBoundsError(
                    f"Axis {a} is out of bounds for input shape {format_shape(shape)} "
                    f"(layer '{self.name}', axis={self.axis}; axis 0 is the batch). Use "
                    f"axes in [{-ndim}, {ndim})."
                )
        out = tuple(sorted(a % ndim for a in axes))
        if len(set(out)) != len(out):
            raise ConfigError(
                f"Layer '{self.name}': RMSNormalization's `axis` {self.axis} names the same "
                f"axis twice for inputs of rank {ndim}."
            )
        return out

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        axes = self._axes(input_shape)
        # as Keras: a list, sorted as given (negative axes stay negative)
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in shape):
            raise ShapeError(
                f"Layer '{self.name}': the normalized axes {self.axis} of input shape "
                f"{format_shape(input_shape)} must have known sizes."
            )
        self.scale = self.add_weight(shape, initializer="ones", name="scale")

    def compute_output_shape(self, input_shape):
        self._axes(tuple(input_shape))
        return input_shape

    def _scale_and_rrms(self, x):
        xp = backend.xp
        dtype = xp.result_type(x.dtype, xp.float32)  # at least float32, as Keras
        x = x.astype(dtype, copy=False)
        axes = self._axes(x.shape)
        got = tuple(x.shape[a] for a in axes)
        if got != tuple(self.scale.shape):  # (a clear error, not NumPy's broadcast message)
            raise ShapeError(
                f"Layer '{self.name}' was built for normalized axes {self.axis} of sizes "
                f"{format_shape(self.scale.shape)}; it received input shape "
                f"{format_shape(x.shape)}."
            )
        t = x.dtype.type
        mean_sq = xp.mean(xp.square(x), axis=axes, keepdims=True)
        rrms = t(1) / xp.sqrt(mean_sq + t(self.epsilon))
        # the scale laid along the normalized axes (size-1 elsewhere)
        shape = [1] * x.ndim
        for a, d in zip(axes, self.scale.shape):
            shape[a] = d
        scale = self.scale.value.astype(dtype, copy=False).reshape(shape)
        return x, axes, rrms, scale

    def call(self, inputs, training: bool = False):
        x, _, rrms, scale = self._scale_and_rrms(inputs)
        return (x * rrms * scale).astype(inputs.dtype, copy=False)

    def forward(self, inputs, training: bool = True):
        x, axes, rrms, scale = self._scale_and_rrms(inputs)
        normed = x * rrms
        return (normed * scale).astype(inputs.dtype, copy=False), (inputs, axes, rrms, normed)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        inputs, axes, rrms, normed = cache
        g = grad_output.astype(normed.dtype, copy=False)
        if self.scale.wants_grad:
            other = tuple(i for i in range(g.ndim) if i not in axes)
            self.scale.add_grad((g * normed).sum(axis=other).reshape(self.scale.shape))
        if not need_input_grad:
            return None
        shape = [1] * g.ndim
        for a, d in zip(axes, self.scale.shape):
            shape[a] = d
        gy = g * self.scale.value.astype(g.dtype, copy=False).reshape(shape)
        t = g.dtype.type
        n = 1
        for a in axes:
            n *= g.shape[a]
        # d rsqrt(mean(x^2) + eps) / dx = -rrms^3 * x / n
        s = (gy * normed).sum(axis=axes, keepdims=True)
        dx = rrms * (gy - normed * s / t(n))
        return dx.astype(inputs.dtype, copy=False)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}

    def _repr_args(self) -> str:
        args = [] if self.axis in (-1, [-1]) else [f"axis={self.axis}"]
        if self.epsilon != 1e-6:
            args.append(f"epsilon={self.epsilon}")
        return ", ".join(args)
