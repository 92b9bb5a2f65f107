"""Second-order gradients: a `tape.gradient` with respect to arrays, taken while another
tape records, is itself recorded there, so the outer tape can differentiate it (WGAN-GP's
gradient penalty: the norm of a critic's gradient with respect to its inputs, minimised
over the critic's weights).

numkeras differentiates with each layer's hand-written backward pass, so this runs the
inner gradient's own derivative by hand too. The inner gradient is `g = J_1^T ... J_k^T
seed` (each recorded layer's Jacobian `J_i` at its input). For an outer cotangent `u` on
`g`, the derivative of `<u, g>`:

- with respect to layer i's weights is `grad_w <t_i, J_i(w)^T g_i>`, where `t_i = J_{i-1}
  ... J_1 u` (the tangent `u` carried forward, as forward mode would) and `g_i` the
  inner pass's cotangent at the layer's output; for a layer linear in its input (Dense,
  a convolution, before the activation) that is the weight gradient of the layer applied
  to `t_i`, with `g_i` as its output gradient;
- through the values a Jacobian reads (an activation's `f'(z)`), a cotangent `t * g *
  f''(z)` on them (zero for relu, leaky relu, dropout and every linear step), carried
  back by the ordinary backward passes to the weights before and to the inputs.

So each supported call gives its tangent `J t` and these two terms: Dense and the
convolutions (with an elementwise activation whose second derivative is known), the
elementwise activation layers (PReLU too) and dropouts, softmax layers, LayerNormalization
(WGAN-GP's choice in a critic), BatchNormalization (batch or moving statistics) and
UnitNormalization, max pooling (local and global: piecewise linear, J t routed as the
forward pass routed the maxima), the layers that only move values linearly (Flatten,
Reshape, padding, cropping, average pooling, Add, Concatenate, ...), and a `Sequential`
or functional model of them (`_step_rule`); and the
`numkeras.ops` calls a subclassed model's `call` makes that are affine in the input
(sums, reshapes, slicing, ...), multilinear (a product, matmul or einsum of the input
and a weight, or of two values that both depend on the input, as self-attention's
`q k^T`), a division, a constant power, `softmax`, or an elementwise function whose
second derivative is known (the activations, square, sqrt, exp, log, sin, ...;
`_op_rule`). Any other call on the tangent's path (a loss, a recurrent or attention
layer, `maximum`) leaves the gradient as before: usable, and refused with a
`TapeError` if the outer tape differentiates it.

>>> import numpy as np
>>> from numkeras import layers, models, ops
>>> from numkeras.autodiff import GradientTape
>>> critic = models.Sequential([layers.Input((2,)), layers.Dense(3, activation="tanh"),
...                             layers.Dense(1)])
>>> x = np.array([[0.5, -1.0]], "float32")
>>> with GradientTape() as outer:
...     with GradientTape() as inner:
...         x = inner.watch(x)
...         score = critic(x)
...     g = inner.gradient(score, x)
...     penalty = ops.sum(g * g)
>>> grads = outer.gradient(penalty, critic.trainable_weights)
>>> [None if g is None else g.shape for g in grads]  # (the last bias: no part in g)
[(2, 3), (3,), (3, 1), None]
"""

from __future__ import annotations

import functools

import numpy as np

from numkeras import activations
from numkeras.autodiff.recorder import Node, TapeError, gradients_off, new_id
from numkeras.backend import sum_to_shape


class Unsupported(Exception):
    """A recorded step this module cannot differentiate twice (the message says which)."""


# -- activations: f'(z) and f''(z) -------------------------------------------------------
_PIECEWISE_LINEAR = {"linear", "relu", "leaky_relu", "relu6", "hard_sigmoid", "hard_tanh", "abs"}


def _sigmoid(z):
    return 0.5 * (np.tanh(0.5 * z) + 1)


def _elu_curvature(z, alpha):
    """f''(z) of `alpha * (exp(z) - 1)` below 0, x above (ELU; SELU scaled)."""
    return np.where(z > 0, 0, alpha * np.exp(np.minimum(z, 0))).astype(z.dtype)


def _second_derivative(name: str, z, y):
    """f''(z) of the activation `name` (None: zero everywhere it is defined); `y` = f(z).
    Where a fused kernel left `z` holding `y` (Dense's relu and tanh), only `y` is read."""
    if name in _PIECEWISE_LINEAR:
        return None
    if name == "tanh":
        return -2 * y * (1 - y * y)
    if name == "sigmoid":
        return y * (1 - y) * (1 - 2 * y)
    if name == "softplus":
        s = _sigmoid(z)
        return s * (1 - s)
    if name in ("silu", "swish"):
        s = _sigmoid(z)
        return s * (1 - s) * (2 + z * (1 - 2 * s))
    if name == "elu":
        return _elu_curvature(z, 1.0)
    if name == "selu":
        return _elu_curvature(z, 1.6732632423543772 * 1.0507009873554805)
    if name in ("exponential", "expm1"):
        return y if name == "exponential" else y + 1
    if name == "square":
        return np.full_like(z, 2)
    if name == "sqrt":
        return -0.25 / (y * y * y)
    if name == "rsqrt":
        return 0.75 * y**5
    if name == "reciprocal":
        return 2 * y**3
    if name == "log":
        return -1 / (z * z)
    if name == "log1p":
        return -1 / ((1 + z) * (1 + z))
    if name in ("sin", "cos"):
        return -y
    if name == "softsign":
        return -2 * np.sign(z) / (1 + np.abs(z)) ** 3
    if name == "log_sigmoid":
        s = _sigmoid(z)
        return -s * (1 - s)
    if name == "gelu":
        pdf = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
        return (pdf * (2 - z * z)).astype(z.dtype)
    if name == "gelu_approximate":  # 0.5 z (1 + tanh(u)), u = c (z + 0.044715 z^3)
        c = np.sqrt(2 / np.pi)
        u = c * (z + 0.044715 * z**3)
        du, d2u = c * (1 + 3 * 0.044715 * z * z), c * 6 * 0.044715 * z
        th = np.tanh(u)
        return ((1 - th * th) * (du + 0.5 * z * (d2u - 2 * th * du * du))).astype(z.dtype)
    raise Unsupported(f"the activation {name!r} (its second derivative is not implemented)")


_NOT_ELEMENTWISE = ("softmax", "log_softmax", "sparsemax", "glu")


@functools.cache
def _check_activation_name(name: str) -> None:
    if name in _NOT_ELEMENTWISE:
        raise Unsupported(f"the activation {name!r} (not elementwise)")
    z = np.ones(1, "float32")
    _second_derivative(name, z, z)  # (raises where f'' is not implemented)


def _checked_activation(fn) -> str:
    """The name of `fn`, an elementwise activation with a known f'' (else Unsupported)."""
    name = activations.serialize(fn)
    _check_activation_name(name if isinstance(name, str) else repr(fn))
    return name


def _slopes(fn, z, y):
    """f'(z), elementwise, and f''(z) (None: zero), for an activation `_checked_activation`
    takes."""
    first = fn.grad(z, y, np.ones(np.shape(y), y.dtype))
    return first, _second_derivative(activations.serialize(fn), z, y)


# -- one layer: its tangent and the two terms of the second derivative --------------------
@functools.cache
def _linear_weightless() -> tuple:
    """The layer classes without weights that are linear in their inputs: J t = call(t)."""
    from numkeras import layers as L

    names = (
        "Flatten Reshape Permute RepeatVector Identity ZeroPadding1D ZeroPadding2D "
        "ZeroPadding3D Cropping1D Cropping2D Cropping3D AveragePooling1D AveragePooling2D "
        "AveragePooling3D GlobalAveragePooling1D GlobalAveragePooling2D "
        "GlobalAveragePooling3D UpSampling1D Add Subtract Average Concatenate"
    ).split()
    return tuple(getattr(L, n) for n in names if hasattr(L, n))


def _step_rule(layer, cache, t, g):
    """`(J t, s)` for one layer call: its tangent and the cotangent `s` on its inputs from
    the second derivative (None: zero); the weight terms are added to the weights'
    gradients (`add_grad`). `t` and `g`: arrays (lists for several inputs)."""
    return _layer_rule(layer)(layer, cache, t, g)


def _layer_rule(layer):
    """The rule of `_step_rule` for `layer`'s calls; Unsupported where there is none."""
    from numkeras import layers as L
    from numkeras.layers.base_conv import BaseConv
    from numkeras.layers.base_global_pooling import BaseGlobalPooling
    from numkeras.layers.base_pooling import BasePooling
    from numkeras.models.model import Model

    kind = type(layer)
    if isinstance(layer, Model):
        return _model_rule
    if getattr(layer, "_mixed", False):
        raise Unsupported(f"layer '{layer.name}' under mixed precision")
    if kind in _linear_weightless():
        return _linear_rule
    if isinstance(layer, L.Dense) and kind.backward is L.Dense.backward:
        if layer.lora_enabled or layer.quantization_mode is not None:
            raise Unsupported(f"layer '{layer.name}' (LoRA or quantized Dense)")
        _checked_activation(layer.activation)
        return _dense_rule
    if isinstance(layer, BaseConv) and _plain_conv(layer):
        _checked_activation(layer.activation)
        return _conv_rule
    if isinstance(layer, (L.Dropout, L.SpatialDropout1D, L.SpatialDropout2D, L.LeakyReLU, L.ReLU)):
        return _diagonal_rule
    if kind is L.Activation:
        if activations.serialize(layer.activation) == "softmax":
            return _softmax_layer_rule
        _checked_activation(layer.activation)
        return _activation_rule
    if _own_passes(layer, L.Softmax):
        return _softmax_layer_rule
    if _own_passes(layer, L.UnitNormalization):
        return _unit_norm_rule
    if kind is L.LayerNormalization:
        if layer.rms_scaling:
            raise Unsupported(f"layer '{layer.name}' (LayerNormalization with rms_scaling)")
        return _layer_norm_rule
    if kind is L.ELU:
        return _elu_rule
    if _own_passes(layer, L.PReLU):
        return _prelu_rule
    if _own_passes(layer, L.BatchNormalization):
        return _batch_norm_rule
    if _own_passes(layer, BasePooling) and layer.pool_mode == "max":
        return _max_pool_rule
    if _own_passes(layer, BaseGlobalPooling) and layer.pool_mode == "max":
        return _global_max_pool_rule
    raise Unsupported(f"layer '{layer.name}' ({kind.__name__})")


def _own_passes(layer, base) -> bool:
    """Whether `layer` is a `base` running `base`'s own forward and backward passes (the
    caches a rule reads), not a subclass's."""
    kind = type(layer)
    return (
        isinstance(layer, base) and kind.forward is base.forward and kind.backward is base.backward
    )


def _linear_rule(layer, cache, t, g):
    from numkeras import layers as L

    if isinstance(t, list) and any(x is None for x in t):  # (zero tangents for the others)
        if isinstance(layer, L.Concatenate):  # (the cache: each input's size on the axis)
            g = np.asarray(g)
            axis = layer.axis % g.ndim
            shapes = [g.shape[:axis] + (n,) + g.shape[axis + 1 :] for n in cache]
            t = [np.zeros(shape, g.dtype) if x is None else x for x, shape in zip(t, shapes)]
        elif isinstance(layer, (L.Add, L.Subtract, L.Average)):
            t = [np.zeros_like(g) if x is None else x for x in t]
        else:
            raise Unsupported(f"layer '{layer.name}' with only some inputs differentiated")
    return layer.call(t), None


def _diagonal_rule(layer, cache, t, g):
    # elementwise: J is diagonal (J t = J^T t, its backward pass at t); piecewise linear
    # (f'' zero) for the layers it is the rule of
    return layer.backward(cache, np.array(t), need_input_grad=True), None


def _activation_rule(layer, cache, t, g):
    x, y = cache
    first, second = _slopes(layer.activation, x, y)
    return t * first, (None if second is None else t * g * second)


def _softmax_layer_rule(layer, cache, t, g):
    x, y = cache
    axis = getattr(layer, "_axes", -1)  # (Softmax: its axes; Activation("softmax"): the last)
    jt, (s,) = _softmax_terms(y, np.asarray(t, y.dtype), np.asarray(g, y.dtype), axis)
    return jt, s


def _unit_norm_rule(layer, cache, t, g):
    """UnitNormalization: `y = x r`, `r = 1 / |x|` (clamped for a near-zero x, where r is a
    constant): J t = r t - r^3 x <x, t>, and the derivative of <g, J t>."""
    from numkeras.layers.unit_normalization import _EPSILON

    x, r = cache
    t, g = np.asarray(t, x.dtype), np.asarray(g, x.dtype)
    axes = layer._axes(x.shape)
    free = r < x.dtype.type(1.0 / _EPSILON)  # (as the backward pass tells them)

    def dot(a, b):
        return (a * b).sum(axis=axes, keepdims=True)

    r3 = np.where(free, r**3, 0).astype(x.dtype)
    xt, xg = dot(x, t), dot(x, g)
    jt = r * t - r3 * x * xt
    s = -r3 * (dot(g, t) * x + g * xt + t * xg) + 3 * r3 * r * r * xg * xt * x
    return jt, s


def _prelu_rule(layer, cache, t, g):
    """PReLU: J t = t where x > 0, alpha t where x < 0; piecewise linear in x, and alpha's
    term <g, t> where x < 0 (summed where alpha is shared)."""
    x = cache
    t, g = np.asarray(t, x.dtype), np.asarray(g, x.dtype)
    alpha = layer.alpha
    with gradients_off([alpha]):  # (its backward pass, for J t only)
        jt = _diagonal_rule(layer, cache, t, g)[0]
    if alpha.wants_grad:
        term = np.where(x < 0, g * t, 0).sum(axis=layer._sum_axes, keepdims=True)
        alpha.add_grad(term.reshape(alpha.shape))
    return jt, None


def _elu_rule(layer, cache, t, g):
    x, _ = cache
    second = _elu_curvature(x, x.dtype.type(layer.alpha))
    return _diagonal_rule(layer, cache, t, g)[0], t * g * second


def _normalized(x, mean, rstd, axes, t, u):
    """`(J t, s)` for `x^ = (x - mean) * rstd`, the statistics taken over `axes` (layer
    and batch normalization alike): the tangent of x^, and the cotangent on x of the
    second derivative for `u`, the inner pass's cotangent on x^ (J is symmetric)."""
    xhat = (x - mean) * rstd
    n = x.dtype.type(x.size // mean.size)

    def avg(v):
        return v.mean(axis=axes, keepdims=True)

    t_mean, c = avg(t), avg(t * xhat)
    t_hat = rstd * (t - t_mean - xhat * c)
    # d/dx <J(x) t, u>: through sd (d sd / dx = x^ / n) and through x^ inside J
    a_u = (u * (t - t_mean)).sum(axis=axes, keepdims=True)
    b_u = (u * xhat).sum(axis=axes, keepdims=True)
    r2 = rstd * rstd
    s = (
        -xhat * r2 / n * (a_u - c * b_u)
        - r2 * b_u / n * (t - t_mean - xhat * c)
        - c * r2 * (u - avg(u) - xhat * avg(u * xhat))
    )
    return t_hat, s


def _layer_norm_rule(layer, cache, t, g):
    """LayerNormalization: `x^ = (x - mean) / sd` over its axes, `y = gamma x^ + beta`."""
    from numkeras.layers.layer_normalization import weight_gradient

    (x, mean, rstd, gamma, axes, bshape), in_dtype = cache
    t, g = np.asarray(t, x.dtype), np.asarray(g, x.dtype)
    u = g * gamma if gamma is not None else g
    t_hat, s = _normalized(x, mean, rstd, axes, t, u)
    if layer.gamma is not None:
        layer.gamma.add_grad(weight_gradient(layer.gamma, g * t_hat, axes, bshape))
    t_out = t_hat * gamma if gamma is not None else t_hat
    return t_out.astype(in_dtype, copy=False), s.astype(in_dtype, copy=False)


def _batch_norm_rule(layer, cache, t, g):
    """BatchNormalization: as LayerNormalization over the batch (and spatial) axes with
    batch statistics; with the moving ones (inference, or a frozen layer) a per-channel
    scale, linear in x, whose only term is gamma's."""
    if len(cache) != 4:
        raise Unsupported(f"layer '{layer.name}' (BatchNormalization with a mask)")
    x, mean, rstd, batch_stats = cache
    t, g = np.asarray(t, x.dtype), np.asarray(g, x.dtype)
    axes = layer._reduce
    gamma = None if layer.gamma is None else layer.gamma.value.reshape(layer._shape)
    u = g * gamma if gamma is not None else g
    if batch_stats:
        t_hat, s = _normalized(x, mean, rstd, axes, t, u)
    else:
        t_hat, s = t * rstd, None
    if layer.gamma is not None and layer.gamma.wants_grad:
        layer.gamma.add_grad((g * t_hat).sum(axis=axes))
    return (t_hat * gamma if gamma is not None else t_hat), s


def _max_pool_rule(layer, cache, t, g):
    """Max pooling: J t takes each window's tangent where the forward pass took the
    maximum (the first one, as the backward pass); piecewise linear, so no f'' term."""
    from numkeras.layers import conv_utils as cu

    index, (_, pads, _, outs) = cache
    tl = cu.pad(cu.to_last(np.asarray(t), layer.data_format), pads, 0)
    offsets = cu.window_slices(layer.pool_size, (1,) * layer.rank, layer.strides, outs)
    out = np.zeros(index.shape, tl.dtype)
    for k, view in enumerate(offsets):
        np.copyto(out, tl[view], where=index == k)
    return cu.from_last(out, layer.data_format), None


def _global_max_pool_rule(layer, cache, t, g):
    """Global max pooling: J t is the mean of the tangent over each maximum's ties (where
    the backward pass shares the gradient); piecewise linear."""
    x, y = cache
    hit, counts = layer.maxima(x, y, x.dtype)
    jt = np.where(hit, np.asarray(t, x.dtype), 0).sum(axis=layer._axes(), keepdims=True) / counts
    return (jt if layer.keepdims else jt.reshape(y.shape)), None


def _plain_conv(layer) -> bool:
    from numkeras.layers.base_conv import BaseConv

    kind = type(layer)
    return (
        kind._forward is BaseConv._forward
        and kind.backward is BaseConv.backward
        and kind.forward is BaseConv.forward
        and not layer.lora_enabled
    )


def _dense_rule(layer, cache, t, g):
    x, z, y, _ = cache
    kernel = layer._kernel
    w = kernel.value
    rows = t.reshape(-1, t.shape[-1])
    zt = (rows @ w).reshape(*t.shape[:-1], layer.units)
    g = np.asarray(g)
    if z is None:  # linear
        first = second = None
        gz = g
    else:
        first, second = _slopes(layer.activation, z, y)
        gz = g * first
    kernel.add_matmul_grad(rows.T, gz.reshape(-1, layer.units))
    t_out = zt if first is None else zt * first
    if second is None:
        return t_out, None
    sz = (zt * g * second).reshape(-1, layer.units)
    kernel.add_matmul_grad(x.reshape(-1, x.shape[-1]).T, sz)
    if layer.bias is not None:
        layer.bias.add_sum_grad(sz)
    return t_out, (sz @ w.T).reshape(x.shape)


def _conv_rule(layer, cache, t, g):
    from numkeras.layers import conv_utils as cu
    from numkeras.layers.base_conv import conv_backward

    conv_cache, z, y = cache
    zt, t_cache = layer._forward(np.asarray(t), add_bias=False)  # (channels last)
    gl = cu.to_last(np.asarray(g), layer.data_format)
    first, second = _slopes(layer.activation, z, y)
    kernel = layer._kernel
    if kernel.wants_grad:
        dw, _ = conv_backward(t_cache, gl * first, True, False)
        kernel.add_grad(dw.reshape(kernel.shape))
    t_out = cu.from_last(zt * first, layer.data_format)
    if second is None:
        return t_out, None
    sz = zt * gl * second
    if layer.bias is not None and layer.bias.wants_grad:
        layer.bias.add_sum_grad(sz.reshape(-1, sz.shape[-1]))
    dw, dx = conv_backward(conv_cache, sz, kernel.wants_grad, True)
    if dw is not None:
        kernel.add_grad(dw.reshape(kernel.shape))
    return t_out, cu.from_last(dx, layer.data_format)


# -- numkeras.ops calls: those affine or multilinear in their recorded arguments, and
# the elementwise functions and softmax -------------------------------------------------
# (affine in all recorded arguments at once: J t = f(t) - f(0))
_AFFINE_OPS = frozenset(
    "Add Subtract Negative Sum Mean Reshape Transpose ExpandDims Squeeze Concatenate Stack "
    "GetItem Tile Pad BroadcastTo Swapaxes Moveaxis Cast OnesLike ZerosLike FullLike".split()
)
# (linear in each argument for the others fixed)
_MULTILINEAR_OPS = frozenset({"Multiply", "Matmul", "Dot", "Einsum"})
_ELEMENTWISE_OPS = {
    "Tanh": "tanh",
    "Sigmoid": "sigmoid",
    "Relu": "relu",
    "LeakyRelu": "leaky_relu",
    "Softplus": "softplus",
    "Silu": "silu",
    "Selu": "selu",
    "Softsign": "softsign",
    "LogSigmoid": "log_sigmoid",
    "Relu6": "relu6",
    "HardSigmoid": "hard_sigmoid",
    "HardTanh": "hard_tanh",
    "Absolute": "abs",
    "Square": "square",
    "Sqrt": "sqrt",
    "Rsqrt": "rsqrt",
    "Reciprocal": "reciprocal",
    "Exp": "exponential",
    "Expm1": "expm1",
    "Log": "log",
    "Log1p": "log1p",
    "Sin": "sin",
    "Cos": "cos",
}


def _op_activation(op) -> str | None:
    kind = type(op).__name__
    if kind == "Gelu":
        return "gelu_approximate" if op.approximate else "gelu"
    if kind == "Elu" and float(getattr(op, "alpha", 1.0)) == 1.0:
        return "elu"
    return _ELEMENTWISE_OPS.get(kind)


def _check_op(call) -> None:
    """Raise Unsupported unless `_op_rule` takes this op call (a tangent in any of its
    recorded arguments)."""
    kind = type(call.op).__name__
    if kind in _AFFINE_OPS:
        if kind == "Cast" and np.dtype(call.op.dtype).kind != "f":
            raise Unsupported("a cast to a non-float dtype")
        return
    if kind in _MULTILINEAR_OPS or kind in ("Divide", "TrueDivide"):
        return
    if kind == "Power":  # (x ** p, p a constant)
        if [p[0] for p in call.positions] != [0]:
            raise Unsupported("ops.power with a recorded exponent")
        return
    if kind == "Softmax" and len(call.positions) == 1:
        return
    if _op_activation(call.op) is not None and len(call.positions) == 1:
        return
    raise Unsupported(f"ops.{kind.lower()}")


def _put(args, path, value):
    """`args` (nested tuples and lists) with the item at `path` replaced by `value`."""
    items = list(args)
    items[path[0]] = value if len(path) == 1 else _put(items[path[0]], path[1:], value)
    return tuple(items) if isinstance(args, tuple) else items


def _at(args, path):
    for i in path:
        args = args[i]
    return args


def _run_op(op, args):
    out, cache = op._forward(*args)
    return op._arrays(out), cache


def _op_rule(call, t, g):
    """`(J t, s)` for one op call, as `_step_rule` (`t`: one tangent per recorded leaf, None
    where none; `s`: one cotangent per leaf, the terms for the leaves without a tangent)."""
    op, args, positions = call.op, call.args, call.positions
    kind = type(op).__name__
    _check_op(call)
    leaves = [np.asarray(_at(args, p)) for p in positions]
    if kind in _AFFINE_OPS:
        with_t, with_0 = args, args
        for p, leaf, x in zip(positions, leaves, t):
            zero = np.zeros_like(leaf)
            with_t = _put(with_t, p, zero if x is None else np.asarray(x, leaf.dtype))
            with_0 = _put(with_0, p, zero)
        return _run_op(op, with_t)[0] - _run_op(op, with_0)[0], [None] * len(t)
    if kind in _MULTILINEAR_OPS:
        # J t = sum over the arguments with a tangent of f(..., t_c, ...); each one's run
        # gives every other leaf its term, grad_y <f(..., t_c, ..., y, ...), g> (a weight's,
        # or another tangent-carrying argument's: d(a * b) gives g * t_b to a)
        t_out, s = None, [None] * len(t)
        for c in (i for i, x in enumerate(t) if x is not None):
            with_t = _put(args, positions[c], np.asarray(t[c], leaves[c].dtype))
            t_c, cache = _run_op(op, with_t)
            t_out = _add(t_out, t_c)
            wanted = [False] * len(args)
            for i, p in enumerate(positions):
                wanted[p[0]] = wanted[p[0]] or i != c
            if any(wanted):
                grads = op._backward(cache, np.asarray(g), tuple(wanted))
                for i, p in enumerate(positions):
                    if i != c:
                        s[i] = _add(s[i], _at(grads, p))
        return t_out, s
    if kind in ("Divide", "TrueDivide"):
        return _divide_terms(call, t, g)
    x = leaves[0]
    y, cache = _run_op(op, args)
    if kind == "Softmax":
        return _softmax_terms(y, np.asarray(t[0], x.dtype), np.asarray(g, x.dtype), op.axis)
    # an elementwise function: J t = f'(x) t, and t g f''(x)
    first = op._backward(cache, np.asarray(t[0], x.dtype), (True,) + (False,) * (len(args) - 1))
    if kind == "Power":
        p = np.asarray(_at(args, (1,)), x.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):  # (p in {0, 1}: zero)
            second = np.where(p * (p - 1) == 0, 0, p * (p - 1) * x ** (p - 2))
    else:
        second = _second_derivative(_op_activation(op), x, y)
    s = None if second is None else (t[0] * g * second).astype(x.dtype, copy=False)
    return first[0], [s] + [None] * (len(t) - 1)


def _divide_terms(call, t, g):
    """`(J t, s)` for `a / b`: J t = t_a / b - a t_b / b^2, and the derivatives of
    <g, J t>: -g t_b / b^2 for a, (2 a t_b / b - t_a) g / b^2 for b (each summed back to
    its argument's shape)."""
    # (a Python number stays one: weak, it keeps the arrays' float32)
    a, b = (_at(call.args, (i,)) for i in (0, 1))
    a, b = (v if isinstance(v, (int, float)) else np.asarray(v) for v in (a, b))
    dtype = np.asarray(_at(call.args, call.positions[0])).dtype
    tangent = dict(zip((p[0] for p in call.positions), t))
    t_a, t_b = tangent.get(0), tangent.get(1)
    g = np.asarray(g)
    b2 = b * b
    jt = None if t_a is None else t_a / b
    if t_b is not None:
        jt = _add(jt, -a * t_b / b2)
    s_a = None if t_b is None else -g * t_b / b2
    s_b = (2 * a * t_b / b if t_b is not None else 0) - (t_a if t_a is not None else 0)
    s_b = g * s_b / b2
    terms = {0: s_a, 1: s_b}
    s = []
    for p in call.positions:
        term = terms[p[0]]
        if term is not None:
            term = sum_to_shape(np.asarray(term, dtype), np.shape(_at(call.args, p)))
        s.append(term)
    return jt.astype(dtype, copy=False), s


def _softmax_terms(y, t, g, axis):
    """`(J t, s)` for `y = softmax(x)` along `axis`: J t = y (t - <y, t>) (J symmetric), and
    s = d/dx <g, J t> = J (g t) - <y, t> J g - <y, g> J t."""

    def dot(a, b):
        return (a * b).sum(axis=axis, keepdims=True)

    def jac(v):
        return activations.softmax.grad(None, y, v, axis=axis)

    jt = jac(t)
    return jt, [jac(g * t) - dot(y, t) * jac(g) - dot(y, g) * jt]


# -- a model: the same, step by step over its graph --------------------------------------
def _add(a, b):
    return b if a is None else (a if b is None else a + b)


def _check_model(model, caches) -> None:
    from numkeras.models.model import _ActivityCache

    if model._loss_slots or any(isinstance(c, _ActivityCache) for c in caches):
        raise Unsupported(f"model '{model.name}' with added losses or activity penalties")
    for step in model._steps:
        if step.multi_out or step.half:
            raise Unsupported(f"layer '{step.layer.name}' (several outputs or mixed precision)")


def _back_through(model, caches, cotangents: list, seen: list | None = None) -> None:
    """Carry `cotangents` (one per value slot of `model`, None: zero) back through its
    steps' backward passes, in place; `seen` gets each step's output cotangent. (The
    model's own `_backward` seeds only its outputs; `_check_model` has ruled out the
    steps it treats specially.)"""
    for i in range(len(model._steps) - 1, -1, -1):
        step = model._steps[i]
        go = cotangents[step.out_slots[0]]
        if go is None:
            continue
        if seen is not None:
            seen[i] = go
        gin = step.layer.backward(caches[i], np.array(go), need_input_grad=True)
        for s, gi in zip(step.in_slots, gin if step.multi_in else [gin]):
            cotangents[s] = _add(cotangents[s], gi)


def _model_rule(model, caches, t, g):
    _check_model(model, caches)
    steps = model._steps
    t_ins = t if isinstance(t, list) else [t]
    g_outs = g if isinstance(g, list) else [g]
    # the inner (first-order) pass again, for each step's output cotangent
    grads = [None] * model._n_slots
    for s, go in zip(model._output_slots, g_outs):
        grads[s] = _add(grads[s], None if go is None else np.asarray(go))
    step_g = [None] * len(steps)
    with gradients_off(model.weights):
        _back_through(model, caches, grads, step_g)
    # the tangent forward, each step's terms of the second derivative on the way
    tangents = [None] * model._n_slots
    back = [None] * model._n_slots  # the curvature cotangents on the forward values
    for s, ti in zip(model._input_slots, t_ins):
        tangents[s] = ti
    for i, step in enumerate(steps):
        tin = [tangents[s] for s in step.in_slots]
        if step_g[i] is None or all(x is None for x in tin):
            continue
        t_out, s_in = _step_rule(step.layer, caches[i], tin if step.multi_in else tin[0], step_g[i])
        tangents[step.out_slots[0]] = t_out
        if s_in is not None:
            for s, si in zip(step.in_slots, s_in if step.multi_in else [s_in]):
                back[s] = _add(back[s], si)
    _back_through(model, caches, back)  # the curvature terms, to the weights and inputs
    t_outs = [tangents[s] for s in model._output_slots]
    s_ins = [back[s] for s in model._input_slots]
    single_in = not isinstance(t, list)
    return (t_outs[0] if len(t_outs) == 1 else t_outs), (s_ins[0] if single_in else s_ins)


# -- the recorded gradient ---------------------------------------------------------------
def record(nodes: list, grads: dict, src_keys: list, results: list, outer_tapes) -> bool:
    """Record on `outer_tapes` the inner gradient `results` (one per source, arrays or
    None) as one node, differentiable with respect to its sources and to the weights the
    recorded computation read. `nodes`: the inner tape's record, `grads`: the inner pass's
    cotangents. Returns False (nothing recorded) where a call on the tangent's path has no
    second-order rule."""
    from numkeras.autodiff.recorder import OpCall

    carrying = {k for k in src_keys if k is not None}
    path = []  # the calls the tangent goes through, with which inputs carry it
    for node in nodes:
        marks = [k in carrying for k in node.inputs]
        if not any(marks):
            continue
        try:
            if node.call is None:
                raise Unsupported(f"the recorded call {node.name}")
            if isinstance(node.call, OpCall):
                _check_op(node.call)
            else:
                _supported(node.call.layer, node.call.cache, marks)
        except Unsupported:
            return False
        path.append(node)
        carrying.update(k for k in node.outputs if k is not None)
    # the weights: a layer's (given gradients with `add_grad`) and an op's variable
    # arguments (inputs of this node, given their gradients as values)
    variables, seen = [], set()
    var_keys, var_metas = [], []
    for node in nodes:
        for v in node.variables:
            if id(v) not in seen:
                seen.add(id(v))
                variables.append(v)
        if isinstance(node.call, OpCall):
            for k, meta in zip(node.inputs, node.in_meta):
                if isinstance(k, tuple) and k not in var_keys:  # (a variable's key)
                    var_keys.append(k)
                    var_metas.append(meta)
    inputs = [*src_keys, *var_keys]
    metas = [(tuple(np.shape(r)), getattr(r, "dtype", None)) for r in results] + var_metas
    outputs = [None if r is None else r._tid for r in results]

    def backward(gouts, need):
        tangent = {}
        for k, u in zip(src_keys, gouts):
            if k is not None and u is not None:
                tangent[k] = _add(tangent.get(k), np.asarray(u))
        back: dict = {}
        for node in path:  # forward order: the tangent, and the second-order terms
            call = node.call
            tin = [tangent.get(k) for k in node.inputs]
            if all(x is None for x in tin):
                continue
            try:
                if isinstance(call, OpCall):
                    gout = grads.get(node.outputs[0])
                    if gout is None:
                        continue
                    t_outs, s_ins = _op_rule(call, tin, gout)
                    t_outs = [t_outs]
                else:
                    gout = [grads.get(k) for k in node.outputs[: call.n_outputs]]
                    if all(x is None for x in gout):
                        continue
                    t_arg = tin if call.multi_in else tin[0]
                    g_arg = gout if call.multi_out else gout[0]
                    t_out, s_in = _step_rule(call.layer, call.cache, t_arg, g_arg)
                    t_outs = t_out if call.multi_out else [t_out]
                    s_ins = s_in if call.multi_in else [s_in]
            except Unsupported as e:  # (checked when recorded: a change since)
                raise TapeError(f"Second-order gradients cannot go through {e}.") from None
            for k, to in zip(node.outputs, t_outs):
                if k is not None:
                    tangent[k] = _add(tangent.get(k), to)
            for k, si in zip(node.inputs, s_ins or ()):
                if k is not None and si is not None:
                    back[k] = _add(back.get(k), si)
        for node in reversed(nodes):  # those terms back to the weights and the inputs
            go = [back.get(k) for k in node.outputs]
            if all(x is None for x in go):
                continue
            gins = node.backward(go, [True] * len(node.inputs))
            for k, gi in zip(node.inputs, gins):
                if k is not None and gi is not None:
                    back[k] = _add(back.get(k), gi)
        return [back.get(k) for k in inputs]

    node = Node("gradient", inputs, metas, outputs, backward, variables)
    for tape in outer_tapes:
        tape._record(node)
    return True


def _supported(layer, cache, carrying: list | None = None) -> None:
    """Raise Unsupported where `_step_rule` would (checked when the gradient is taken, so
    an unsupported path keeps the first-order answer and fails only if differentiated).
    In a model only the steps the tangent reaches count (`carrying`: which of its inputs
    carry it, None: all): a conditional critic's label branch needs no rule."""
    if _layer_rule(layer) is _model_rule:
        _check_model(layer, cache)
        slots = layer._input_slots
        reach = {s for s, c in zip(slots, carrying or [True] * len(slots)) if c}
        for step, c in zip(layer._steps, cache):
            marks = [s in reach for s in step.in_slots]
            if any(marks):
                _supported(step.layer, c, marks)
                reach.update(step.out_slots)


def result_tensors(results: list) -> list:
    """The gradient results as new recorded tensors (ids the outer node's outputs)."""
    from numkeras.autodiff.tensor import TapeTensor

    out = []
    for g in results:
        if g is None:
            out.append(None)
            continue
        r = g.view(TapeTensor)
        r._tid = new_id()
        out.append(r)
    return out
