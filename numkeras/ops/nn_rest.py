"""The remaining operations of `keras.ops.nn` and `keras.ops.math` that custom layers and
losses use: activations (`celu`, `hard_tanh`, the shrinks, `threshold`, `squareplus`,
`sparse_sigmoid`, `sparsemax`), normalizations (`rms_normalization`,
`layer_normalization`, `batch_normalization`), convolutions and pooling on tensors
(`conv`, `depthwise_conv`, `separable_conv`, `max_pool`, `average_pool`, sharing the conv
and pooling layers' kernels), `depth_to_space` / `space_to_depth`, `psnr`; and from
`keras.ops.math`: `rsqrt`, `erfc`, `erfinv`, the segment reductions, `extract_sequences`,
`in_top_k`. Each has its backward pass, its output shape and its config.

>>> import numpy as np
>>> HardTanh()(np.array([-2.0, 0.5, 3.0])).tolist()
[-1.0, 0.5, 1.0]
>>> Rsqrt()(np.array([4.0])).tolist()
[0.5]
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.backend import sum_to_shape
from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    IncompatibleShapesError,
    InputTypeError,
    ShapeError,
    format_shape,
)
from numkeras.layers import conv_utils as cu
from numkeras.ops.nn import _Activation, _KeepsInts
from numkeras.ops.numpy import _as_output, _axes, _dtype_of, _float, _Unary, value_dtype
from numkeras.ops.numpy_more import _is_float
from numkeras.ops.operation import Operation, arr, keras_result_type, shape_of


def _xp():
    return backend.xp


# -- activations: numkeras.activations' functions with their own gradients ------------------
class Celu(_Activation):
    """`max(x, 0) + alpha * expm1(min(x, 0) / alpha)`."""

    _fn = "celu"

    def __init__(self, alpha=1.0, *, name=None):
        super().__init__(name=name)
        self.alpha = alpha

    def get_config(self):
        return {"name": self.name, "alpha": self.alpha}


class HardTanh(_KeepsInts, _Activation):
    """-1 below -1, 1 above 1, `x` between."""

    _fn = "hard_tanh"


class HardShrink(_Activation):
    """`x` where `|x| > threshold`, else 0."""

    _fn = "hard_shrink"

    def __init__(self, threshold=0.5, *, name=None):
        super().__init__(name=name)
        self.threshold = threshold

    def get_config(self):
        return {"name": self.name, "threshold": self.threshold}


class SoftShrink(HardShrink):
    """`x - threshold` above `threshold`, `x + threshold` below `-threshold`, else 0."""

    _fn = "soft_shrink"


class TanhShrink(_Activation):
    """`x - tanh(x)`."""

    _fn = "tanh_shrink"


class Threshold(_Activation):
    """`x` where `x > threshold`, else `default_value`."""

    _fn = "threshold"

    def __init__(self, threshold, default_value, *, name=None):
        super().__init__(name=name)
        self.threshold, self.default_value = threshold, default_value

    def output_dtype(self, x) -> str:
        dtype = "int32" if isinstance(x, int) else str(getattr(x, "dtype", ""))
        if dtype == "bool" or dtype.startswith(("int", "uint")):  # (as the array function)
            return keras_result_type("int32" if dtype == "bool" else dtype, self.default_value)
        return super().output_dtype(x)

    def _convert(self, x):
        x = arr(x)
        if isinstance(x, int):  # Python ints and bools: int32 (Keras's tensor)
            return backend.xp.asarray(x, "int32")
        return x if hasattr(x, "dtype") and x.dtype.kind in "iub" else _float(x)

    def get_config(self):
        return {
            "name": self.name,
            "threshold": self.threshold,
            "default_value": self.default_value,
        }


class Squareplus(_Activation):
    """`(x + sqrt(x**2 + b)) / 2`."""

    _fn = "squareplus"

    def __init__(self, b=4, *, name=None):
        super().__init__(name=name)
        if b < 0:
            raise ConfigError(f"`b` must be non-negative; received b={b}.")
        self.b = b

    def get_config(self):
        return {"name": self.name, "b": self.b}


class SparseSigmoid(_Activation):
    """`0.5 * clip(x + 1, 0, 2)`: 0 below -1, 1 above 1, linear between."""

    _fn = "sparse_sigmoid"


class Sparsemax(_Activation):
    """The Euclidean projection of `x` onto the simplex along `axis` (Martins & Astudillo,
    2016); its gradient on the support is `g - mean(g over the support)`.

    Keras 3.15's JAX backend sums the running sums over the whole support to find the
    threshold (`sum(where(support, cumsum, 0))`) where the paper takes the running sum at
    its last entry, so with two or more entries in the support its outputs do not sum to
    1 (`sparsemax([1.0, 0.9, -1.0])` gives `[0.05, 0, 0]`); numkeras computes the real
    sparsemax (`[0.55, 0.45, 0]`)."""

    _fn = "sparsemax"

    def __init__(self, axis=-1, *, name=None):
        super().__init__(name=name)
        self.axis = int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}


# -- normalizations ---------------------------------------------------------------------------
def _eps(epsilon):
    return backend.epsilon() if epsilon is None else float(epsilon)


def _param_grad(g, shape):
    return None if shape is None else sum_to_shape(g, shape)


class RMSNorm(Operation):
    """`x / sqrt(mean(x**2 over axis) + epsilon) * scale` (epsilon `backend.epsilon()` by
    default)."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, axis=-1, epsilon=None, *, name=None):
        super().__init__(name=name)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = epsilon

    def get_config(self):
        return {"name": self.name, "axis": self.axis, "epsilon": self.epsilon}

    def compute_output_spec(self, x, scale=None):
        return shape_of(x)

    def output_dtype(self, x, scale=None) -> str:
        d = _dtype_of(x)
        return d if d and d.startswith(("float", "bfloat")) else backend.floatx()

    def _forward(self, x, scale=None):
        xp = _xp()
        x = _float(x)
        axes = _axes(self.axis, x.ndim)
        n = x.dtype.type(math.prod(x.shape[a] for a in axes))
        r = 1 / xp.sqrt(
            (x * x).sum(axis=axes, keepdims=True) / n + x.dtype.type(_eps(self.epsilon))
        )
        y = x * r
        s = None if scale is None else _float(scale).astype(x.dtype, copy=False)
        out = y if s is None else y * s
        return out, (x, axes, n, r, y, s)

    def _backward(self, cache, grad, need):
        x, axes, n, r, y, s = cache
        gs = grad if s is None else grad * s
        dx = r * gs - (r**3) * x * (gs * x).sum(axis=axes, keepdims=True) / n
        ds = None if s is None else sum_to_shape(grad * y, s.shape)
        return dx, ds


def _bshape(v, ndim, axes, shape):
    """Keras's `_broadcast`: a parameter reshaped to the normalized axes when the axis is
    not just the last one."""
    if v is None or v.ndim == ndim or list(axes) == [ndim - 1]:
        return v
    return v.reshape([shape[i] if i in axes else 1 for i in range(ndim)])


class LayerNorm(Operation):
    """`(x - mean) / sqrt(var + epsilon) * gamma + beta` over `axis` (moments over the
    axis; epsilon `backend.epsilon()` by default, as Keras's op)."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, axis=-1, epsilon=None, rms_scaling=False, *, name=None):
        super().__init__(name=name)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon, self.rms_scaling = epsilon, bool(rms_scaling)

    def get_config(self):
        return {
            "name": self.name,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "rms_scaling": self.rms_scaling,
        }

    def compute_output_spec(self, x, gamma=None, beta=None):
        return shape_of(x)

    def output_dtype(self, x, gamma=None, beta=None) -> str:
        return RMSNorm.output_dtype(self, x)

    def _forward(self, x, gamma=None, beta=None):
        xp = _xp()
        x = _float(x)
        axes = _axes(self.axis, x.ndim)
        n = x.dtype.type(math.prod(x.shape[a] for a in axes))
        gamma, beta = (None if v is None else _float(v).astype(x.dtype) for v in (gamma, beta))
        gb = _bshape(gamma, x.ndim, axes, x.shape)
        bb = _bshape(beta, x.ndim, axes, x.shape)
        mean = x.sum(axis=axes, keepdims=True) / n
        xc = x - mean
        var = (xc * xc).sum(axis=axes, keepdims=True) / n
        inv = 1 / xp.sqrt(var + x.dtype.type(_eps(self.epsilon)))
        xhat = (x if self.rms_scaling else xc) * inv
        out = xhat if gb is None else xhat * gb
        if bb is not None and not self.rms_scaling:
            out = out + bb
        return out, (x, xc, axes, n, inv, xhat, gamma, gb, beta, bb)

    def _backward(self, cache, grad, need):
        x, xc, axes, n, inv, xhat, gamma, gb, beta, bb = cache
        gg = grad if gb is None else grad * gb

        def mean(v):
            return v.sum(axis=axes, keepdims=True) / n

        if self.rms_scaling:
            dx = gg * inv - (inv**3) * xc * mean(gg * x)
        else:
            dx = inv * (gg - mean(gg) - xhat * mean(gg * xhat))
        dgamma = None if gamma is None else sum_to_shape(grad * xhat, gb.shape).reshape(gamma.shape)
        dbeta = None
        if beta is not None:
            dbeta = (
                _xp().zeros_like(beta)
                if self.rms_scaling
                else sum_to_shape(grad, bb.shape).reshape(beta.shape)
            )
        return dx, dgamma, dbeta


class BatchNorm(Operation):
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset`, the statistics vectors of
    length `x.shape[axis]`, or all of length 1 (broadcast over the axis, as Keras's arrays
    compute it); gradients reach every tensor argument."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, axis, epsilon=1e-3, *, name=None):
        super().__init__(name=name)
        self.axis, self.epsilon = int(axis), float(epsilon)

    def get_config(self):
        return {"name": self.name, "axis": self.axis, "epsilon": self.epsilon}

    def compute_output_spec(self, x, mean, variance, offset=None, scale=None):
        self._check(shape_of(x), mean, variance, offset, scale)
        return shape_of(x)

    def _check(self, shape, mean, variance, offset, scale) -> None:
        c = shape[self.axis]
        stats = {"mean": mean, "variance": variance, "offset": offset, "scale": scale}
        shapes = {k: tuple(np.shape(t)) for k, t in stats.items() if t is not None}
        n = shapes["mean"][0] if len(shapes["mean"]) == 1 else -1
        for label, got in shapes.items():
            # (Keras reshapes every statistic to mean's length, which broadcasts over x)
            if len(got) == 1 and (got[0] == n or None in (got[0], n)):
                if n in (1, c) or None in (n, c):
                    continue
            raise IncompatibleShapesError(
                f"batch_normalization: `mean`, `variance`, `offset` and `scale` must be "
                f"vectors of length x.shape[axis] (axis={self.axis}: {c} channels), or all "
                f"of length 1; received `{label}` of shape {got} with `mean` of shape "
                f"{shapes['mean']}, for x of shape {tuple(shape)}. Fix: give one value per "
                f"channel, or pass the channels' axis as `axis`."
            )

    def output_dtype(self, x, *args) -> str:
        # every argument promotes, as Keras's (int32 x with float16 statistics: float16)
        return keras_result_type(x, *[a for a in args if a is not None], float)

    def _forward(self, x, mean, variance, offset=None, scale=None):
        xp = _xp()
        self._check(np.shape(x), mean, variance, offset, scale)
        x = _float(x).astype(self.output_dtype(x, mean, variance, offset, scale), copy=False)
        shape = [1] * x.ndim
        shape[self.axis] = int(np.shape(mean)[0])  # (1 broadcasts over the axis)

        def b(v):
            return None if v is None else _float(v).astype(x.dtype, copy=False).reshape(shape)

        m, v, o, s = b(mean), b(variance), b(offset), b(scale)
        inv = 1 / xp.sqrt(v + x.dtype.type(self.epsilon))
        xc = x - m
        out = xc * inv * (1 if s is None else s)
        if o is not None:
            out = out + o
        return out, (x, xc, inv, s, o)

    def _backward(self, cache, grad, need):
        x, xc, inv, s, o = cache
        scale = 1 if s is None else s

        def total(g):  # (summed to the statistics' (1, ..., n, ..., 1) shape, as a vector)
            return sum_to_shape(g, inv.shape).reshape(-1)

        dx = grad * inv * scale
        dm = -total(dx)
        dv = total(grad * xc * scale * (-0.5) * inv**3)
        do = None if o is None else total(grad)
        ds = None if s is None else total(grad * xc * inv)
        return dx, dm, dv, do, ds


# -- convolutions and pooling on tensors ------------------------------------------------------
def _geometry(x_shape, kernel_shape, strides, padding, data_format, dilation_rate, who):
    rank = len(x_shape) - 2
    if rank not in (1, 2, 3):
        raise ShapeError(
            f"{who} takes inputs of rank 3, 4 or 5 (batch, spatial axes, channels); received "
            f"shape {tuple(x_shape)}."
        )
    strides = cu.standardize_tuple(strides, rank, "strides")
    dilation = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
    padding = cu.standardize_padding(str(padding).lower())
    data_format = cu.standardize_data_format(data_format)
    sizes = tuple(x_shape[a] for a in cu.spatial_axes(rank, data_format))
    ksize = tuple(kernel_shape[:rank])
    outs = tuple(
        cu.out_size(n, k, d, s, padding) for n, k, d, s in zip(sizes, ksize, dilation, strides)
    )
    return rank, strides, dilation, padding, data_format, outs


class _ConvBase(Operation):
    keras_module = "keras.src.ops.nn"

    def __init__(self, strides=1, padding="valid", data_format=None, dilation_rate=1, *, name=None):
        super().__init__(name=name)
        self.strides, self.padding = strides, padding
        self.data_format = cu.standardize_data_format(data_format)
        self.dilation_rate = dilation_rate

    def get_config(self):
        return {
            "name": self.name,
            "strides": _listed(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": _listed(self.dilation_rate),
        }

    def _geo(self, x_shape, k_shape):
        return _geometry(
            x_shape,
            k_shape,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
            type(self).__name__,
        )

    def _out_shape(self, x_shape, k_shape, channels):
        rank, strides, dilation, _, fmt, outs = self._geo(x_shape, k_shape)
        if any(o is not None and o <= 0 for o in outs):  # (as Keras's symbolic check)
            raise ShapeError(
                "Computed output size would be zero or negative. Received `inputs shape="
                f"{tuple(x_shape)}`, `kernel shape={tuple(k_shape)}`, `dilation_rate="
                f"{list(dilation)}`, `strides={tuple(strides)}`."
            )
        if fmt == "channels_last":
            return (x_shape[0], *outs, channels)
        return (x_shape[0], channels, *outs)

    def _conv(self, x, kernel, groups):
        """The grouped convolution of `x` (this op's layout) with `kernel`."""
        from numkeras.layers.base_conv import conv_forward

        rank, strides, dilation, padding, fmt, outs = self._geo(x.shape, kernel.shape)
        xl = cu.to_last(x, fmt)
        if min(outs) <= 0 or xl.size == 0:  # a kernel wider than the input, no inputs:
            # an empty output, as Keras's
            y = backend.xp.zeros((xl.shape[0], *[max(o, 0) for o in outs], kernel.shape[-1]))
            return cu.from_last(y.astype(x.dtype), fmt), (None, (x.shape, kernel.shape))
        z, cache = conv_forward(xl, kernel, groups, strides, dilation, padding, outs)
        y = z.reshape(xl.shape[0], *outs, z.shape[-1])
        return cu.from_last(y, fmt), (cache, fmt)

    @staticmethod
    def _conv_back(cache, grad, want_w=True, want_x=True):
        from numkeras.layers.base_conv import conv_backward

        cache, fmt = cache
        if cache is None:  # (an empty output: zero gradients)
            x_shape, k_shape = fmt
            xp = backend.xp
            return xp.zeros(k_shape, grad.dtype), xp.zeros(x_shape, grad.dtype)
        dw, dx = conv_backward(cache, cu.to_last(grad, fmt), want_w, want_x)
        return dw, None if dx is None else cu.from_last(dx, fmt)


def _listed(v):
    return list(v) if isinstance(v, tuple) else v


def _check_kernel_rank(x_shape, k_shape) -> None:
    if len(k_shape) != len(x_shape):
        raise ShapeError(
            "Kernel shape must have the same length as input, but received kernel of shape "
            f"{tuple(k_shape)} and input of shape {tuple(x_shape)}."
        )


def _check_channels(x, kernel, per_group, fmt, who):
    c = x.shape[cu.channel_axis(fmt)]
    if c % per_group:
        raise ShapeError(
            f"{who}: the input has {c} channels, which the kernel's input-channel axis "
            f"({per_group}) must divide; received inputs {tuple(x.shape)} and kernel "
            f"{tuple(kernel.shape)}."
        )
    return c // per_group


class Conv(_ConvBase):
    """`conv(inputs, kernel, strides=1, padding="valid", data_format=None,
    dilation_rate=1)`: the N-D cross-correlation, kernel `(*kernel_size, in_channels //
    groups, out_channels)`."""

    def compute_output_spec(self, inputs, kernel):
        _check_kernel_rank(shape_of(inputs), shape_of(kernel))
        return self._out_shape(shape_of(inputs), shape_of(kernel), shape_of(kernel)[-1])

    def output_dtype(self, inputs, kernel) -> str:
        return value_dtype(inputs, kernel) if _dtype_of(inputs) else backend.floatx()

    def _forward(self, inputs, kernel):
        x, k = _float(inputs), _float(kernel)
        groups = _check_channels(x, k, k.shape[-2], self.data_format, "conv")
        y, cache = self._conv(x, k.astype(x.dtype, copy=False), groups)
        if y.size == 0 and x.size != 0:  # (Keras's conv checks this; depthwise_conv not)
            raise ShapeError(
                "The convolution operation resulted in an empty output. This can happen if "
                "the input is too small for the given kernel size, strides, dilation rate, "
                f"and padding. Received inputs {tuple(x.shape)}, kernel {tuple(k.shape)}."
            )
        return y, cache

    def _backward(self, cache, grad, need):
        dw, dx = self._conv_back(cache, grad, need[1], need[0])
        return dx, dw


class DepthwiseConv(_ConvBase):
    """`depthwise_conv(inputs, kernel, ...)`: each channel convolved with its own
    `kernel[..., c, :]`, kernel `(*kernel_size, in_channels, multiplier)`."""

    def compute_output_spec(self, inputs, kernel):
        k = shape_of(kernel)
        _check_kernel_rank(shape_of(inputs), k)
        c = shape_of(inputs)[cu.channel_axis(self.data_format)]
        if c is not None and k[-2] is not None and c != k[-2]:  # (as Keras's symbolic check)
            raise ShapeError(
                "The number of input channels must match the kernel's input channels. "
                f"Received: input channels={c}, kernel input channels={k[-2]}, "
                f"data_format='{self.data_format}'."
            )
        return self._out_shape(shape_of(inputs), k, None if c is None else c * k[-1])

    def output_dtype(self, inputs, kernel) -> str:
        return value_dtype(inputs, kernel)

    def _forward(self, inputs, kernel):
        x, k = _float(inputs), _float(kernel).astype(_float(inputs).dtype, copy=False)
        rank = k.ndim - 2
        flat = k.reshape(*k.shape[:rank], 1, k.shape[-2] * k.shape[-1])
        y, cache = self._conv(x, flat, k.shape[-2])
        return y, (cache, k.shape)

    def _backward(self, cache, grad, need):
        cache, kshape = cache
        dw, dx = self._conv_back(cache, grad, need[1], need[0])
        return dx, None if dw is None else dw.reshape(kshape)


class SeparableConv(_ConvBase):
    """`separable_conv(inputs, depthwise_kernel, pointwise_kernel, ...)`: a depthwise
    convolution, then a 1x1 convolution with `pointwise_kernel`."""

    def compute_output_spec(self, inputs, depthwise_kernel, pointwise_kernel):
        k = shape_of(depthwise_kernel)
        return self._out_shape(shape_of(inputs), k, shape_of(pointwise_kernel)[-1])

    def output_dtype(self, inputs, *kernels) -> str:
        return value_dtype(inputs, *kernels)

    def _forward(self, inputs, depthwise_kernel, pointwise_kernel):
        depth = DepthwiseConv(self.strides, self.padding, self.data_format, self.dilation_rate)
        point = Conv(1, "valid", self.data_format, 1)
        h, c1 = depth._forward(inputs, depthwise_kernel)
        y, c2 = point._forward(h, pointwise_kernel)
        return y, (depth, point, c1, c2)

    def _backward(self, cache, grad, need):
        depth, point, c1, c2 = cache
        dh, dpw = point._backward(c2, grad, (True, need[2]))
        dx, ddw = depth._backward(c1, dh, (need[0], need[1]))
        return dx, ddw, dpw


class ConvTranspose(_ConvBase):
    """`conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
    data_format=None, dilation_rate=1)`: the gradient of a convolution with respect to its
    input, kernel `(*kernel_size, out_channels, in_channels)`; the output sizes and padding
    are the `Conv*DTranspose` layers' (Keras's rule), whose kernels it runs."""

    def __init__(
        self,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        *,
        name=None,
    ):
        super().__init__(strides, padding, data_format, dilation_rate, name=name)
        self.output_padding = output_padding

    def get_config(self):
        config = super().get_config()
        config["output_padding"] = _listed(self.output_padding)
        return {
            k: config[k]
            for k in (
                "name",
                "strides",
                "padding",
                "output_padding",
                "data_format",
                "dilation_rate",
            )
        }

    def _layer(self, kshape):
        """A stand-in for the transposed-convolution layer of this rank (its geometry)."""
        import types

        from numkeras.layers.conv2d_transpose import BaseConvTranspose

        rank = len(kshape) - 2
        if rank not in (1, 2, 3):
            raise ShapeError(f"conv_transpose takes a kernel of rank 3, 4 or 5; got {kshape}.")
        op = self.output_padding
        ns = types.SimpleNamespace(
            name="conv_transpose",
            rank=rank,
            kernel_size=tuple(int(k) for k in kshape[:rank]),
            strides=cu.standardize_tuple(self.strides, rank, "strides"),
            dilation_rate=cu.standardize_tuple(self.dilation_rate, rank, "dilation_rate"),
            padding=cu.standardize_padding(str(self.padding).lower()),
            output_padding=None
            if op is None
            else cu.standardize_tuple(op, rank, "output_padding", allow_zero=True),
            data_format=self.data_format,
            filters=kshape[-2],
        )
        for method in ("_axis", "_outs", "compute_output_shape", "_geometry", "_crop_index"):
            setattr(ns, method, types.MethodType(getattr(BaseConvTranspose, method), ns))
        return ns

    def compute_output_spec(self, inputs, kernel):
        return self._layer(shape_of(kernel)).compute_output_shape(shape_of(inputs))

    def output_dtype(self, inputs, kernel) -> str:
        return value_dtype(inputs, kernel)

    def _forward(self, inputs, kernel):
        xp = _xp()
        x, k = _float(inputs), _float(kernel)
        k = k.astype(x.dtype, copy=False)
        ns = self._layer(k.shape)
        xl = cu.to_last(x, self.data_format)
        n, sizes, channels = xl.shape[0], xl.shape[1:-1], xl.shape[-1]
        if channels != k.shape[-1]:
            raise ShapeError(
                f"conv_transpose: the inputs have {channels} channels but the kernel "
                f"{tuple(k.shape)} expects {k.shape[-1]} (its last axis)."
            )
        ns._outs(x.shape)
        outs, crops, buf = ns._geometry(sizes)
        x2 = xl.reshape(-1, channels)
        w2 = k.reshape(-1, channels)
        cols = xp.dot(x2, w2.T).reshape(n, *sizes, *ns.kernel_size, ns.filters)
        full = cu.add_windows(
            cols, (n, *buf, ns.filters), ns.kernel_size, ns.strides, ns.dilation_rate
        )
        z = xp.ascontiguousarray(full[ns._crop_index(outs, crops)])
        return cu.from_last(z, self.data_format), (ns, x2, xl.shape, outs, crops, buf, k)

    def _backward(self, cache, grad, need):
        xp = _xp()
        ns, x2, xshape, outs, crops, buf, k = cache
        dz = cu.to_last(grad, self.data_format)
        dfull = xp.zeros((xshape[0], *buf, ns.filters), dz.dtype)
        dfull[ns._crop_index(outs, crops)] = dz
        dcols = cu.windows(dfull, ns.kernel_size, ns.strides, ns.dilation_rate, xshape[1:-1])
        dcols = dcols.reshape(x2.shape[0], -1)
        dk = xp.dot(dcols.T, x2).reshape(k.shape) if need[1] else None
        dx = None
        if need[0]:
            dx = cu.from_last(
                xp.dot(dcols, k.reshape(-1, xshape[-1])).reshape(xshape), self.data_format
            )
        return dx, dk


class _Pool(Operation):
    keras_module = "keras.src.ops.nn"
    _mode = "max"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, *, name=None):
        super().__init__(name=name)
        self.pool_size, self.strides = pool_size, strides
        self.padding = padding
        self.data_format = cu.standardize_data_format(data_format)

    def get_config(self):
        return {
            "name": self.name,
            "pool_size": _listed(self.pool_size),
            "strides": _listed(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
        }

    def _layer(self, ndim):
        """A stand-in for the pooling layer of this rank, to run its kernels (a real layer
        would take an automatic name and shift the names of the user's layers)."""
        import types

        from numkeras.layers.base_pooling import BasePooling

        rank = ndim - 2
        if rank not in (1, 2, 3):
            raise IncompatibleShapesError(  # (JAX's reduce_window: a TypeError)
                f"{self._mode}_pool takes inputs of rank 3, 4 or 5; received rank {ndim}."
            )
        size = cu.standardize_tuple(self.pool_size, rank, "pool_size")
        strides = size if self.strides is None else self.strides
        ns = types.SimpleNamespace(
            name=f"{self._mode}_pool",
            rank=rank,
            pool_mode=self._mode,
            pool_size=size,
            strides=cu.standardize_tuple(strides, rank, "strides"),
            padding=cu.standardize_padding(str(self.padding).lower()),
            data_format=self.data_format,
        )
        for method in ("_geometry", "_forward", "_as_2d", "backward", "compute_output_shape"):
            setattr(ns, method, types.MethodType(getattr(BasePooling, method), ns))
        return ns

    def compute_output_spec(self, inputs):
        s = shape_of(inputs)
        return self._layer(len(s)).compute_output_shape(s)

    def output_dtype(self, inputs) -> str:
        return value_dtype(inputs)

    def _forward(self, inputs):
        x = _as_output(arr(inputs))
        if self._mode == "average":
            x = _float(x)  # (the mean of integers is a float, as Keras's arrays)
        layer = self._layer(x.ndim)
        y, cache = layer._forward(x, keep=True)
        return cu.from_last(y, self.data_format), (layer, cache)

    def _backward(self, cache, grad, need):
        layer, cache = cache
        return (layer.backward(cache, grad),)


class MaxPool(_Pool):
    """`max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None)`."""


class AveragePool(_Pool):
    """`average_pool(...)`: "same" padding divides by the real inputs in each window."""

    _mode = "average"

    def output_dtype(self, inputs) -> str:
        # (integers give floats: Keras's arrays do, though its symbolic dtype says int)
        return keras_result_type(inputs, float)


class _AdaptivePool(Operation):
    """Pooling to a fixed `output_size`: output bin `i` of an axis of length `n` covers
    `[floor(i n / out), ceil((i + 1) n / out))` (PyTorch's bins, as Keras). The
    computation is the adaptive pooling layers' (`layers.adaptive_pooling.adaptive_pool`):
    the axes reduced one after another, the gradient back through each step (max: to the
    first maximum of each bin)."""

    keras_module = "keras.src.ops.nn"
    _mode = "average"

    def __init__(self, output_size, data_format=None, *, name=None):
        super().__init__(name=name)
        self.output_size = output_size
        self.data_format = cu.standardize_data_format(data_format)

    def get_config(self):
        return {
            "name": self.name,
            "output_size": _listed(self.output_size),
            "data_format": self.data_format,
        }

    def _sizes(self, rank):
        return cu.standardize_tuple(self.output_size, rank, "output_size")

    def compute_output_spec(self, inputs):
        s = shape_of(inputs)
        rank = len(s) - 2
        outs = self._sizes(rank)
        if self.data_format == "channels_last":
            return (s[0], *outs, s[-1])
        return (s[0], s[1], *outs)

    def output_dtype(self, inputs) -> str:
        return value_dtype(inputs)

    def _forward(self, inputs):
        from numkeras.layers.adaptive_pooling import adaptive_pool

        x = arr(inputs)
        # (the max of integers stays integer, as Keras's; the mean is a float)
        if self._mode != "max" or getattr(x, "dtype", np.dtype("f")).kind not in "iu":
            x = _float(inputs)
        rank = x.ndim - 2
        start = 1 if self.data_format == "channels_last" else 2
        out, caches = adaptive_pool(x, self._sizes(rank), range(start, start + rank), self._mode)
        return out, (caches, x.dtype.kind == "f")

    def _backward(self, cache, grad, need):
        from numkeras.layers.adaptive_pooling import adaptive_pool_grad

        caches, floats = cache
        return (adaptive_pool_grad(grad, caches, self._mode) if floats else None,)


class AdaptiveAveragePool(_AdaptivePool):
    """`adaptive_average_pool(inputs, output_size, data_format=None)`."""

    def output_dtype(self, inputs) -> str:
        # (integers give floats: Keras's arrays do, though its symbolic dtype says int)
        return keras_result_type(inputs, float)


class AdaptiveMaxPool(_AdaptivePool):
    """`adaptive_max_pool(inputs, output_size, data_format=None)`."""

    _mode = "max"


def _pair(v, name):
    return cu.standardize_tuple(v, 2, name, allow_zero=True)


class Unfold(Operation):
    """`unfold(x, kernel_size, dilation=1, padding=0, stride=1)`: the sliding blocks of a
    channels-first `(N, C, H, W)` tensor as `(N, C * kH * kW, L)` (im2col, PyTorch's
    layout, as Keras); its gradient adds the blocks back (col2im)."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1, *, name=None):
        super().__init__(name=name)
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def get_config(self):
        return {
            "name": self.name,
            "kernel_size": _listed(self.kernel_size),
            "dilation": _listed(self.dilation),
            "padding": _listed(self.padding),
            "stride": _listed(self.stride),
        }

    def _geo(self, h, w):
        k, d = _pair(self.kernel_size, "kernel_size"), _pair(self.dilation, "dilation")
        p, s = _pair(self.padding, "padding"), _pair(self.stride, "stride")
        outs = tuple(
            None if n is None else (n + 2 * pi - di * (ki - 1) - 1) // si + 1
            for n, ki, di, pi, si in zip((h, w), k, d, p, s)
        )
        return k, d, p, s, outs

    def compute_output_spec(self, x):
        n, c, h, w = _rank4(shape_of(x), "unfold")
        k, _, _, _, (oh, ow) = self._geo(h, w)
        ckk = None if c is None else c * k[0] * k[1]
        return (n, ckk, None if oh is None or ow is None else oh * ow)

    def output_dtype(self, x) -> str:
        return value_dtype(x)

    def _forward(self, x):
        x = _as_output(arr(x))
        n, c, h, w = _rank4(x.shape, "unfold")
        k, d, p, s, outs = self._geo(h, w)
        xl = cu.pad(x.transpose(0, 2, 3, 1), ((p[0], p[0]), (p[1], p[1])))
        cols = cu.windows(xl, k, s, d, outs)  # (n, oh, ow, kh, kw, c)
        out = cols.transpose(0, 5, 3, 4, 1, 2).reshape(n, c * k[0] * k[1], -1)
        return out, (x.shape, xl.shape, k, d, p, s, outs)

    def _backward(self, cache, grad, need):
        return (_col2im(grad, *cache),)


def _rank4(shape, who):
    if len(shape) != 4:
        raise ShapeError(f"{who} takes a 4-D (N, C, H, W) tensor; received shape {shape}.")
    return shape


def _col2im(g, shape, padded, k, d, p, s, outs):
    n, c = shape[0], shape[1]
    cols = g.reshape(n, c, k[0], k[1], *outs).transpose(0, 4, 5, 2, 3, 1)
    full = cu.add_windows(cols, padded, k, s, d)
    return cu.crop(full, ((p[0], p[0]), (p[1], p[1]))).transpose(0, 3, 1, 2)


class Fold(Unfold):
    """`fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1)`: the blocks of
    `(N, C * kH * kW, L)` added into a `(N, C, *output_size)` tensor (col2im, the adjoint
    of `unfold`); its gradient is `unfold`."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1, *, name=None):
        super().__init__(kernel_size, dilation, padding, stride, name=name)
        self.output_size = output_size

    def get_config(self):
        return {
            "name": self.name,
            "output_size": _listed(self.output_size),
            **{k: v for k, v in super().get_config().items() if k != "name"},
        }

    def compute_output_spec(self, x):
        n, ckk, _ = shape_of(x)
        k = _pair(self.kernel_size, "kernel_size")
        oh, ow = _pair(self.output_size, "output_size")
        return (n, None if ckk is None else ckk // (k[0] * k[1]), oh, ow)

    def _forward(self, x):
        x = _as_output(arr(x))
        n, ckk, _ = x.shape
        oh, ow = _pair(self.output_size, "output_size")
        k, d, p, s, outs = self._geo(oh, ow)
        c = ckk // (k[0] * k[1])
        if c * k[0] * k[1] != ckk or outs[0] * outs[1] != x.shape[2]:
            raise ShapeError(
                f"fold: an input of shape {tuple(x.shape)} does not hold {k} blocks of an "
                f"{(oh, ow)} output ({outs[0] * outs[1]} blocks expected)."
            )
        shape, padded = (n, c, oh, ow), (n, oh + 2 * p[0], ow + 2 * p[1], c)
        cache = (shape, padded, k, d, p, s, outs)
        return _col2im(x, *cache), cache

    def _backward(self, cache, grad, need):
        shape, padded, k, d, p, s, outs = cache
        unfold = Unfold(self.kernel_size, self.dilation, self.padding, self.stride)
        return (unfold._forward(grad)[0],)


class CTCLoss(Operation):
    """`ctc_loss(target, output, target_length, output_length, mask_index=0)`: per sample,
    `-log p(target | output)` summed over the alignments (the forward-backward algorithm,
    in log space), `output` being logits `(batch, time, classes)` and `mask_index` the
    blank class. The gradient reaches `output`: `softmax - posterior occupancy`."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, mask_index=0, *, name=None):
        super().__init__(name=name)
        self.mask_index = int(mask_index)

    def get_config(self):
        return {"name": self.name, "mask_index": self.mask_index}

    def compute_output_spec(self, target, output, target_length, output_length):
        t, o = shape_of(target), shape_of(output)
        if len(t) != 2 or len(o) != 3:
            raise ShapeError(
                f"ctc_loss takes `target` of shape (batch, max_label_length) and `output` "
                f"logits of shape (batch, time, classes); received {tuple(t)} and {tuple(o)}."
            )
        lengths = [shape_of(target_length), shape_of(output_length)]
        rows = [d for d in (t[0], o[0], *[s[0] for s in lengths if s]) if d is not None]
        if len(set(rows)) > 1:
            raise ShapeError(
                f"ctc_loss needs one row per sample in each argument: `target` {tuple(t)}, "
                f"`output` {tuple(o)}, `target_length` {lengths[0]} and `output_length` "
                f"{lengths[1]} give different batch sizes."
            )
        return (o[0],)

    def output_dtype(self, target, output, *args) -> str:
        # at least float32, as Keras (float16 logits give a float32 loss, as tf.nn.ctc_loss)
        return keras_result_type(RMSNorm.output_dtype(self, output), "float32")

    def _forward(self, target, output, target_length, output_length):
        self.compute_output_spec(arr(target), arr(output), arr(target_length), arr(output_length))
        y = _float(output)
        y = y.astype(self.output_dtype(target, y), copy=False)
        z = backend.to_numpy(y).astype("float64")  # (on the host: a loop over time steps)
        z = z - z.max(axis=-1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
        soft = np.exp(logp)
        tgt = backend.to_numpy(arr(target)).astype("int64")
        tls = backend.to_numpy(arr(target_length)).reshape(-1).astype("int64")
        ols = backend.to_numpy(arr(output_length)).reshape(-1).astype("int64")
        losses = np.zeros(y.shape[0])
        grads = np.zeros(y.shape)
        for b in range(y.shape[0]):
            losses[b], g = self._one(logp[b, : ols[b]], soft[b, : ols[b]], tgt[b, : tls[b]])
            grads[b, : ols[b]] = g
        return _xp().asarray(losses.astype(y.dtype)), _xp().asarray(grads.astype(y.dtype))

    def _one(self, lp, soft, labels):
        blank = self.mask_index
        ext = np.full(2 * len(labels) + 1, blank)
        ext[1::2] = labels
        n, t_len = len(ext), lp.shape[0]
        if t_len == 0:
            return 0.0, np.zeros_like(soft)
        e = lp[:, ext]  # (T, S)
        skip = np.zeros(n, bool)
        skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
        ninf = -np.inf

        def shift(v, k):
            return np.concatenate([np.full(k, ninf), v[:-k]]) if k < len(v) + 1 else v * 0 + ninf

        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = np.full((t_len, n), ninf)
            alpha[0, :2] = e[0, :2]
            for t in range(1, t_len):
                a = alpha[t - 1]
                two = np.where(skip, shift(a, 2), ninf)
                alpha[t] = np.logaddexp(np.logaddexp(a, shift(a, 1)), two) + e[t]
            beta = np.full((t_len, n), ninf)
            beta[-1, -2:] = e[-1, -2:] if n > 1 else e[-1, -1:]
            # ([:n]: an empty label leaves the blank alone, n = 1)
            skip_from = np.concatenate([skip[2:], [False, False]])[:n]
            for t in range(t_len - 2, -1, -1):
                b = beta[t + 1]
                one = np.concatenate([b[1:], [ninf]])
                two = np.where(skip_from, np.concatenate([b[2:], [ninf, ninf]])[:n], ninf)
                beta[t] = np.logaddexp(np.logaddexp(b, one), two) + e[t]
            total = np.logaddexp(alpha[-1, -1], alpha[-1, -2]) if n > 1 else alpha[-1, -1]
            occ = np.exp(alpha + beta - e - total)
        occ = np.nan_to_num(occ)
        post = np.zeros_like(soft)
        np.add.at(post, (slice(None), ext), occ)
        return -total, soft - post

    def _backward(self, cache, grad, need):
        return None, grad.reshape(-1, 1, 1) * cache, None, None


class _Rearrange(Operation):
    """An exact rearrangement of entries (reshape, transpose, reshape); its gradient is the
    inverse rearrangement."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, block_size, data_format="channels_last", *, name=None):
        super().__init__(name=name)
        self.block_size = int(block_size)
        self.data_format = cu.standardize_data_format(data_format)

    def get_config(self):
        return {"name": self.name, "block_size": self.block_size, "data_format": self.data_format}

    def output_dtype(self, x) -> str:
        return value_dtype(x)

    def compute_output_spec(self, x):
        s = shape_of(x)
        if len(s) != 4:
            raise ShapeError(
                f"{type(self).__name__} takes a 4-D tensor; received shape {tuple(s)}."
            )
        self._check_sizes(s)
        _, _, out = self._plan(tuple(0 if d is None else d for d in s))
        return tuple(None if d is None else o for d, o in zip(s, out))

    def _check_sizes(self, s) -> None:
        pass

    def _forward(self, x):
        x = _as_output(arr(x))
        self.compute_output_spec(x)
        mid, perm, out = self._plan(x.shape)
        y = x.reshape(mid).transpose(perm).reshape(out)
        return y, (x.shape, mid, perm)

    def _backward(self, cache, grad, need):
        shape, mid, perm = cache
        moved = tuple(mid[p] for p in perm)
        return (grad.reshape(moved).transpose(np.argsort(perm)).reshape(shape),)


class DepthToSpace(_Rearrange):
    def _check_sizes(self, s) -> None:
        c = s[-1] if self.data_format == "channels_last" else s[1]
        if c is not None and c % (self.block_size**2):
            raise IncompatibleShapesError(
                f"The number of channels ({c}) must be divisible by block_size**2 "
                f"({self.block_size**2}); received shape {format_shape(s)}."
            )

    def _plan(self, s):
        bs = self.block_size
        if self.data_format == "channels_last":
            b, h, w, c = s
            oc = c // (bs * bs)
            return (b, h, w, bs, bs, oc), (0, 1, 3, 2, 4, 5), (b, h * bs, w * bs, oc)
        b, c, h, w = s
        oc = c // (bs * bs)
        return (b, oc, bs, bs, h, w), (0, 1, 4, 2, 5, 3), (b, oc, h * bs, w * bs)


class SpaceToDepth(_Rearrange):
    def _check_sizes(self, s) -> None:
        hw = s[1:3] if self.data_format == "channels_last" else s[2:4]
        for name, d in zip(("Height", "Width"), hw):
            if d is not None and d % self.block_size:
                raise IncompatibleShapesError(
                    f"{name} ({d}) must be divisible by block_size ({self.block_size}); "
                    f"received shape {format_shape(s)}."
                )

    def _plan(self, s):
        bs = self.block_size
        if self.data_format == "channels_last":
            b, h, w, c = s
            return (
                (b, h // bs, bs, w // bs, bs, c),
                (0, 1, 3, 2, 4, 5),
                (b, h // bs, w // bs, bs * bs * c),
            )
        b, c, h, w = s
        return (
            (b, c, h // bs, bs, w // bs, bs),
            (0, 1, 3, 5, 2, 4),
            (b, bs * bs * c, h // bs, w // bs),
        )


class PSNR(Operation):
    """`20 log10(max_val) - 10 log10(mean((x1 - x2)**2))` over all entries."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, max_val, *, name=None):
        super().__init__(name=name)
        self.max_val = max_val

    def get_config(self):
        return {"name": self.name, "max_val": self.max_val}

    def compute_output_spec(self, x1, x2):
        if len(shape_of(x1)) != len(shape_of(x2)):
            raise ShapeError(
                f"psnr: x1 and x2 must have the same shape; received {shape_of(x1)} and "
                f"{shape_of(x2)}."
            )
        return ()

    def _forward(self, x1, x2):
        xp = _xp()
        a, b = _float(x1), _float(x2)
        if a.shape != b.shape:
            raise ShapeError(
                f"Input shapes {a.shape} and {b.shape} must match for PSNR calculation."
            )
        d = a - b
        mse = (d * d).mean()
        t = b.dtype.type
        out = t(20) * xp.log10(t(self.max_val)) - t(10) * xp.log10(mse)
        return xp.asarray(out, b.dtype), (d, mse)

    def _backward(self, cache, grad, need):
        d, mse = cache
        g = grad * (-10 / math.log(10)) / mse * 2 * d / d.size
        return g, -g


# -- keras.ops.math -----------------------------------------------------------------------------
class _Math(_Unary):
    keras_module = "keras.src.ops.math"


class Rsqrt(_Math):
    def _apply(self, x):
        with np.errstate(divide="ignore"):
            return 1 / _xp().sqrt(x)

    def _grad(self, x, out, g):
        return g * x.dtype.type(-0.5) * out**3


class Erfc(_Math):
    def _apply(self, x):
        from numkeras.activations._special import erf

        if x.dtype == np.float64 and _xp() is np:
            # (asarray: on a 0-d array the ufunc gives a Python float)
            return np.asarray(np.frompyfunc(math.erfc, 1, 1)(x), np.float64)
        return (1 - erf(x.astype(np.float64))).astype(x.dtype)

    def _grad(self, x, out, g):
        return g * x.dtype.type(-2 / math.sqrt(math.pi)) * _xp().exp(-x * x)


def erfinv(y):
    """The inverse error function: Giles's approximation, refined by Newton steps in
    float64."""
    from numkeras.activations._special import erf

    xp = _xp()
    t = y.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -xp.log((1 - t) * (1 + t))
        small = w < 5
        ws, wl = w - 2.5, xp.sqrt(w) - 3
        ps = 2.81022636e-08
        for c in (
            3.43273939e-07,
            -3.5233877e-06,
            -4.39150654e-06,
            0.00021858087,
            -0.00125372503,
            -0.00417768164,
            0.246640727,
            1.50140941,
        ):
            ps = c + ps * ws
        pl = -0.000200214257
        for c in (
            0.000100950558,
            0.00134934322,
            -0.00367342844,
            0.00573950773,
            -0.0076224613,
            0.00943887047,
            1.00167406,
            2.83297682,
        ):
            pl = c + pl * wl
        x = xp.where(small, ps, pl) * t
        for _ in range(2):
            err = erf(x) - t
            x = x - err / (2 / math.sqrt(math.pi) * xp.exp(-x * x))
        x = xp.where(t == 1, np.inf, xp.where(t == -1, -np.inf, x))
        x = xp.where(xp.abs(t) > 1, np.nan, x)
    return x


class Erfinv(_Math):
    def _apply(self, x):
        return erfinv(x).astype(x.dtype)

    def _grad(self, x, out, g):
        return g * x.dtype.type(math.sqrt(math.pi) / 2) * _xp().exp(out * out)


class _Segment(Operation):
    """A reduction of `data`'s rows by `segment_ids` into `num_segments` rows (ids out of
    range are dropped, as JAX); empty segments hold the reduction's identity."""

    keras_module = "keras.src.ops.math"

    def __init__(self, num_segments=None, sorted=False, *, name=None):  # noqa: A002
        super().__init__(name=name)
        self.num_segments = None if num_segments is None else int(num_segments)
        self.sorted = bool(sorted)

    def get_config(self):
        return {"name": self.name, "num_segments": self.num_segments, "sorted": self.sorted}

    def compute_output_spec(self, data, segment_ids):
        rows, ids = shape_of(data)[:1], shape_of(segment_ids)[:1]
        if None not in rows + ids and rows != ids:  # (as the arrays: checked now)
            raise ShapeError(
                "Argument `segment_ids` and `data` should have same leading dimension. "
                f"Got {shape_of(segment_ids)} v.s. {shape_of(data)}."
            )
        return (self.num_segments, *shape_of(data)[1:])

    def output_dtype(self, data, segment_ids) -> str:
        return value_dtype(data)

    def _forward(self, data, segment_ids):
        xp = _xp()
        x = _as_output(arr(data))
        ids = xp.asarray(arr(segment_ids))
        if ids.dtype.kind not in "iub":  # (a float id would be cut silently)
            raise ArgumentTypeError(
                f"`segment_ids` must hold integers (one segment index per row of `data`); "
                f"received dtype {ids.dtype}. Cast them first: ops.cast(ids, 'int32')."
            )
        ids = ids.astype("int64")
        if ids.shape[:1] != x.shape[:1]:
            raise ShapeError(
                "Argument `segment_ids` and `data` should have same leading dimension. "
                f"Got {tuple(ids.shape)} v.s. {tuple(x.shape)}."
            )
        n = self.num_segments if self.num_segments is not None else int(ids.max()) + 1
        valid = (ids >= 0) & (ids < n)
        out = xp.full((n, *x.shape[1:]), self._identity(x.dtype), x.dtype)
        getattr(np, self._ufunc).at(out, ids[valid], x[valid])
        return out, (x, ids, valid, out)

    def _backward(self, cache, grad, need):
        x, ids, valid, out = cache
        if not _is_float(x):
            return None, None
        xp = _xp()
        safe = xp.where(valid, ids, 0)
        gx = xp.where(valid.reshape(-1, *[1] * (x.ndim - 1)), self._grad(x, safe, out, grad), 0)
        return gx.astype(x.dtype, copy=False), None


class SegmentSum(_Segment):
    _ufunc = "add"

    def _identity(self, dtype):
        return 0

    def _grad(self, x, ids, out, grad):
        return grad[ids]


class SegmentProd(_Segment):
    _ufunc = "multiply"

    def _identity(self, dtype):
        return 1

    def _grad(self, x, ids, out, grad):
        xp = _xp()
        zero = x == 0
        # for a zero entry: the product of the others (0 unless it is its segment's only 0)
        zeros = np.zeros(out.shape, "int64")
        np.add.at(zeros, ids, zero.astype("int64"))
        nonzero_prod = np.ones(out.shape, x.dtype)
        np.multiply.at(nonzero_prod, ids, xp.where(zero, 1, x))
        at_zero = xp.where(zeros[ids] == 1, nonzero_prod[ids], 0)
        others = xp.where(zero, at_zero, out[ids] / xp.where(zero, 1, x))
        return grad[ids] * others


class SegmentMax(_Segment):
    _ufunc = "maximum"

    def _identity(self, dtype):
        return -np.inf if np.dtype(dtype).kind == "f" else np.iinfo(dtype).min

    def _grad(self, x, ids, out, grad):
        hits = (x == out[ids]).astype(grad.dtype)
        counts = np.zeros(out.shape, grad.dtype)
        np.add.at(counts, ids, hits)
        return grad[ids] * hits / _xp().where(counts[ids] == 0, 1, counts[ids])


class SegmentMin(SegmentMax):
    _ufunc = "minimum"

    def _identity(self, dtype):
        return np.inf if np.dtype(dtype).kind == "f" else np.iinfo(dtype).max


class ExtractSequences(Operation):
    """`extract_sequences(x, sequence_length, sequence_stride)`: frames of the last axis,
    `(..., num_frames, sequence_length)`; the gradient adds the frames back."""

    keras_module = "keras.src.ops.math"

    def __init__(self, sequence_length, sequence_stride, *, name=None):
        super().__init__(name=name)
        self.sequence_length = int(sequence_length)
        self.sequence_stride = int(sequence_stride)

    def get_config(self):
        return {
            "name": self.name,
            "sequence_length": self.sequence_length,
            "sequence_stride": self.sequence_stride,
        }

    def output_dtype(self, x) -> str:
        return value_dtype(x)

    def _frames(self, n):
        return None if n is None else 1 + (n - self.sequence_length) // self.sequence_stride

    def compute_output_spec(self, x):
        s = shape_of(x)
        return (*s[:-1], self._frames(s[-1]), self.sequence_length)

    def _index(self, n):
        f = self._frames(n)
        return np.arange(f)[:, None] * self.sequence_stride + np.arange(self.sequence_length)

    def _forward(self, x):
        x = _as_output(arr(x))
        idx = self._index(x.shape[-1])
        return x[..., idx], (x.shape, idx)

    def _backward(self, cache, grad, need):
        shape, idx = cache
        g = _xp().zeros(shape, grad.dtype)
        np.add.at(g, (..., idx), grad)
        return (g,)


class InTopK(Operation):
    """`in_top_k(targets, predictions, k)`: is each target's prediction among the `k`
    largest of its row (ties count as in, as JAX); a bool tensor, no gradient."""

    keras_module = "keras.src.ops.math"

    def __init__(self, k, *, name=None):
        super().__init__(name=name)
        self.k = int(k)

    def get_config(self):
        return {"name": self.name, "k": self.k}

    def compute_output_spec(self, targets, predictions):
        dtype = str(getattr(targets, "dtype", "int32"))
        if not dtype.startswith(("int", "uint")):  # (JAX: "indices must be of integer type")
            raise InputTypeError(
                f"in_top_k takes integer class ids as `targets`; received dtype {dtype}. "
                "Cast them first (ops.cast(targets, 'int32'))."
            )
        return shape_of(targets)

    def output_dtype(self, *args) -> str:
        return "bool"

    def _forward(self, targets, predictions):
        xp = _xp()
        t = xp.asarray(arr(targets))
        self.compute_output_spec(t, predictions)
        t = t.astype("int64")
        p = _as_output(arr(predictions))
        kth = -xp.sort(-p, axis=-1)[..., min(self.k, p.shape[-1]) - 1]
        value = xp.take_along_axis(p, t[..., None], axis=-1)[..., 0]
        return value >= kth, None

    def _backward(self, cache, grad, need):
        return None, None


NN_OPS = {
    cls.__name__: cls
    for cls in (
        Celu,
        HardTanh,
        HardShrink,
        SoftShrink,
        TanhShrink,
        Threshold,
        Squareplus,
        SparseSigmoid,
        Sparsemax,
        RMSNorm,
        LayerNorm,
        BatchNorm,
        Conv,
        DepthwiseConv,
        SeparableConv,
        ConvTranspose,
        AdaptiveAveragePool,
        AdaptiveMaxPool,
        Unfold,
        Fold,
        CTCLoss,
        MaxPool,
        AveragePool,
        DepthToSpace,
        SpaceToDepth,
        PSNR,
    )
}
MATH_OPS = {
    cls.__name__: cls
    for cls in (
        Rsqrt,
        Erfc,
        Erfinv,
        SegmentSum,
        SegmentProd,
        SegmentMax,
        SegmentMin,
        ExtractSequences,
        InTopK,
    )
}


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy: str = "greedy",
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
    mask_index: int = 0,
):
    """CTC decoding, as Keras's JAX backend. "greedy": per sample the best class at each
    step (repeats merged, blanks `mask_index` dropped), left-aligned and padded with -1,
    shape `(1, batch, time)`, and the scores `-sum(max over classes)`, shape `(batch, 1)`.
    "beam_search": the `top_paths` best label sequences of a prefix beam search of
    `beam_width` beams over the log-softmax of `inputs` (`(top_paths, batch, time)`, -1
    padded) and their log-probabilities (`(batch, top_paths)`). Eager only.

    >>> import numpy as np
    >>> x = np.log(np.array([[[0.1, 0.9], [0.1, 0.9], [0.9, 0.1]]], "float32"))
    >>> ctc_decode(x, np.array([3]))[0].tolist()
    [[[1, -1, -1]]]
    """
    from numkeras.ops.numpy_rest import eager_only

    eager_only("ctc_decode", inputs, sequence_lengths)
    # (Keras decodes in the inputs' dtype promoted with float32: float16 scores are float32)
    inputs = _float(inputs)
    inputs = inputs.astype(np.promote_types(inputs.dtype, "float32"), copy=False)
    if strategy == "beam_search":
        return _ctc_beam_search(inputs, sequence_lengths, beam_width, top_paths, mask_index)
    if strategy != "greedy":
        raise ValueError(
            f"Invalid strategy {strategy}. Supported values are 'greedy' and 'beam_search'."
        )
    xp = _xp()
    x = _float(inputs)
    lengths = xp.asarray(arr(sequence_lengths)).reshape(-1)
    batch, steps, classes = x.shape
    if mask_index is None:  # (Keras: the last class is the blank)
        mask_index = classes - 1
    indices = x.argmax(axis=-1)
    scores = x.max(axis=-1)
    beyond = xp.arange(steps)[None, :] >= lengths[:, None]
    indices = xp.where(beyond, mask_index, indices)
    scores = xp.where(beyond, 0, scores)
    if merge_repeated:
        repeat = xp.pad(indices[:, 1:] == indices[:, :-1], ((0, 0), (1, 0)))
        indices = xp.where(repeat, mask_index, indices)
    invalid = indices == mask_index
    indices = xp.where(invalid, -1, indices)
    order = xp.argsort(xp.where(invalid, steps, xp.arange(steps)[None, :]), axis=-1, kind="stable")
    indices = xp.take_along_axis(indices, order, axis=-1).astype("int32")
    return indices[None], (-scores.sum(axis=1))[:, None].astype(x.dtype)


def _ctc_merge(inverse, scores):
    """Log-sum-exp of `scores` per unique path (`inverse` maps each row to its path); the
    slots of no path stay -inf."""
    xp = _xp()
    top = scores.max()
    merged = xp.zeros_like(scores)
    with np.errstate(invalid="ignore"):
        np.add.at(merged, inverse, xp.exp(scores - top))
    with np.errstate(divide="ignore"):
        return xp.log(merged) + top


def _ctc_unique(paths):
    """The unique rows of `paths`, sorted, padded with -1 rows to the same count (as
    `jnp.unique(..., size=len(paths), fill_value=-1)`), and each row's index there."""
    xp = _xp()
    rows, inverse = xp.unique(paths, axis=0, return_inverse=True)
    pad = xp.full((len(paths) - len(rows), paths.shape[1]), -1, paths.dtype)
    return xp.concatenate([rows, pad]), inverse.reshape(-1)


def _ctc_beam_search(inputs, sequence_lengths, beam_width, top_paths, mask_index):
    """Keras's JAX prefix beam search (keras/src/backend/jax/nn.py), step for step, so the
    paths, their order and ties match."""
    xp = _xp()
    x = _float(inputs)
    lengths = xp.asarray(arr(sequence_lengths)).reshape(-1)
    batch, steps, classes = x.shape
    beam_width, top_paths = int(beam_width), int(top_paths)
    logp = x - x.max(axis=-1, keepdims=True)
    logp = logp - xp.log(xp.exp(logp).sum(axis=-1, keepdims=True))
    # classes reversed, so that the stable sorts break ties as TensorFlow's decoder
    logp = xp.flip(logp, axis=2)
    blank = classes - (classes - 1 if mask_index is None else int(mask_index)) - 1
    n = 2 * beam_width
    cls = xp.arange(classes)
    cls[blank] = -1
    cls = xp.tile(cls, n)
    rows = xp.arange(n * classes)
    all_paths, all_scores = [], []
    for b in range(batch):
        lp = logp[b]
        first = min(classes, beam_width)
        best = xp.argsort(lp[0], kind="stable")[-first:]
        paths = xp.full((n, steps), -1, "int32")
        paths[:first, 0] = xp.where(best == blank, -1, best)
        scores = xp.full((n,), -np.inf, lp.dtype)
        scores[:first] = lp[0][best]
        masked = paths[:, 0] == -1
        for t in range(1, steps):
            if t >= lengths[b]:
                continue
            # extend every beam by every class
            ext = xp.repeat(paths, classes, axis=0)
            sc = xp.repeat(scores, classes) + xp.tile(lp[t], n)
            prev_masked = xp.repeat(masked, classes)
            tail_at = xp.argmax(ext == -1, axis=1)
            tails = xp.where(tail_at == 0, -1, ext[rows, tail_at - 1])
            new_masked = cls == -1
            put = xp.where(~prev_masked & (tails == cls), -1, cls)
            ext[rows, tail_at] = put
            # merge equal paths, keep the best `beam_width`
            uniq, inverse = _ctc_unique(ext)
            emit = _ctc_merge(inverse, xp.where(new_masked, -np.inf, sc))
            mask = _ctc_merge(inverse, xp.where(new_masked, sc, -np.inf))
            total = xp.logaddexp(emit, mask)
            keep = xp.argsort(total, kind="stable")[-beam_width:]
            paths = xp.tile(uniq[keep], (2, 1))
            scores = xp.concatenate([emit[keep], mask[keep]])
            masked = xp.concatenate([xp.zeros(beam_width, bool), xp.ones(beam_width, bool)])
        uniq, inverse = _ctc_unique(paths)
        merged = _ctc_merge(inverse, scores)
        best = xp.argsort(merged, kind="stable")[-top_paths:][::-1]
        all_paths.append(uniq[best])
        all_scores.append(merged[best])
    paths = xp.stack(all_paths)
    paths = xp.where(paths == -1, -1, classes - paths - 1).astype("int32")
    scores = xp.stack(all_scores).astype(x.dtype)
    return xp.transpose(paths, (1, 0, 2)), scores
