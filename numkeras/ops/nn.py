"""The operations of `keras.ops.nn` that numkeras has: the activations (relu, sigmoid,
softmax, log_softmax, softplus, softsign, elu, selu, gelu, silu, leaky_relu, relu6,
hard_sigmoid, log_sigmoid, glu, hard_silu, sparse_plus), one_hot, multi_hot,
normalize, the crossentropies as `keras.ops` computes them (probabilities clipped to
`[epsilon, 1 - epsilon]`, categorical ones renormalised first; no gradient through the clip
outside that range), `moments` (two outputs) and `dot_product_attention` (as Keras 3's JAX
backend, masks and causal masking included).

>>> import numpy as np
>>> Relu()(np.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
>>> OneHot(3)(np.array([2, 0])).tolist()
[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
>>> BinaryCrossentropy()(np.array([1.0]), np.array([0.5])).round(6).tolist()
[0.693147]
>>> [m.tolist() for m in Moments(axes=[0])(np.array([1.0, 3.0]))]
[2.0, 1.0]
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.backend import sum_to_shape
from numkeras.errors import ArgumentTypeError, ConfigError, ShapeError
from numkeras.ops.numpy import _axes, _float, _Unary
from numkeras.ops.operation import Operation, arr, result_dtype, shape_of


def _xp():
    return backend.xp


class _NN(_Unary):
    keras_module = "keras.src.ops.nn"


class _KeepsInts:
    """Mixin: integer tensors keep their dtype, bool becomes int32 (Keras's relu and
    hard_tanh); others become floats."""

    def output_dtype(self, x) -> str:
        dtype = str(getattr(x, "dtype", ""))
        if dtype == "bool":
            return "int32"  # as Keras
        return dtype if dtype.startswith(("int", "uint")) else result_dtype(x)  # as Keras

    def _convert(self, x):
        x = arr(x)
        if isinstance(x, (bool, int)):  # Python ints and bools: int32 (Keras's tensor)
            return backend.xp.asarray(x, "int32")
        if isinstance(x, float) or x.dtype.kind not in "iub":
            return _float(x)
        return x.astype("int32") if x.dtype.kind == "b" else x


class Relu(_KeepsInts, _NN):
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


def _axis_config(axis):
    return list(axis) if isinstance(axis, tuple) else axis


def _softmax_shape(x, axis) -> tuple:
    """The shape of `x`; a ValueError for a 0-d `x` (no axis to normalize, as Keras)."""
    shape = tuple(shape_of(x))
    if not shape and axis is not None:
        raise ShapeError(f"axis {axis} is out of bounds for an array with dimension 0.")
    if axis is not None:
        _axes(axis, len(shape))  # (an axis out of range raises)
    return shape


class Softmax(_NN):
    def __init__(self, axis=-1, *, name=None):
        super().__init__(name=name)
        self.axis = tuple(axis) if isinstance(axis, list) else axis

    def get_config(self):
        return {"name": self.name, "axis": _axis_config(self.axis)}

    def compute_output_spec(self, x):
        return _softmax_shape(x, self.axis)

    def _convert(self, x):
        return _float(x)

    def _apply(self, x):
        xp = backend.xp
        _softmax_shape(x, self.axis)
        if x.size == 0:
            return x.copy()
        e = xp.exp(x - xp.max(x, axis=self.axis, keepdims=True))
        return e / e.sum(axis=self.axis, keepdims=True)

    def _grad(self, x, out, g):
        return out * (g - (g * out).sum(axis=self.axis, keepdims=True))


# -- activations from numkeras.activations (their forward and backward, JAX's kinks) -------
class _Activation(_NN):
    _fn = ""

    def _kwargs(self) -> dict:
        """The activation function's keyword arguments: the op's config but its name."""
        return {k: v for k, v in self.get_config().items() if k != "name"}

    def _function(self):
        from numkeras import activations

        return getattr(activations, self._fn)

    def _apply(self, x):
        return self._function()(x, **self._kwargs())

    def _grad(self, x, out, g):
        return self._function().grad(x, out, g, **self._kwargs())


class LogSoftmax(_Activation):
    _fn = "log_softmax"

    def __init__(self, axis=-1, *, name=None):
        super().__init__(name=name)
        self.axis = tuple(axis) if isinstance(axis, list) else axis

    def get_config(self):
        return {"name": self.name, "axis": _axis_config(self.axis)}

    def compute_output_spec(self, x):
        return _softmax_shape(x, self.axis)

    def _kwargs(self):
        return {"axis": self.axis}


class Softplus(_Activation):
    _fn = "softplus"


class Softsign(_Activation):
    _fn = "softsign"


class Elu(_Activation):
    _fn = "elu"

    def __init__(self, alpha=1.0, *, name=None):
        super().__init__(name=name)
        self.alpha = alpha

    def get_config(self):
        return {"name": self.name, "alpha": self.alpha}


class Selu(_Activation):
    _fn = "selu"


class Gelu(_Activation):
    _fn = "gelu"

    def __init__(self, approximate=True, *, name=None):
        super().__init__(name=name)
        self.approximate = bool(approximate)

    def get_config(self):
        return {"name": self.name, "approximate": self.approximate}


class Silu(_Activation):
    _fn = "silu"


class LeakyRelu(_Activation):
    _fn = "leaky_relu"

    def __init__(self, negative_slope=0.2, *, name=None):
        super().__init__(name=name)
        self.negative_slope = negative_slope

    def get_config(self):
        return {"name": self.name, "negative_slope": self.negative_slope}


class Relu6(_Activation):
    _fn = "relu6"


class HardSigmoid(_Activation):
    _fn = "hard_sigmoid"


class LogSigmoid(_Activation):
    _fn = "log_sigmoid"


# -- one_hot ----------------------------------------------------------------------------------
class OneHot(Operation):
    """`one_hot(x, num_classes, axis=-1, dtype=None)`: integer class indices as one-hot
    vectors along a new `axis` (indices outside `[0, num_classes)` give all zeros); no
    gradient."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, num_classes, axis=-1, dtype=None, sparse=False, *, name=None):
        super().__init__(name=name)
        if sparse:
            raise ConfigError("numkeras's one_hot has no sparse tensors; use sparse=False.")
        if (
            isinstance(num_classes, bool)
            or not isinstance(num_classes, (int, np.integer))
            or (num_classes < 0)
        ):  # (JAX's TypeError on arrays, Keras's ValueError on symbolic tensors: both)
            raise ArgumentTypeError(
                f"num_classes must be a non-negative integer; received {num_classes!r}."
            )
        self.num_classes = int(num_classes)
        self.axis = int(axis)
        self.dtype = None if dtype is None else (getattr(dtype, "name", None) or str(dtype))
        self.sparse = False

    def get_config(self):
        return {
            "name": self.name,
            "num_classes": self.num_classes,
            "axis": self.axis,
            "dtype": self.dtype,
            "sparse": self.sparse,
        }

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        if self.axis == -1:
            shape.append(self.num_classes)
        elif 0 <= self.axis < len(shape):
            shape.insert(self.axis, self.num_classes)
        else:
            raise ConfigError(
                f"axis must be -1 or between [0, {len(shape)}), but received {self.axis}."
            )
        return tuple(shape)

    def output_dtype(self, *args) -> str:
        return self.dtype or backend.floatx()

    def _forward(self, x):
        xp = _xp()
        x = xp.asarray(arr(x))
        out = (x[..., None] == xp.arange(self.num_classes)).astype(self.output_dtype())
        return xp.moveaxis(out, -1, self.axis), None

    def _backward(self, cache, grad, need):
        return (None,)


# -- normalize -------------------------------------------------------------------------------
class Normalize(_NN):
    """`normalize(x, axis=-1, order=2, epsilon=None)`: `x / max(norm(x), epsilon)`; for
    order 2 as Keras computes it, `x * min(rsqrt(sum(x**2)), 1 / epsilon)`. Where the norm
    is below `epsilon` the gradient is `1 / epsilon` (JAX gives NaN for an all-zero row)."""

    def __init__(self, axis=-1, order=2, epsilon=None, *, name=None):
        super().__init__(name=name)
        if isinstance(order, bool) or not isinstance(order, int) or order < 1:
            raise ConfigError(f"Argument `order` must be an int >= 1. Received: order={order}")
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.order = order
        self.epsilon = epsilon

    def get_config(self):
        return {
            "name": self.name,
            "axis": _axis_config(self.axis),
            "order": self.order,
            "epsilon": self.epsilon,
        }

    def compute_output_spec(self, x):
        shape = shape_of(x)
        if self.axis is not None:
            _axes(self.axis, len(shape))
        return shape if shape else (1,)

    def _forward(self, x):
        xp = _xp()
        x = _float(x)
        shape = x.shape
        x = x.reshape(1) if x.ndim == 0 else x  # as Keras: a scalar becomes a vector
        eps = backend.epsilon() if self.epsilon is None else self.epsilon
        axes = _axes(self.axis, x.ndim)
        if self.order == 2:
            squares = xp.sum(x * x, axis=axes, keepdims=True)
            with np.errstate(divide="ignore"):
                inv = 1 / xp.sqrt(squares)
            scale = xp.minimum(inv, 1.0 / eps)
            return x * scale, (x, axes, inv, scale, eps, shape)
        from numkeras.ops.linalg import vector_norm

        if len(axes) != 1:
            raise ConfigError(
                f"numkeras's normalize takes order={self.order} over one axis only "
                f"(received axis={self.axis}); order 2 takes any axes."
            )
        norm = vector_norm(x, float(self.order), axes)
        denom = xp.maximum(norm, eps)
        return x / denom, (x, axes, norm, denom, eps, shape)

    def _backward(self, cache, grad, need):
        x, axes, a, b, eps, shape = cache
        return (self._grad_x(x, axes, a, b, eps, grad).reshape(shape),)

    def _grad_x(self, x, axes, a, b, eps, grad):
        xp = _xp()
        if self.order == 2:
            inv, scale = a, b
            limit = 1.0 / eps
            # minimum's rule: the gradient follows the smaller; a tie shares it evenly
            w = xp.where(inv < limit, 1.0, xp.where(inv == limit, 0.5, 0.0)).astype(x.dtype)
            safe = xp.where(w > 0, inv, 0)
            through = (grad * x).sum(axis=axes, keepdims=True) * w * safe**3
            return grad * scale - x * through
        from numkeras.ops.linalg import vector_norm_grad

        norm, denom = a, b
        w = xp.where(norm > eps, 1.0, xp.where(norm == eps, 0.5, 0.0)).astype(x.dtype)
        g_denom = -(grad * x).sum(axis=axes, keepdims=True) / (denom * denom)
        return grad / denom + vector_norm_grad(x, norm, float(self.order), axes, g_denom * w)


# -- crossentropies ------------------------------------------------------------------------
def _clip_weight(p, lo, hi):
    """The gradient factor of `jnp.clip(p, lo, hi)` (min(max(p, lo), hi): a tie at a bound
    passes half)."""
    xp = _xp()
    low = xp.where(p > lo, 1.0, xp.where(p == lo, 0.5, 0.0))
    above = xp.maximum(p, lo)
    high = xp.where(above < hi, 1.0, xp.where(above == hi, 0.5, 0.0))
    return (low * high).astype(p.dtype)


def _same_shape(target, output, name):
    t, o = shape_of(target), shape_of(output)
    if len(t) != len(o) or any(a is not None and b is not None and a != b for a, b in zip(t, o)):
        raise ShapeError(
            f"Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={t}, output.shape={o} ({name})."
        )


def _target(target, output):
    t = _xp().asarray(arr(target))
    return t if t.dtype == output.dtype else t.astype(output.dtype)


class _Crossentropy(Operation):
    keras_module = "keras.src.ops.nn"

    def __init__(self, from_logits=False, *, name=None):
        super().__init__(name=name)
        self.from_logits = bool(from_logits)

    def get_config(self):
        return {"name": self.name, "from_logits": self.from_logits}

    def output_dtype(self, target, output) -> str:
        return result_dtype(output)


class BinaryCrossentropy(_Crossentropy):
    """`binary_crossentropy(target, output, from_logits=False)`, element-wise, as
    `keras.ops`: probabilities clipped to `[epsilon, 1 - epsilon]`, logits through
    `log_sigmoid`. Gradients for `output` and a float `target`."""

    def compute_output_spec(self, target, output):
        _same_shape(target, output, "binary_crossentropy")
        return shape_of(output)

    def _forward(self, target, output):
        from numkeras import activations

        xp = _xp()
        o = _float(output)
        t = _target(target, o)
        _same_shape(t, o, "binary_crossentropy")
        if self.from_logits:
            pos, neg = activations.log_sigmoid(o), activations.log_sigmoid(-o)
            return -1.0 * t * pos - (1.0 - t) * neg, (t, o, pos, neg)
        eps = backend.epsilon()
        oc = xp.clip(o, eps, 1.0 - eps)
        with np.errstate(divide="ignore"):
            pos, neg = xp.log(oc), xp.log(1.0 - oc)
        return -(t * pos + (1.0 - t) * neg), (t, o, pos, neg)

    def _backward(self, cache, grad, need):
        from numkeras import activations

        t, o, pos, neg = cache
        go = gt = None
        if need[1]:
            if self.from_logits:
                go = grad * ((1.0 - t) * activations.sigmoid(o) - t * activations.sigmoid(-o))
            else:
                eps = backend.epsilon()
                oc = _xp().clip(o, eps, 1.0 - eps)
                go = -grad * (t / oc - (1.0 - t) / (1.0 - oc)) * _clip_weight(o, eps, 1.0 - eps)
        if need[0]:
            gt = grad * (neg - pos)
        return gt, go


class CategoricalCrossentropy(_Crossentropy):
    """`categorical_crossentropy(target, output, from_logits=False, axis=-1)`, as
    `keras.ops`: probabilities renormalised to sum to 1 along `axis`, then clipped to
    `[epsilon, 1 - epsilon]`; logits through `log_softmax`. Gradients for `output` and a
    float `target`."""

    def __init__(self, from_logits=False, axis=-1, *, name=None):
        super().__init__(from_logits, name=name)
        self.axis = int(axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}

    def compute_output_spec(self, target, output):
        _same_shape(target, output, "categorical_crossentropy")
        shape = shape_of(output)
        if not shape:
            raise ShapeError(
                "Arguments `target` and `output` must be at least rank 1. Received: "
                f"target.shape={shape_of(target)}, output.shape={shape}"
            )
        (axis,) = _axes(self.axis, len(shape))
        return tuple(d for i, d in enumerate(shape) if i != axis)

    def _log_probs(self, o):
        """(log-probabilities, what the backward pass needs)."""
        from numkeras import activations

        xp = _xp()
        if self.from_logits:
            lp = activations.log_softmax(o, axis=self.axis)
            return lp, lp
        total = xp.sum(o, axis=self.axis, keepdims=True)
        p = o / total
        eps = backend.epsilon()
        pc = xp.clip(p, eps, 1.0 - eps)
        with np.errstate(divide="ignore"):
            return xp.log(pc), (total, p, pc)

    def _forward(self, target, output):
        o = _float(output)
        t = _target(target, o)
        _same_shape(t, o, "categorical_crossentropy")
        lp, extra = self._log_probs(o)
        return -_xp().sum(t * lp, axis=self.axis), (t, o, lp, extra)

    def _output_grad(self, t, lp, extra, g):
        """The gradient for `output` of `-sum(t * log_probs)`, `g` with the axis kept."""
        xp = _xp()
        if self.from_logits:
            return g * (xp.exp(lp) * t.sum(axis=self.axis, keepdims=True) - t)
        total, p, pc = extra
        eps = backend.epsilon()
        gp = -g * t / pc * _clip_weight(p, eps, 1.0 - eps)
        return (gp - (gp * p).sum(axis=self.axis, keepdims=True)) / total

    def _backward(self, cache, grad, need):
        t, o, lp, extra = cache
        g = _xp().expand_dims(grad, self.axis % o.ndim)
        go = self._output_grad(t, lp, extra, g) if need[1] else None
        gt = -g * lp if need[0] else None
        return gt, go


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """`sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1)`:
    categorical crossentropy with integer class indices for `target` (a trailing axis of
    size 1 is dropped; an index outside the classes gives 0). Gradient for `output`."""

    def compute_output_spec(self, target, output):
        shape = shape_of(output)
        if not shape:
            raise ShapeError(
                f"Argument `output` must be at least rank 1. Received: output.shape={shape}"
            )
        (axis,) = _axes(self.axis, len(shape))
        t = shape_of(target)
        if len(t) == len(shape) and t[-1] == 1:
            t = t[:-1]
        rest = tuple(d for i, d in enumerate(shape) if i != axis)
        if len(t) != len(rest) or any(
            a is not None and b is not None and a != b for a, b in zip(t, rest)
        ):
            raise ShapeError(
                "Arguments `target` and `output` must have the same shape up until the last "
                f"dimension: target.shape={shape_of(target)}, output.shape={shape}"
            )
        return rest

    def output_dtype(self, target, output) -> str:
        return result_dtype(output)

    def _forward(self, target, output):
        xp = _xp()
        o = _float(output)
        t = xp.asarray(arr(target)).astype("int32")
        if t.ndim == o.ndim and t.shape[-1] == 1:
            t = t[..., 0]
        axis = self.axis % o.ndim
        if t.shape != o.shape[:axis] + o.shape[axis + 1 :]:
            raise ShapeError(
                "Arguments `target` and `output` must have the same shape up until the last "
                f"dimension: target.shape={t.shape}, output.shape={o.shape}"
            )
        onehot = (t[..., None] == xp.arange(o.shape[axis])).astype(o.dtype)
        onehot = xp.moveaxis(onehot, -1, axis)
        lp, extra = self._log_probs(o)
        return -xp.sum(onehot * lp, axis=self.axis), (onehot, o, lp, extra)

    def _backward(self, cache, grad, need):
        _, go = super()._backward(cache, grad, (False, need[1]))
        return None, go


OPS = {
    cls.__name__: cls
    for cls in (
        Relu,
        Sigmoid,
        Softmax,
        LogSoftmax,
        Softplus,
        Softsign,
        Elu,
        Selu,
        Gelu,
        Silu,
        LeakyRelu,
        Relu6,
        HardSigmoid,
        LogSigmoid,
        OneHot,
        Normalize,
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
    )
}


# -- moments, gated and sparse activations, multi_hot, attention --------------------------
class Moments(Operation):
    """`moments(x, axes, keepdims=False, synchronized=False)`: the mean and the variance
    over `axes` (two outputs), float16 computed in float32 as Keras; the gradient of both
    reaches `x`. `synchronized` changes nothing (one device)."""

    keras_module = "keras.src.ops.nn"
    multi_output = True

    def __init__(self, axes, keepdims=False, synchronized=False, *, name=None):
        super().__init__(name=name)
        self.axes = [int(a) for a in axes] if isinstance(axes, (list, tuple)) else int(axes)
        self.keepdims = bool(keepdims)
        self.synchronized = bool(synchronized)

    def get_config(self):
        return {
            "name": self.name,
            "axes": self.axes,
            "keepdims": self.keepdims,
            "synchronized": self.synchronized,
        }

    def output_dtype(self, x) -> str:
        return result_dtype(x)

    def compute_output_spec(self, x):
        shape = shape_of(x)
        axes = _axes(self.axes, len(shape))
        if self.keepdims:
            out = tuple(1 if i in axes else d for i, d in enumerate(shape))
        else:
            out = tuple(d for i, d in enumerate(shape) if i not in axes)
        return [out, out]

    def _forward(self, x):
        xp = _xp()
        x = _float(x)
        dtype = x.dtype
        if dtype == np.float16:
            x = x.astype("float32")
        axes = _axes(self.axes, x.ndim)
        count = int(np.prod([x.shape[a] for a in axes]))
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        outs = []
        for v in (mean, var):
            if dtype == np.float16:
                top = float(np.finfo(np.float16).max)
                v = xp.clip(v, -top, top).astype(dtype)
            outs.append(v if self.keepdims else v.reshape(self.compute_output_spec(x)[0]))
        return outs, (x.shape, axes, count, centered, dtype)

    def _backward(self, cache, grad, need):
        shape, axes, count, centered, dtype = cache
        g_mean, g_var = grad
        kept = tuple(1 if i in axes else d for i, d in enumerate(shape))
        gx = g_mean.reshape(kept) / count + g_var.reshape(kept) * centered * (2.0 / count)
        return (gx.astype(dtype, copy=False),)


class Glu(_Activation):
    """`glu(x, axis=-1)`: the halves `a, b` of `x` along `axis`, `a * sigmoid(b)`."""

    _fn = "glu"

    def __init__(self, axis=-1, *, name=None):
        super().__init__(name=name)
        self.axis = int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        (axis,) = _axes(self.axis, len(shape))
        if shape[axis] is not None:
            if shape[axis] % 2:
                raise ShapeError(
                    f"axis size must be divisible by 2. Received: x.shape={tuple(shape)} with "
                    f"axis={self.axis}"
                )
            shape[axis] //= 2
        return tuple(shape)


class HardSilu(_Activation):
    """`hard_silu(x)` (hard swish): `x * relu6(x + 3) / 6`."""

    _fn = "hard_silu"


class SparsePlus(_Activation):
    """`sparse_plus(x)`: 0 below -1, `(x + 1)**2 / 4` between, `x` above 1."""

    _fn = "sparse_plus"


class MultiHot(Operation):
    """`multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False)`: the one-hot
    vectors of integer `inputs`, combined (max) over axis 1 (axis 0 for a vector); no
    gradient."""

    keras_module = "keras.src.ops.nn"

    def __init__(self, num_classes=None, axis=-1, dtype=None, sparse=False, *, name=None, **kwargs):
        if num_classes is None and "num_tokens" in kwargs:
            num_classes = kwargs.pop("num_tokens")
        if num_classes is None:
            raise ConfigError("Argument `num_classes` must be specified.")
        if kwargs:
            raise TypeError(f"Unexpected arguments for MultiHot: {sorted(kwargs)}")
        super().__init__(name=name)
        if sparse:
            raise ConfigError("numkeras's multi_hot has no sparse tensors; use sparse=False.")
        self.num_classes = int(num_classes)
        self.axis = int(axis)
        self.dtype = getattr(dtype, "name", None) or (str(dtype) if dtype else backend.floatx())
        self.sparse = False

    def get_config(self):
        return {
            "name": self.name,
            "num_classes": self.num_classes,
            "axis": self.axis,
            "dtype": self.dtype,
            "sparse": self.sparse,
        }

    def output_dtype(self, *args) -> str:
        return self.dtype

    def compute_output_spec(self, inputs):
        shape = list(OneHot(self.num_classes, self.axis).compute_output_spec(inputs))
        return (shape[-1],) if len(shape) == 2 else (shape[0], *shape[2:])

    def _forward(self, inputs):
        xp = _xp()
        x = xp.asarray(arr(inputs)).astype("int32")
        hot, _ = OneHot(self.num_classes, self.axis, dtype=self.dtype)._forward(x)
        return hot.max(axis=1 if x.ndim > 1 else 0), None

    def _backward(self, cache, grad, need):
        return (None,)


class DotProductAttention(Operation):
    """`dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
    is_causal=False)` on `(batch, time, heads, head_dim)` tensors, as JAX's XLA
    implementation (Keras 3's JAX backend): `softmax(q k^T * scale + bias)` over the keys
    (`scale` defaults to `1 / sqrt(head_dim)`), where `mask` is false (or, with
    `is_causal`, a key comes after the query) the logit is replaced by -0.7 times the
    float32 maximum, then the weights times `value`. Keys and values may have fewer heads
    (grouped-query attention). Gradients for query, key, value and a float bias (masked
    entries pass none). The softmax runs in float32, or float64 for float64 inputs (JAX:
    always float32)."""

    keras_module = "keras.src.ops.nn"

    def __init__(
        self, is_causal=False, flash_attention=None, attn_logits_soft_cap=None, *, name=None
    ):
        super().__init__(name=name)
        if flash_attention:
            raise ConfigError(
                "numkeras's dot_product_attention has no flash attention; use "
                "flash_attention=None or False."
            )
        if attn_logits_soft_cap is not None:
            raise ConfigError(
                "attn_logits_soft_cap is only supported for JAX on TPU. Set "
                "attn_logits_soft_cap=None when not using JAX on TPU."
            )
        self.is_causal = bool(is_causal)
        self.flash_attention = flash_attention
        self.attn_logits_soft_cap = None

    def get_config(self):
        return {
            "name": self.name,
            "is_causal": self.is_causal,
            "flash_attention": self.flash_attention,
            "attn_logits_soft_cap": self.attn_logits_soft_cap,
        }

    def output_dtype(self, query, key, value, *rest) -> str:
        return result_dtype(query, key, value)

    def compute_output_spec(self, query, key, value, bias=None, mask=None, scale=None):
        shapes = [shape_of(t) for t in (query, key, value)]
        if any(len(s) != 4 for s in shapes):
            raise ShapeError(
                "`dot_product_attention` only supports 4D inputs. Received: "
                f"query.shape={shapes[0]}, key.shape={shapes[1]}, value.shape={shapes[2]}."
            )
        return shapes[0]

    @staticmethod
    def _grouped(t, n_heads, k_heads):
        """A bias or mask broadcastable to (B, N, T, S), as (B, K, G, T, S)."""
        t = t.reshape((1,) * (4 - t.ndim) + t.shape)
        b, n, rows, cols = t.shape
        if n == 1:
            return t.reshape(b, 1, 1, rows, cols)
        if n != n_heads:
            raise ShapeError(
                f"A mask or bias of dot_product_attention has {n} heads; the query has "
                f"{n_heads} (give 1 or {n_heads})."
            )
        return t.reshape(b, k_heads, n_heads // k_heads, rows, cols)

    def _forward(self, query, key, value, bias=None, mask=None, scale=None):
        xp = _xp()
        dtype = result_dtype(arr(query), arr(key), arr(value))
        q, k, v = (_float(t).astype(dtype, copy=False) for t in (query, key, value))
        if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
            raise ShapeError(
                "`dot_product_attention` only supports 4D inputs. Received: "
                f"query.shape={q.shape}, key.shape={k.shape}, value.shape={v.shape}."
            )
        batch, t_len, n_heads, depth = q.shape
        s_len, k_heads = k.shape[1], k.shape[2]
        if n_heads % k_heads or v.shape[:3] != k.shape[:3]:
            raise ShapeError(
                f"dot_product_attention: key {k.shape} and value {v.shape} must share their "
                f"batch, time and heads, and their heads must divide the query's {q.shape}."
            )
        groups = n_heads // k_heads
        scale = 1.0 / math.sqrt(depth) if scale is None else float(arr(scale))
        work = np.promote_types(dtype, "float32").name
        qg = q.reshape(batch, t_len, k_heads, groups, depth).astype(work, copy=False)
        kw, vw = k.astype(work, copy=False), v.astype(work, copy=False)
        logits = xp.einsum("btkgh,bskh->bkgts", qg, kw, optimize=True) * scale
        b = None
        if bias is not None:
            b = _float(bias)
            logits = logits + self._grouped(b.astype(work), n_heads, k_heads)
        keep = None
        if mask is not None:
            m = xp.asarray(arr(mask)).astype(bool)
            keep = xp.broadcast_to(self._grouped(m, n_heads, k_heads), logits.shape)
        if self.is_causal:
            causal = xp.tril(xp.ones((t_len, s_len), bool))
            keep = causal if keep is None else keep & causal
        if keep is not None:
            low = -0.7 * float(min(np.finfo(dtype).max, np.finfo(np.float32).max))
            logits = xp.where(keep, logits, xp.asarray(low, work))
        logits = logits - logits.max(axis=-1, keepdims=True)
        e = xp.exp(logits)
        probs = e / e.sum(axis=-1, keepdims=True)
        out = (
            xp.einsum("bkgts,bskh->btkgh", probs, vw, optimize=True).reshape(q.shape).astype(dtype)
        )
        cache = (q, k, v, qg, kw, vw, probs, keep, b, scale, (query, key, value))
        return out, cache

    def _backward(self, cache, grad, need):
        xp = _xp()
        q, k, v, qg, kw, vw, probs, keep, b, scale, originals = cache
        batch, t_len, n_heads, depth = q.shape
        k_heads = k.shape[2]
        g = grad.astype(probs.dtype).reshape(batch, t_len, k_heads, n_heads // k_heads, -1)
        gv = xp.einsum("bkgts,btkgh->bskh", probs, g, optimize=True) if need[2] else None
        dp = xp.einsum("btkgh,bskh->bkgts", g, vw, optimize=True)
        dl = probs * (dp - (dp * probs).sum(axis=-1, keepdims=True))
        if keep is not None:
            dl = xp.where(keep, dl, 0)
        gb = None
        if b is not None and len(need) > 3 and need[3]:
            full = dl.reshape(batch, n_heads, t_len, -1)
            gb = sum_to_shape(full, (1,) * (4 - b.ndim) + b.shape).reshape(b.shape)
            gb = gb.astype(b.dtype)
        dl = dl * scale
        gq = (
            xp.einsum("bkgts,bskh->btkgh", dl, kw, optimize=True).reshape(q.shape)
            if need[0]
            else None
        )
        gk = xp.einsum("bkgts,btkgh->bskh", dl, qg, optimize=True) if need[1] else None
        grads = [gq, gk, gv]
        for i, (gr, orig) in enumerate(zip(grads, originals)):
            if gr is not None:
                grads[i] = gr.astype(arr(orig).dtype) if _is_float_array(orig) else None
        return (*grads, gb, None, None)[: len(need)]


def _is_float_array(x) -> bool:
    a = arr(x)
    return hasattr(a, "dtype") and a.dtype.kind in "fc"


OPS.update(
    {
        cls.__name__: cls
        for cls in (Moments, Glu, HardSilu, SparsePlus, MultiHot, DotProductAttention)
    }
)


def __getattr__(name: str):
    """`keras.ops.nn.<name>` spellings (`ops.nn.softmax`): the public `numkeras.ops`
    function of that name (this module holds their implementations)."""
    from numkeras.ops.operation import public_op

    return public_op(__name__, name)
