"""Merge layers (several inputs, one output), with their backward passes: the element-wise
`Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`, and `Concatenate`, `Dot`;
plus Keras's lowercase functional forms (`add([a, b])` is `Add()([a, b])`).

Element-wise merges follow Keras 3's `Merge`: the inputs broadcast against each other
after the batch axis, and a lower-rank input first gains axes of size 1 at axis 1.

Masks, as Keras 3: an element-wise merge's output is masked when all its inputs are (the
masks joined with OR); `Maximum` and `Minimum` (inputs of one rank) also take, at a
masked position of one input, the other's value, and `Multiply` 1 (and gives 0 where
every input has a mask and none keeps the position). `Concatenate` joins the masks (an
unmasked input counts as all real; along the feature axis a step is real if it is in
any input); `Dot` drops them.

>>> import numpy as np
>>> a, b = np.ones((2, 3)), np.zeros((2, 4))
>>> Concatenate()([a, b]).shape
(2, 7)
>>> Add()([a, a])
array([[2., 2., 2.],
       [2., 2., 2.]], dtype=float32)
>>> Add()([a, np.arange(2.0).reshape(2, 1)])  # (2, 3) with (2, 1) broadcasts to (2, 3)
array([[1., 1., 1.],
       [2., 2., 2.]], dtype=float32)
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend, shapes
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


def _shape_list(layer: Layer, input_shape, what: str) -> list[tuple]:
    """The input shapes as a list of tuples, or a ShapeError naming the layer."""
    if (
        not isinstance(input_shape, (list, tuple))
        or not input_shape
        or not all(isinstance(s, (list, tuple)) for s in input_shape)
    ):
        name = type(layer).__name__
        raise ShapeError(
            f"Layer '{layer.name}' ({name}) {what} a list of inputs; received "
            f"input_shape={input_shape!r}. Call it as {name}(...)([x1, x2])."
        )
    return [tuple(s) for s in input_shape]


def _broadcast(a: tuple, b: tuple) -> tuple | None:
    """Keras's `_compute_elemwise_op_output_shape` (shapes without the batch axis): aligned
    on the right, 1 stretches, an unknown side gives unknown; None if they don't fit."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b) :], b):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            return None
    return tuple(out)


def _expanded(shape: tuple, rank: int) -> tuple:
    """`shape` with axes of size 1 added at axis 1 up to `rank` (Keras's expand_dims(x, 1))."""
    return (*shape[:1], *(1,) * (rank - len(shape)), *shape[1:])


def _aligned(inputs: list) -> list:
    rank = max(x.ndim for x in inputs)
    return [x if x.ndim == rank else x.reshape(_expanded(x.shape, rank)) for x in inputs]


def _sum_to(g, shape: tuple):
    """`g` summed over the axes that an array of `shape` (same rank) was broadcast along."""
    axes = tuple(k for k, (d, s) in enumerate(zip(g.shape, shape)) if s == 1 and d != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def _grads_to(grads: list, shapes_in: list, grad_output) -> list:
    """Each input's gradient reduced to its own shape (broadcast axes summed, the axes added
    at 1 removed). Only one input may receive `grad_output` itself: the layers below may
    overwrite the gradient they are given."""
    rank = grad_output.ndim
    out, handed = [], False
    for g, shape in zip(grads, shapes_in):
        g = _sum_to(g, _expanded(shape, rank)).reshape(shape)
        if backend.xp.may_share_memory(g, grad_output):
            if handed:
                g = g.copy()
            handed = True
        out.append(g)
    return out


class _Merge(Layer):
    """Element-wise merges, as Keras 3's `Merge`: at least one input (Subtract: exactly
    two); the inputs broadcast after the batch axis, whose fixed sizes must agree."""

    n_inputs: int | None = None
    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """The inputs' masks joined with OR when every input has one, else None."""
        if mask is None or any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = backend.xp.logical_or(out, m)
        return out

    def _check(self, input_shape) -> tuple:
        """Validate the input shapes and return the output shape."""
        in_shapes = _shape_list(self, input_shape, "merges")
        name = type(self).__name__
        if self.n_inputs is not None and len(in_shapes) != self.n_inputs:
            raise ShapeError(
                f"Layer '{self.name}' ({name}) takes exactly {self.n_inputs} inputs; received "
                f"{len(in_shapes)}."
            )
        batch = {s[0] for s in in_shapes if s} - {None}
        if len(batch) > 1:
            raise ShapeError(
                f"Layer '{self.name}' ({name}) cannot merge tensors with different batch "
                f"sizes; received {', '.join(format_shape(s) for s in in_shapes)}."
            )
        out = in_shapes[0][1:]
        for i, shape in enumerate(in_shapes[1:], start=1):
            out = _broadcast(out, shape[1:])
            if out is None:
                received = ", ".join(
                    f"input {k} has {format_shape(s)}" for k, s in enumerate(in_shapes[: i + 1])
                )
                raise ShapeError(
                    f"Layer '{self.name}' ({name}) needs inputs whose shapes broadcast together "
                    f"after the batch axis (a lower-rank input gains axes at axis 1); "
                    f"{received}."
                )
        return (batch.pop() if batch else None, *out)

    def build(self, input_shape) -> None:
        self._check(input_shape)

    def compute_output_shape(self, input_shape):
        return self._check(input_shape)

    def _merge(self, inputs: list):
        raise NotImplementedError

    def call(self, inputs, training: bool = False):
        return self._merge(_aligned(list(inputs)))

    def forward(self, inputs, training: bool = True):
        inputs = list(inputs)
        return self.call(inputs), [x.shape for x in inputs]

    def _repr_args(self) -> str:
        return ""


def _sum(inputs: list):
    out = inputs[0]
    for x in inputs[1:]:
        # in place once `out` is our own array of the final shape (never an input)
        if out is inputs[0] or out.shape != np.broadcast_shapes(out.shape, x.shape):
            out = out + x
        else:
            out += x
    return out


class Add(_Merge):
    """Element-wise sum of the inputs (which broadcast against each other).

    >>> import numpy as np
    >>> Add()([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """

    integer_inputs = "keep"  # (integer sums, as Keras's ops)

    def _merge(self, inputs: list):
        return _sum(inputs)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return _grads_to([grad_output] * len(cache), cache, grad_output)


class Subtract(_Merge):
    """`inputs[0] - inputs[1]` (exactly two inputs, which broadcast).

    >>> import numpy as np
    >>> Subtract()([np.ones((1, 2)), np.ones((1, 1))])
    array([[0., 0.]], dtype=float32)
    """

    n_inputs = 2
    integer_inputs = "keep"  # (integer differences, as Keras's ops)
    bool_inputs = "float"  # (Keras's subtract refuses bools; numkeras subtracts floats)

    def _merge(self, inputs: list):
        return inputs[0] - inputs[1]

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return _grads_to([grad_output, -grad_output], cache, grad_output)


class Multiply(_Merge):
    """Element-wise product of the inputs (which broadcast against each other).

    >>> import numpy as np
    >>> Multiply()([np.full((1, 2), 3.0), np.full((1, 2), 2.0)])
    array([[6., 6.]], dtype=float32)
    """

    integer_inputs = "keep"  # (integer products, as Keras's ops)

    def _merge(self, inputs: list):
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out

    def call(self, inputs, training: bool = False, mask=None):
        keeps = _input_keeps(list(inputs), mask)
        if keeps is None:
            return self._merge(_aligned(list(inputs)))
        return self._masked_product(list(inputs), keeps)[0]

    def _masked_product(self, inputs: list, keeps: list):
        """Keras 3's masked product: a masked position of an input counts as 1, and when
        every input has a mask, a position none of them keeps gives 0. Returns the result,
        the inputs as multiplied, and the joined mask (None unless every input has one)."""
        xp = backend.xp
        xs = [x if k is None else xp.where(k, x, x.dtype.type(1)) for x, k in zip(inputs, keeps)]
        out, out_keep = self._merge(xs), None
        if all(k is not None for k in keeps):
            out_keep = keeps[0]
            for k in keeps[1:]:
                out_keep = xp.logical_or(out_keep, k)
            out = xp.where(out_keep, out, out.dtype.type(0))
        return out, xs, out_keep

    def forward(self, inputs, training: bool = True, mask=None):
        keeps = _input_keeps(list(inputs), mask)
        shapes_in = [x.shape for x in inputs]
        if keeps is not None:
            out, xs, out_keep = self._masked_product(list(inputs), keeps)
            return out, (xs, shapes_in, keeps, out_keep)
        aligned = _aligned(list(inputs))
        return self._merge(aligned), (aligned, shapes_in, None, None)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        aligned, in_shapes, keeps, out_keep = cache
        xp = backend.xp
        if out_keep is not None:  # no gradient through the zeros of positions all masked
            grad_output = xp.where(out_keep, grad_output, grad_output.dtype.type(0))
        grads = []
        for i in range(len(aligned)):
            g = grad_output
            for j, x in enumerate(aligned):
                if j != i:
                    # (the first product is a new array of the output's shape; then in place)
                    g = g * x if g is grad_output else backend.xp.multiply(g, x, out=g)
            if keeps is not None and keeps[i] is not None:  # a masked position was a 1
                g = xp.where(keeps[i], g, g.dtype.type(0))
            grads.append(g)
        return _grads_to(grads, in_shapes, grad_output)


class Average(_Merge):
    """Element-wise mean of the inputs (which broadcast against each other).

    >>> import numpy as np
    >>> Average()([np.ones((1, 2)), np.full((1, 2), 3.0)])
    array([[2., 2.]], dtype=float32)
    """

    def _merge(self, inputs: list):
        return _sum(inputs) / len(inputs)  # a division, as Keras: not a product with 1/n

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        g = grad_output / len(cache)
        return _grads_to([g] * len(cache), cache, g)


class _Extremum(_Merge):
    """Maximum / Minimum: Keras folds the inputs pairwise, `op(op(x0, x1), x2)`."""

    integer_inputs = "keep"  # (compares values: integers stay integers)

    _op = "maximum"

    def _merge(self, inputs: list):
        return self._fold(inputs)[-1]

    def _fold(self, inputs: list) -> list:
        op = getattr(backend.xp, self._op)
        outs = [inputs[0]]
        for x in inputs[1:]:
            outs.append(op(outs[-1], x))
        return outs

    def call(self, inputs, training: bool = False, mask=None):
        keeps = _input_keeps(list(inputs), mask)
        if keeps is None:
            return self._merge(_aligned(list(inputs)))
        return self._masked_fold(list(inputs), keeps)[0]

    def forward(self, inputs, training: bool = True, mask=None):
        keeps = _input_keeps(list(inputs), mask)
        if keeps is not None:
            out, record = self._masked_fold(list(inputs), keeps)
            return out, (None, record, [x.shape for x in inputs])
        aligned = _aligned(list(inputs))
        outs = self._fold(aligned)
        return outs[-1], (aligned, outs, [x.shape for x in inputs])

    def _masked_fold(self, inputs: list, keeps: list):
        """Keras's `_apply_merge_op_and_or_mask`: at each fold, a masked position of the
        next input takes the partial result's value, and a masked position of the partial
        result the input's, before the maximum / minimum. Returns the result and, per
        fold, what its gradient needs."""
        xp = backend.xp
        op = getattr(xp, self._op)
        shape = np.broadcast_shapes(*(x.shape for x in inputs))
        xs = [xp.broadcast_to(x, shape) for x in inputs]
        ks = [None if k is None else xp.broadcast_to(k, shape) for k in keeps]
        out, out_keep = xs[0], ks[0]
        record = []
        for x, keep in zip(xs[1:], ks[1:]):
            b = x if keep is None else xp.where(keep, x, out)
            a = out if out_keep is None else xp.where(out_keep, out, b)
            new = op(a, b)
            record.append((a, b, new, keep, out_keep))
            both = keep is not None and out_keep is not None
            out_keep = xp.logical_or(out_keep, keep) if both else None
            out = new
        return out, record

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # JAX's gradient of maximum/minimum (so Keras's on JAX): a side equal to the result
        # gets the gradient, each side half of it at a tie, neither where the result is NaN
        aligned, outs, in_shapes = cache
        if aligned is None:
            return _masked_fold_backward(outs, in_shapes, grad_output)
        xp = backend.xp
        half, one = grad_output.dtype.type(0.5), grad_output.dtype.type(1)
        grads = [None] * len(aligned)
        g = grad_output
        for k in range(len(aligned) - 1, 0, -1):
            a, b, result = outs[k - 1], aligned[k], outs[k]
            a_eq, b_eq = a == result, b == result
            scale = xp.where(a_eq & b_eq, half, one)
            grads[k] = g * (b_eq * scale)
            g = _sum_to(g * (a_eq * scale), a.shape)  # to the partial result's own shape
        grads[0] = g
        return _grads_to(grads, in_shapes, grad_output)


def _input_keeps(inputs: list, mask) -> list | None:
    """Per input of a masked `Maximum` / `Minimum` / `Multiply`, its mask as `(..., 1)`
    (None where it has none); None when no mask applies (no masks, or inputs of different
    ranks, which Keras 3 reshapes and so unmasks)."""
    if not isinstance(mask, (list, tuple)) or all(m is None for m in mask):
        return None
    if len({x.ndim for x in inputs}) > 1:
        return None
    xp = backend.xp
    return [None if m is None else xp.asarray(m).astype(bool)[..., None] for m in mask]


def _masked_fold_backward(record: list, in_shapes: list, grad_output) -> list:
    """The gradients of `_Extremum._masked_fold`'s inputs (each `where` routes its side)."""
    xp = backend.xp
    half, one = grad_output.dtype.type(0.5), grad_output.dtype.type(1)
    zero = grad_output.dtype.type(0)
    grads = [None] * (len(record) + 1)
    g = grad_output
    for k in range(len(record), 0, -1):
        a, b, result, keep, out_keep = record[k - 1]
        a_eq, b_eq = a == result, b == result
        scale = xp.where(a_eq & b_eq, half, one)
        ga, gb = g * (a_eq * scale), g * (b_eq * scale)
        if out_keep is not None:  # a = where(out_keep, out, b)
            gb += xp.where(out_keep, zero, ga)
            ga = xp.where(out_keep, ga, zero)
        if keep is not None:  # b = where(keep, x, out)
            ga += xp.where(keep, zero, gb)
            gb = xp.where(keep, gb, zero)
        grads[k] = gb
        g = ga
    grads[0] = g
    return _grads_to(grads, in_shapes, grad_output)


class Maximum(_Extremum):
    """Element-wise maximum of the inputs (which broadcast against each other).

    >>> import numpy as np
    >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
    array([[3., 5.]], dtype=float32)
    """

    _op = "maximum"


class Minimum(_Extremum):
    """Element-wise minimum of the inputs (which broadcast against each other).

    >>> import numpy as np
    >>> Minimum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
    array([[1., 2.]], dtype=float32)
    """

    _op = "minimum"


class Concatenate(Layer):
    """Join inputs along `axis` (default -1); the other axes must match. As in Keras,
    `axis=0` joins along the batch axis.

    >>> import numpy as np
    >>> Concatenate(axis=0)([np.ones((2, 3)), np.ones((4, 3))]).shape
    (6, 3)
    """

    integer_inputs = "keep"  # (moves values: integers stay integers)

    supports_masking = True

    def __init__(self, axis: int = -1, **kwargs):
        if not is_int(axis):
            raise ConfigError(f"`axis` must be an integer, received {axis!r}.")
        super().__init__(**kwargs)
        self.axis = int(axis)

    def compute_mask(self, inputs, mask=None):
        """Keras 3's: the masks (an unmasked input: all True; a mask of lower rank spread
        over the input's last axis) joined along `axis`, then any() over the last axis."""
        if mask is None or all(m is None for m in mask):
            return None
        xp = backend.xp
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(xp.ones(x.shape, bool))
            elif m.ndim < x.ndim:
                masks.append(xp.broadcast_to(xp.asarray(m, bool)[..., None], x.shape))
            else:
                masks.append(xp.asarray(m, bool))
        return xp.concatenate(masks, axis=self.axis).any(axis=-1)

    def _check(self, input_shape) -> int:
        input_shape = _shape_list(self, input_shape, "joins")
        rank = len(input_shape[0])
        if not -rank <= self.axis < rank:
            raise ShapeError(
                f"Layer '{self.name}' (Concatenate): axis={self.axis} is not an axis of "
                f"rank-{rank} inputs."
            )
        axis = self.axis % rank

        def others(shape) -> tuple:  # every axis but the joined one
            return tuple(d for k, d in enumerate(shape) if k != axis)

        for i, shape in enumerate(input_shape):
            if len(shape) != rank or not shapes.compatible(others(input_shape[0]), others(shape)):
                raise ShapeError(
                    f"Layer '{self.name}' (Concatenate) needs inputs that match on every axis "
                    f"but {self.axis}; received {[format_shape(s) for s in input_shape]} "
                    f"(input {i} differs)."
                )
        return axis

    def build(self, input_shape) -> None:
        self._check(input_shape)

    def compute_output_shape(self, input_shape):
        axis = self._check(input_shape)
        sizes = [s[axis] for s in input_shape]
        out = list(input_shape[0])
        out[axis] = None if any(d is None for d in sizes) else sum(sizes)
        return tuple(out)

    def call(self, inputs, training: bool = False):
        return backend.xp.concatenate(inputs, axis=self.axis)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), [x.shape[self.axis] for x in inputs]

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # each input's slice of the joined axis, copied: the layers below own their grads
        lead = (slice(None),) * (self.axis % grad_output.ndim)
        grads, start = [], 0
        for size in cache:
            grads.append(grad_output[(*lead, slice(start, start + size))].copy())
            start += size
        return grads

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}

    def _repr_args(self) -> str:
        return f"axis={self.axis}"


class Dot(Layer):
    """Batched dot product of two inputs over `axes` (Keras's `batch_dot`): for each
    sample, the sum over `x1`'s axis `axes[0]` times `x2`'s axis `axes[1]`. The output
    has `x1`'s other axes, then `x2`'s (batch excluded); a rank-1 result gains an axis of 1.

    `axes` is an int (the same axis of both) or a pair; axis 0 (the batch) cannot be used.
    With `normalize=True` each input is first L2-normalized along its axis, so the output
    is the cosine similarity.

    >>> import numpy as np
    >>> x, y = np.ones((2, 3)), np.full((2, 3), 2.0)
    >>> Dot(axes=1)([x, y])
    array([[6.],
           [6.]], dtype=float32)
    >>> Dot(axes=(1, 2))([np.ones((2, 3, 5)), np.ones((2, 4, 3))]).shape
    (2, 5, 4)
    """

    integer_inputs = "keep"  # (an integer dot product, as Keras's ops)

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return None  # (Keras 3: the dot product drops the masks)

    def __init__(self, axes, normalize: bool = False, **kwargs):
        if is_int(axes):
            axes = int(axes)
        elif isinstance(axes, (list, tuple)) and len(axes) == 2 and all(is_int(a) for a in axes):
            axes = (tuple if isinstance(axes, tuple) else list)(int(a) for a in axes)
        else:
            raise ConfigError(
                "`axes` must be an integer or a pair of integers (one axis per input), "
                f"received axes={axes!r}."
            )
        super().__init__(**kwargs)
        self.axes = axes  # as given (int, tuple or list), as Keras's config keeps it
        self.normalize = bool(normalize)

    def _check(self, input_shape) -> tuple[int, int]:
        """Validate the two input shapes; return the two axes, counted from 0."""
        in_shapes = _shape_list(self, input_shape, "takes")
        if len(in_shapes) != 2:
            raise ShapeError(
                f"Layer '{self.name}' (Dot) takes a list of exactly 2 inputs; received "
                f"{len(in_shapes)}."
            )
        s1, s2 = in_shapes
        if len(s1) < 2 or len(s2) < 2:
            raise ShapeError(
                f"Layer '{self.name}' (Dot) needs inputs of rank 2 or more (batch axis "
                f"first); received {format_shape(s1)} and {format_shape(s2)}."
            )
        pair = (self.axes, self.axes) if is_int(self.axes) else self.axes
        axes = []
        for a, shape in zip(pair, (s1, s2)):
            if not -len(shape) <= a < len(shape) or a % len(shape) == 0:
                raise ShapeError(
                    f"Layer '{self.name}' (Dot): axes={self.axes!r} needs a non-batch axis of "
                    f"each input (axis 0 is the batch); received {format_shape(s1)} and "
                    f"{format_shape(s2)}."
                )
            axes.append(a % len(shape))
        a0, a1 = axes
        if None not in (s1[0], s2[0]) and s1[0] != s2[0]:
            raise ShapeError(
                f"Layer '{self.name}' (Dot) cannot take the dot product of inputs with "
                f"different batch sizes: {format_shape(s1)} and {format_shape(s2)}."
            )
        if None not in (s1[a0], s2[a1]) and s1[a0] != s2[a1]:
            raise ShapeError(
                f"Layer '{self.name}' (Dot) needs axis {a0} of input 0 and axis {a1} of input 1 "
                f"to have the same size; received {format_shape(s1)} and {format_shape(s2)} "
                f"({s1[a0]} != {s2[a1]})."
            )
        return a0, a1

    def build(self, input_shape) -> None:
        self._check(input_shape)

    def compute_output_shape(self, input_shape):
        a0, a1 = self._check(input_shape)
        s1, s2 = (list(s) for s in input_shape)
        # as Keras: x1's shape without its axis (batch included), then x2's without batch
        out = [d for k, d in enumerate(s1) if k != a0] + [
            d for k, d in enumerate(s2) if k not in (0, a1)
        ]
        return tuple(out + [1] if len(out) == 1 else out)

    def _operands(self, x, y, a0: int, a1: int):
        """x as (batch, rest, k) and y as (batch, k, rest), with the rest's shapes."""
        xp = backend.xp
        xt, yt = xp.moveaxis(x, a0, -1), xp.moveaxis(y, a1, 1)
        x_rest, y_rest = xt.shape[1:-1], yt.shape[2:]
        b, k = x.shape[0], x.shape[a0]
        x3 = xt.reshape(b, math.prod(x_rest), k)
        y3 = yt.reshape(b, k, math.prod(y_rest))
        return x3, y3, x_rest, y_rest

    def _forward(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ShapeError(f"Layer '{self.name}' (Dot) takes a list of exactly 2 inputs.")
        x, y = inputs
        a0, a1 = self._check([tuple(x.shape), tuple(y.shape)])
        norms = None
        if self.normalize:
            (x, inv_x), (y, inv_y) = _l2_normalize(x, a0), _l2_normalize(y, a1)
            norms = (x, inv_x, y, inv_y)  # the normalized inputs and their inverse norms
        x3, y3, x_rest, y_rest = self._operands(x, y, a0, a1)
        out = backend.xp.matmul(x3, y3)
        b = out.shape[0]
        out = out.reshape((b, 1) if not x_rest and not y_rest else (b, *x_rest, *y_rest))
        return out, (x3, y3, x_rest, y_rest, a0, a1, norms)

    def call(self, inputs, training: bool = False):
        return self._forward(inputs)[0]

    def forward(self, inputs, training: bool = True):
        return self._forward(inputs)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        x3, y3, x_rest, y_rest, a0, a1, norms = cache
        b, rows, k = x3.shape
        g3 = grad_output.reshape(b, rows, y3.shape[2])
        gx = xp.matmul(g3, xp.swapaxes(y3, 1, 2)).reshape(b, *x_rest, k)
        gy = xp.matmul(xp.swapaxes(x3, 1, 2), g3).reshape(b, k, *y_rest)
        gx, gy = xp.moveaxis(gx, -1, a0), xp.moveaxis(gy, 1, a1)
        if norms is not None:
            x, inv_x, y, inv_y = norms
            gx = _l2_normalize_backward(x, inv_x, gx, a0)
            gy = _l2_normalize_backward(y, inv_y, gy, a1)
        return [xp.ascontiguousarray(gx), xp.ascontiguousarray(gy)]

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}

    def _repr_args(self) -> str:
        return f"axes={self.axes!r}, normalize={self.normalize}"


def _l2_normalize(x, axis: int):
    """Keras's `ops.normalize(x, axis)`: `x * min(rsqrt(sum(x**2)), 1/epsilon)`.
    Returns the result and the (clamped) inverse norm."""
    xp = backend.xp
    with np.errstate(divide="ignore"):  # an all-zero slice: rsqrt(0) = inf, then clamped
        inv = 1 / xp.sqrt(xp.sum(x * x, axis=axis, keepdims=True))
    inv = xp.minimum(inv, x.dtype.type(1 / backend.epsilon()))
    return x * inv, inv


def _l2_normalize_backward(n, inv, grad, axis: int):
    """Gradient through `_l2_normalize` given its output `n` and inverse norm `inv`:
    `inv * (g - n * sum(g * n))`, without the projection where the norm was clamped."""
    proj = backend.xp.sum(grad * n, axis=axis, keepdims=True)
    proj *= inv < inv.dtype.type(1 / backend.epsilon())  # clamped: `inv` is a constant
    return inv * (grad - n * proj)


def add(inputs, **kwargs):
    """Functional form of `Add`: `Add(**kwargs)(inputs)`.

    >>> import numpy as np
    >>> add([np.ones((1, 2)), np.ones((1, 2))])
    array([[2., 2.]], dtype=float32)
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: `Subtract(**kwargs)(inputs)`.

    >>> import numpy as np
    >>> subtract([np.ones((1, 2)), np.ones((1, 2))])
    array([[0., 0.]], dtype=float32)
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: `Multiply(**kwargs)(inputs)`.

    >>> import numpy as np
    >>> multiply([np.full((1, 2), 2.0), np.full((1, 2), 3.0)])
    array([[6., 6.]], dtype=float32)
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`: `Average(**kwargs)(inputs)`.

    >>> import numpy as np
    >>> average([np.zeros((1, 2)), np.full((1, 2), 4.0)])
    array([[2., 2.]], dtype=float32)
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: `Maximum(**kwargs)(inputs)`.

    >>> import numpy as np
    >>> maximum([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
    array([[3., 5.]], dtype=float32)
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`: `Minimum(**kwargs)(inputs)`.

    >>> import numpy as np
    >>> minimum([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
    array([[1., 2.]], dtype=float32)
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis: int = -1, **kwargs):
    """Functional form of `Concatenate`: `Concatenate(axis=axis, **kwargs)(inputs)`.

    >>> import numpy as np
    >>> concatenate([np.ones((2, 3)), np.ones((2, 1))]).shape
    (2, 4)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: `Dot(axes=axes, **kwargs)(inputs)` (`normalize=` too).

    >>> import numpy as np
    >>> dot([np.ones((2, 3)), np.ones((2, 3))], normalize=True).round(4)  # cosine similarity
    array([[1.],
           [1.]], dtype=float32)
    """
    return Dot(axes=axes, **kwargs)(inputs)
