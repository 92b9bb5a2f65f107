"""`LayerNormalization`: normalize each sample over `axis` (the features), then scale by
`gamma` and shift by `beta`, as Keras 3.

Per sample, over the axes in `axis`: `mean`, the biased `variance`, then Keras's
`ops.layer_normalization` operation for operation:
`inv = rsqrt(variance + epsilon) * gamma`, `out = x * inv + (beta - mean * inv)`.
`gamma` and `beta` span the normalized axes (shape `input_shape[axis]`). Unlike
BatchNormalization there are no moving statistics: training and inference compute the
same thing. Half-precision inputs are normalized in float32 and cast back, as Keras.

`rms_scaling=True` (deprecated in Keras, kept for its configs) scales by the *centered*
variance without centering: `out = x * rsqrt(variance + epsilon) * gamma`, no `beta`.

>>> import numpy as np
>>> LayerNormalization()(np.array([[1.0, 2.0, 3.0]])).round(4)
array([[-1.2238,  0.    ,  1.2238]], dtype=float32)
"""

from __future__ import annotations

import warnings

from numkeras import backend, constraints, initializers, regularizers
from numkeras.errors import AxisBoundsError, ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


class LayerNormalization(Layer):
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(
        self,
        axis=-1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated in Keras 3. This argument "
                "scales the input by the variance, not the root mean square.",
                stacklevel=2,
            )
        if isinstance(axis, (list, tuple)):
            if not axis or not all(is_int(a) for a in axis):
                raise ConfigError(
                    "Expected an int or a list/tuple of ints for the argument 'axis', but "
                    f"received: {axis!r}"
                )
            axis = [int(a) for a in axis]
        elif is_int(axis):
            axis = int(axis)
        else:
            raise ConfigError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but "
                f"received: {axis!r}"
            )
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ConfigError(
                f"LayerNormalization's `epsilon` must be a non-negative number, received "
                f"{epsilon!r}."
            )
        super().__init__(**kwargs)
        # as Keras: an int until `build`, then the sorted list of axes
        self.axis = axis
        self.epsilon = epsilon
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        store_scale_and_center(
            self,
            beta_initializer,
            gamma_initializer,
            beta_regularizer,
            gamma_regularizer,
            beta_constraint,
            gamma_constraint,
        )
        self.gamma = self.beta = None

    # -- build ----------------------------------------------------------------------------
    def _axes(self) -> list[int]:
        return list(self.axis) if isinstance(self.axis, list) else [self.axis]

    def _check_axes(self, input_shape) -> list[int]:
        """The normalized axes as non-negative indices (a ShapeError if one is missing)."""
        ndim = len(input_shape)
        for a in self._axes():
            if not -ndim <= a < ndim:
                raise AxisBoundsError(
                    f"Axis {a} is out of bounds for input shape {format_shape(input_shape)}. "
                    f"Received: axis={self.axis} (layer '{self.name}'; axis 0 is the batch). "
                    f"Use axes in [{-ndim}, {ndim})."
                )
        axes = [a % ndim for a in self._axes()]
        if len(set(axes)) != len(axes):
            raise ConfigError(
                f"Layer '{self.name}': LayerNormalization's `axis` {self.axis} names the same "
                f"axis twice for inputs of rank {ndim}."
            )
        return axes

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        self._check_axes(input_shape)
        self.axis = sorted(self._axes())  # as Keras (raw values: -1 sorts before 1)
        shape = tuple(input_shape[a] for a in self.axis)
        if any(d is None for d in shape):
            raise ShapeError(
                f"Layer '{self.name}': the normalized axes {self.axis} of its inputs must be "
                f"known to create its weights; received shape {format_shape(input_shape)}."
            )
        add_scale_and_center(
            self, shape, self.scale or self.rms_scaling, self.center and not self.rms_scaling
        )

    def _reset_build_state(self) -> None:
        self.gamma = self.beta = None

    def compute_output_shape(self, input_shape):
        self._check_axes(tuple(input_shape))
        return input_shape

    # -- forward --------------------------------------------------------------------------
    def _plan(self, x):
        """(reduce axes, broadcast shape of gamma/beta or None when they broadcast as is)."""
        ndim = x.ndim
        axes = tuple(self._check_axes(x.shape))
        shape = [1] * ndim
        for a in self.axis:
            shape[a] = x.shape[a]
        weight = self.gamma if self.gamma is not None else self.beta
        got = tuple(x.shape[a] for a in self.axis)
        if weight is not None and got != tuple(weight.shape):
            # a clear error, not NumPy's reshape message (Keras's JAX backend: TypeError)
            raise ShapeError(
                f"Layer '{self.name}' was built for normalized axes {self.axis} of sizes "
                f"{format_shape(weight.shape)}; it received input shape "
                f"{format_shape(x.shape)}."
            )
        # Keras's `_broadcast`: reshape unless gamma has the input's rank or the only axis
        # is the last (written as a non-negative index)
        reshape = ndim != len(self.axis) and list(self.axis) != [ndim - 1]
        return axes, (tuple(shape) if reshape else None)

    def _param(self, var, bshape, dtype):
        if var is None:
            return None
        v = var.value.astype(dtype, copy=False)
        return v.reshape(bshape) if bshape is not None else v

    def _compute(self, inputs):
        xp = backend.xp
        dtype = xp.result_type(inputs.dtype, xp.float32)  # at least float32, as Keras
        x = inputs.astype(dtype, copy=False)
        axes, bshape = self._plan(x)
        gamma = self._param(self.gamma, bshape, dtype)
        beta = self._param(self.beta, bshape, dtype)
        t = x.dtype.type
        mean = xp.mean(x, axis=axes, keepdims=True)
        variance = xp.var(x, axis=axes, keepdims=True)
        rstd = t(1) / xp.sqrt(variance + t(self.epsilon))
        if self.rms_scaling:
            out = x * rstd
            if gamma is not None:
                out = out * gamma
        else:
            inv = rstd * gamma if gamma is not None else rstd
            res = -mean * inv
            if beta is not None:
                res = res + beta
            out = x * inv + res
        return out.astype(inputs.dtype, copy=False), (x, mean, rstd, gamma, axes, bshape)

    def call(self, inputs, training: bool = False):
        return self._compute(inputs)[0]

    def forward(self, inputs, training: bool = True):
        out, cache = self._compute(inputs)
        return out, (cache, inputs.dtype)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        (x, mean, rstd, gamma, axes, bshape), in_dtype = cache
        xp = backend.xp
        g = grad_output.astype(x.dtype, copy=False)
        centered = x - mean

        def param_grad(var, full):
            return weight_gradient(var, full, axes, bshape)

        if self.rms_scaling:
            if self.gamma is not None and self.gamma.wants_grad:
                self.gamma.add_grad(param_grad(self.gamma, g * (x * rstd)))
            if not need_input_grad:
                return None
            gg = g * gamma if gamma is not None else g
            n = x.dtype.type(x.size // mean.size)
            # out = x * r * gamma, r = (var + eps)^-1/2, d var / dx = 2 (x - mean) / n
            s = (gg * x).sum(axis=axes, keepdims=True)
            dx = gg * rstd - centered * (rstd**3 * s / n)
            return dx.astype(in_dtype, copy=False)
        xhat = centered * rstd
        if self.beta is not None and self.beta.wants_grad:
            self.beta.add_grad(param_grad(self.beta, g))
        if self.gamma is not None and self.gamma.wants_grad:
            self.gamma.add_grad(param_grad(self.gamma, g * xhat))
        if not need_input_grad:
            return None
        gg = g * gamma if gamma is not None else g
        # through the per-sample mean and variance: rstd * (gg - mean(gg) - xhat mean(gg xhat))
        g_mean = xp.mean(gg, axis=axes, keepdims=True)
        gx_mean = xp.mean(gg * xhat, axis=axes, keepdims=True)
        dx = (gg - g_mean - xhat * gx_mean) * rstd
        return dx.astype(in_dtype, copy=False)

    # -- config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": list(self.axis) if isinstance(self.axis, list) else self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **scale_and_center_config(self),
        }

    def _repr_args(self) -> str:
        return "" if self.axis in (-1, [-1]) else f"axis={self.axis}"


def add_scale_and_center(layer, shape, scale: bool, center: bool) -> None:
    """A normalization layer's `gamma` (with `scale`) and `beta` (with `center`) of `shape`,
    from its `gamma_*` / `beta_*` initializer, regularizer and constraint, in Keras's order
    (else None). They stay float32 in a mixed_float16 call (`autocast=False`, as Keras's
    normalization layers, which compute in float32)."""
    layer.gamma = layer.beta = None
    for name, wanted in (("gamma", scale), ("beta", center)):
        if wanted:
            weight = layer.add_weight(
                tuple(shape),
                initializer=getattr(layer, f"{name}_initializer"),
                name=name,
                regularizer=getattr(layer, f"{name}_regularizer"),
                constraint=getattr(layer, f"{name}_constraint"),
                autocast=False,
            )
            setattr(layer, name, weight)


def store_scale_and_center(
    layer,
    beta_initializer,
    gamma_initializer,
    beta_regularizer,
    gamma_regularizer,
    beta_constraint,
    gamma_constraint,
) -> None:
    """Resolve and keep a normalization layer's `gamma` / `beta` settings."""
    layer.beta_initializer = initializers.get(beta_initializer)
    layer.gamma_initializer = initializers.get(gamma_initializer)
    layer.beta_regularizer = regularizers.get(beta_regularizer)
    layer.gamma_regularizer = regularizers.get(gamma_regularizer)
    layer.beta_constraint = constraints.get(beta_constraint)
    layer.gamma_constraint = constraints.get(gamma_constraint)


def scale_and_center_config(layer) -> dict:
    """Those settings as Keras's config writes them (in its order)."""
    return {
        "beta_initializer": initializers.serialize(layer.beta_initializer),
        "gamma_initializer": initializers.serialize(layer.gamma_initializer),
        "beta_regularizer": regularizers.serialize(layer.beta_regularizer),
        "gamma_regularizer": regularizers.serialize(layer.gamma_regularizer),
        "beta_constraint": constraints.serialize(layer.beta_constraint),
        "gamma_constraint": constraints.serialize(layer.gamma_constraint),
    }


def weight_gradient(var, full, axes, bshape):
    """`full` (the input's shape) summed over the axes gamma or beta broadcast along, back
    to the weight `var`'s shape (`axes`, `bshape`: the layer's `_plan`)."""
    if bshape is None:
        lead = full.ndim - len(var.shape)
        red = full.sum(axis=tuple(range(lead))) if lead else full
        return red.astype(var.dtype, copy=False)
    batch_axes = tuple(i for i in range(full.ndim) if i not in axes)
    red = full.sum(axis=batch_axes, keepdims=True) if batch_axes else full
    return red.reshape(var.shape).astype(var.dtype, copy=False)
