"""Further operations of `keras.ops.numpy`, as user code writes them in custom layers,
Lambdas and losses: repetition and rearrangement (`tile`, `repeat`, `split`, `flip`,
`pad`, `broadcast_to`, `swapaxes`, `moveaxis`, `ravel`, `hstack` / `vstack`, `triu` /
`tril`, `diag` / `diagonal`), gathering (`take`, `take_along_axis`), contractions
(`einsum`, `dot`, `tensordot`, `outer`), scans (`cumsum`, `cumprod`), sorting (`sort`,
`argsort`), `average`, `count_nonzero`, the NaN tests and `nan_to_num`, more element-wise
math (`log2`, `log10`, `exp2`, the hyperbolic and inverse trigonometric functions,
`arctan2`), and `full` / `linspace` of tensors. Each has its backward pass (the gradient
of `sort` passes back through the permutation; `argsort`, the NaN tests and
`count_nonzero` pass none, as JAX), its output shape for unknown (None) axes and dtype
as Keras 3 computes them, and its config.

>>> import numpy as np
>>> Tile((1, 2))(np.array([[1.0, 2.0]])).tolist()
[[1.0, 2.0, 1.0, 2.0]]
>>> Einsum("ij,jk->ik")(np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
[[1.0, 2.0], [3.0, 4.0]]
>>> [p.tolist() for p in Split(2, axis=-1)(np.arange(4.0).reshape(1, 4))]
[[[0.0, 1.0]], [[2.0, 3.0]]]
"""

from __future__ import annotations

import math
import string

import numpy as np

from numkeras import backend
from numkeras.backend import sum_to_shape
from numkeras.errors import (
    ArgumentTypeError,
    AxisError,
    AxisTypeError,
    ConfigError,
    IncompatibleShapesError,
    InputTypeError,
    ShapeError,
    UnsupportedModeError,
    did_you_mean,
)
from numkeras.ops.core import _RuntimeShaped
from numkeras.ops.numpy import (
    _as_output,
    _as_tensor,
    _axes,
    _Binary,
    _dtype_of,
    _KeepsDtype,
    _shape_type_errors,
    _Unary,
    value_dtype,
)
from numkeras.ops.numpy_more import _as_bool, _is_float, check_dtype
from numkeras.ops.operation import (
    Operation,
    SymbolicDim,
    arr,
    broadcast_shapes,
    keras_result_type,
    result_dtype,
    shape_of,
    static_dim,
)
from numkeras.utils.checks import is_int


def _xp():
    return backend.xp


def _listed(value):
    """A config value as JSON writes it (tuples become lists, nested too)."""
    if isinstance(value, (list, tuple)):
        return [_listed(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


def _array_of(x, dtype: str | None = None):
    """An eager argument as a backend array (of `dtype` when given; a Python number as
    Keras's tensor of it: int32, floatx or bool)."""
    if isinstance(x, (bool, int, float)):
        a = _as_tensor(x) if dtype is None else _xp().asarray(x)
    else:
        a = _as_output(arr(x))
    if dtype is not None and str(a.dtype) != dtype:
        a = a.astype(dtype)
    return a


def scatter_add(target, index, values) -> None:
    """`target[index] += values`, repeated indices summed (`index` a NumPy-style index:
    an array, or a tuple of arrays)."""
    xp = _xp()
    if xp is np:
        np.add.at(target, index, values)
        return
    import cupyx  # CuPy: its scatter_add is the same operation

    cupyx.scatter_add(target, index, values)


def _inverse_permutation(order, axis: int):
    """The indices that undo `take_along_axis(x, order, axis)` (a permutation per lane)."""
    return _xp().argsort(order, axis=axis, kind="stable")


# -- repetition -------------------------------------------------------------------------------
class Tile(_KeepsDtype, Operation):
    """`tile(x, repeats)`: `x` repeated `repeats[i]` times along each axis; the gradient
    sums the copies."""

    def __init__(self, repeats, *, name=None):
        super().__init__(name=name)
        self.repeats = (
            int(repeats)
            if isinstance(repeats, (int, np.integer))
            else tuple(int(r) for r in repeats)
        )
        reps = self.repeats if isinstance(self.repeats, tuple) else (self.repeats,)
        if any(r < 0 for r in reps):
            raise ConfigError(
                f"tile's repeats must be 0 or more (copies along each axis); received {repeats}."
            )

    def get_config(self):
        return {"name": self.name, "repeats": _listed(self.repeats)}

    def _plan(self, shape):
        reps = [self.repeats] if isinstance(self.repeats, int) else list(self.repeats)
        shape = list(shape)
        if len(shape) > len(reps):
            reps = [1] * (len(shape) - len(reps)) + reps
        else:
            shape = [1] * (len(reps) - len(shape)) + shape
        return shape, reps

    def compute_output_spec(self, x):
        shape, reps = self._plan(shape_of(x))
        return tuple(None if d is None else d * r for d, r in zip(shape, reps))

    def _forward(self, x):
        x = _array_of(x)
        return _xp().tile(x, self.repeats), x.shape

    def _backward(self, cache, grad, need):
        shape, reps = self._plan(cache)
        split = [n for pair in zip(reps, shape) for n in pair]
        g = grad.reshape(split).sum(axis=tuple(range(0, 2 * len(shape), 2)))
        return (g.reshape(cache),)


class Repeat(_KeepsDtype, Operation):
    """`repeat(x, repeats, axis=None)`: each entry repeated (`repeats` an int, or one
    count per entry along `axis`); `axis` None repeats the flattened `x`."""

    def __init__(self, repeats, axis=None, *, name=None):
        super().__init__(name=name)
        self.repeats = (
            int(repeats) if isinstance(repeats, (int, np.integer)) else [int(r) for r in repeats]
        )
        if min(np.ravel(self.repeats), default=0) < 0:  # (JAX's TypeError; Keras's ValueError)
            raise ArgumentTypeError(f"repeat counts must be non-negative; received {repeats!r}.")
        self.axis = None if axis is None else int(axis)

    def get_config(self):
        return {"name": self.name, "repeats": _listed(self.repeats), "axis": self.axis}

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        reps = [self.repeats] if isinstance(self.repeats, int) else list(self.repeats)
        if self.axis is None:
            if None in shape:
                return (None,)
            size = math.prod(shape)
            if len(reps) == 1:
                return (size * reps[0],)
            if len(reps) != size:
                raise ShapeError(
                    "Size of `repeats` and dimensions of `x` after flattening should be "
                    f"compatible. Received: {len(reps)} and {size}"
                )
            return (sum(reps),)
        (axis,) = _axes(self.axis, len(shape))
        if shape[axis] is None:
            return tuple(shape)
        if len(reps) == 1:
            shape[axis] *= reps[0]
        elif len(reps) != shape[axis]:
            raise ShapeError(
                f"Size of `repeats` and dimensions of `axis {self.axis} of x` should be "
                f"compatible. Received: {len(reps)} and {tuple(shape)}"
            )
        else:
            shape[axis] = sum(reps)
        return tuple(shape)

    def _forward(self, x):
        x = _array_of(x)
        return _xp().repeat(x, self.repeats, axis=self.axis), x.shape

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape = cache
        if self.axis is None:
            flat_shape, axis = (math.prod(shape),), 0
        else:
            flat_shape, axis = shape, self.axis % len(shape)
        n = flat_shape[axis]
        g = xp.moveaxis(grad, axis, 0)
        if isinstance(self.repeats, int):
            g = g.reshape(n, self.repeats, *g.shape[1:]).sum(axis=1)
        else:
            owner = xp.asarray(np.repeat(np.arange(n), self.repeats))
            out = xp.zeros((n, *g.shape[1:]), grad.dtype)
            scatter_add(out, owner, g)
            g = out
        return (xp.moveaxis(g, 0, axis).reshape(shape),)


class Split(_KeepsDtype, Operation):
    """`split(x, indices_or_sections, axis=0)`: equal sections (an int) or pieces cut at
    the given indices; an operation with one output per piece."""

    multi_output = True

    def __init__(self, indices_or_sections, axis=0, *, name=None):
        super().__init__(name=name)
        if isinstance(indices_or_sections, (int, np.integer)):
            self.indices_or_sections = int(indices_or_sections)
        else:
            self.indices_or_sections = [int(i) for i in indices_or_sections]
        self.axis = int(axis)

    def get_config(self):
        return {
            "name": self.name,
            "indices_or_sections": _listed(self.indices_or_sections),
            "axis": self.axis,
        }

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        (axis,) = _axes(self.axis, len(shape))
        size = shape[axis]
        if isinstance(self.indices_or_sections, int):
            n = self.indices_or_sections
            if size is not None:
                if size % n:
                    raise ShapeError(
                        "`x` size on given `axis` must be divisible by `indices_or_sections` "
                        f"when `indices_or_sections` is an int. But received {size} and {n}."
                    )
                shape[axis] = size // n
            return [tuple(shape)] * n
        cuts = [0, *self.indices_or_sections, size]
        out = []
        for start, end in zip(cuts[:-1], cuts[1:]):
            piece = list(shape)
            piece[axis] = None if start is None or end is None else end - start
            out.append(tuple(piece))
        return out

    def _forward(self, x):
        x = _array_of(x)
        pieces = _xp().split(x, self.indices_or_sections, axis=self.axis)
        return list(pieces), self.axis % max(x.ndim, 1)

    def _backward(self, cache, grad, need):
        return (_xp().concatenate(list(grad), axis=cache),)


# -- scans ------------------------------------------------------------------------------------
def _scan_dtype(dtype: str, requested: str | None) -> str:
    """cumsum / cumprod's dtype, as Keras on JAX: bool counts in int32, every other dtype
    keeps its own (an int8 or uint8 running sum wraps around, as there)."""
    if requested is not None:
        return requested
    return "int32" if dtype == "bool" else dtype


class _Scan(Operation):
    def __init__(self, axis=None, dtype=None, *, name=None):
        super().__init__(name=name)
        self.axis = None if axis is None else int(axis)
        self.dtype = None if dtype is None else check_dtype(dtype)

    def get_config(self):
        return {"name": self.name, "axis": self.axis, "dtype": self.dtype}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        if self.axis is None:
            return (None,) if None in shape else (math.prod(shape),)
        _axes(self.axis, len(shape))
        return shape

    def output_dtype(self, x) -> str:
        return _scan_dtype(_dtype_of(x) or backend.floatx(), self.dtype)

    def _prepare(self, x):
        x = _array_of(x)
        dtype = _scan_dtype(str(x.dtype), self.dtype)
        shape = x.shape
        if self.axis is None:
            x, axis = x.reshape(-1), 0
        else:
            (axis,) = _axes(self.axis, x.ndim)
        return x.astype(dtype, copy=False), axis, shape


def _reverse_cumsum(g, axis):
    xp = _xp()
    return xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis)


class Cumsum(_Scan):
    """`cumsum(x, axis=None, dtype=None)`: running sums along `axis` (of the flattened
    `x` when None); the gradient is the reversed running sum."""

    def _forward(self, x):
        x, axis, shape = self._prepare(x)
        return _xp().cumsum(x, axis=axis, dtype=x.dtype), (axis, shape, x.dtype)

    def _backward(self, cache, grad, need):
        axis, shape, dtype = cache
        if dtype.kind not in "fc":
            return (None,)
        return (_reverse_cumsum(grad, axis).reshape(shape),)


class Cumprod(_Scan):
    """`cumprod(x, axis=None, dtype=None)`: running products along `axis`; the gradient
    is exact where entries are 0 (the products of the other entries, not a division)."""

    def _forward(self, x):
        x, axis, shape = self._prepare(x)
        out = _xp().cumprod(x, axis=axis, dtype=x.dtype)
        return out, (x, out, axis, shape)

    def _backward(self, cache, grad, need):
        x, out, axis, shape = cache
        if not _is_float(x):
            return (None,)
        xp = _xp()
        if bool(xp.all(x != 0)):
            return ((_reverse_cumsum(grad * out, axis) / x).reshape(shape),)
        # d out_j / d x_i = prod_{k <= j, k != i} x_k: the running product with x_i set
        # to 1, for each i (quadratic in the axis length, only when an entry is 0)
        xm = xp.moveaxis(x, axis, -1)
        gm = xp.moveaxis(grad, axis, -1)
        n = xm.shape[-1]
        eye = xp.eye(n, dtype=bool)
        rows = xp.where(eye, xp.ones((), x.dtype), xm[..., None, :])  # [..., i, k]
        prods = xp.cumprod(rows, axis=-1) * xp.triu(xp.ones((n, n), x.dtype))
        gx = (prods * gm[..., None, :]).sum(axis=-1)
        return (xp.moveaxis(gx, -1, axis).reshape(shape),)


# -- contractions -------------------------------------------------------------------------------
def _tokens(spec: str) -> list:
    """`"ab...c"` as `["a", "b", "...", "c"]`."""
    out, i = [], 0
    while i < len(spec):
        if spec.startswith("...", i):
            out.append("...")
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return out


def parse_einsum(subscripts: str, n_operands: int) -> tuple[list, str]:
    """(the input specs, the output spec) of einsum `subscripts`; without `->`, the output
    is the ellipsis then the letters that appear once, sorted (NumPy's rule)."""
    s = subscripts.replace(" ", "")
    parts = s.split("->")
    if len(parts) > 2:
        raise ConfigError(
            f"At most one '->' is supported in `einsum` subscripts, but received {subscripts}."
        )
    ins = parts[0].split(",")
    if len(ins) != n_operands:
        raise ShapeError(
            f"Number of operands ({n_operands}) does not match the number of input specs "
            f"({len(ins)}) in `einsum`, received subscripts={subscripts}."
        )
    for spec in ins + parts[1:]:
        bad = [t for t in _tokens(spec) if t != "..." and not t.isalpha()]
        if bad:
            raise ConfigError(f"Invalid einsum subscripts {subscripts!r}: {bad}.")
    if len(parts) == 2:
        return ins, parts[1]
    letters = [t for spec in ins for t in _tokens(spec) if t != "..."]
    once = sorted(c for c in set(letters) if letters.count(c) == 1)
    return ins, ("..." if "..." in parts[0] else "") + "".join(once)


def _spec_sizes(spec: str, shape) -> tuple[dict, tuple]:
    """Each letter's size in an operand of `shape`, and the axes the ellipsis covers."""
    toks = _tokens(spec)
    shape = tuple(shape)
    if "..." not in toks:
        if len(toks) != len(shape):
            raise ShapeError(
                "Number of dimensions in the subscript does not match the number of "
                f"dimensions in the operand, received subscript `{spec}` and operand of "
                f"shape {shape}."
            )
        return dict(zip(toks, shape)), ()
    p = toks.index("...")
    after = len(toks) - p - 1
    if len(shape) < len(toks) - 1:
        raise ShapeError(f"einsum subscript `{spec}` has more axes than the operand {shape}.")
    sizes = dict(zip(toks[:p], shape[:p]))
    sizes.update(zip(toks[p + 1 :], shape[len(shape) - after :]))
    return sizes, shape[p : len(shape) - after]


def _explicit(ins: list, out: str, shapes: list) -> tuple[list, str]:
    """The specs with each ellipsis spelled out in letters of its own (right-aligned,
    as the ellipsis broadcasts; the output's takes them all)."""
    if not any("..." in s for s in ins):
        return ins, out
    used = set("".join(ins) + out)
    free = [c for c in string.ascii_letters[::-1] if c not in used]
    ranks = [len(_spec_sizes(s, shape)[1]) for s, shape in zip(ins, shapes)]
    rank = max(ranks)
    letters = "".join(free[:rank][::-1])
    spelled = [s.replace("...", letters[rank - r :]) for s, r in zip(ins, ranks)]
    return spelled, out.replace("...", letters)


def _einsum(spec: str, *arrays):
    """`xp.einsum`; with NumPy's path optimisation (BLAS) for three or more operands, and
    for two that share a batch letter with the output (there it is several times faster;
    for a plain contraction, slower)."""
    optimize = len(arrays) > 2
    if len(arrays) == 2:
        lhs, _, out = spec.partition("->")
        a, b = lhs.split(",")
        optimize = bool((set(a) & set(b) & set(out)) - {"."})
    return _xp().einsum(spec, *arrays, optimize=optimize)


def einsum_grad(ins: list, out: str, operands: list, grad, k: int):
    """The gradient of `einsum(ins -> out)` for operand `k`: the einsum of the output's
    gradient with the other operands, to operand k's subscripts. A letter repeated in
    operand k (a diagonal) is spread back with an identity matrix; a letter only operand
    k has (summed over) is broadcast back with ones; broadcast axes are summed."""
    xp = _xp()
    ins, out = _explicit(ins, out, [o.shape for o in operands])
    x = operands[k]
    toks = _tokens(ins[k])
    sizes, ellipsis = _spec_sizes(ins[k], x.shape)
    others = [j for j in range(len(ins)) if j != k]
    elsewhere = set(out).union(*(set(ins[j]) for j in others))
    ellipsis_elsewhere = "..." in out or any("..." in ins[j] for j in others)
    used = set("".join(ins) + out)
    fresh = iter(c for c in string.ascii_letters if c not in used)
    target, reduced, extra_specs, extra_ops, seen = [], [], [], [], set()
    for t in toks:
        if t == "...":
            target.append(t)
            if ellipsis_elsewhere:
                reduced.append(t)
            else:
                extra_specs.append(t)
                extra_ops.append(xp.ones(ellipsis, grad.dtype))
        elif t in seen:  # a diagonal: spread back with an identity matrix
            f = next(fresh)
            target.append(f)
            extra_specs.append(t + f)
            extra_ops.append(xp.eye(sizes[t], dtype=grad.dtype))
        else:
            seen.add(t)
            target.append(t)
            if t in elsewhere:
                reduced.append(t)
            else:  # summed over by this operand alone: broadcast back
                extra_specs.append(t)
                extra_ops.append(xp.ones(sizes[t], grad.dtype))
    specs = [out] + [ins[j] for j in others]
    g = _einsum(f"{','.join(specs)}->{''.join(reduced)}", grad, *[operands[j] for j in others])
    if extra_specs:
        g = _einsum(f"{''.join(reduced)},{','.join(extra_specs)}->{''.join(target)}", g, *extra_ops)
    if g.shape != x.shape:  # broadcast axes (the ellipsis's, or of size 1) sum back
        if g.ndim > x.ndim:
            p = target.index("...")
            g = g.sum(axis=tuple(range(p, p + g.ndim - x.ndim)))
        axes = tuple(i for i, d in enumerate(x.shape) if d == 1 and g.shape[i] != 1)
        if axes:
            g = g.sum(axis=axes, keepdims=True)
        g = g.reshape(x.shape)
    return g.astype(x.dtype, copy=False)


class _Contraction(_KeepsDtype, Operation):
    """An operation computed as one einsum of its operands (cast to a common dtype),
    with einsum's backward pass."""

    def _plan(self, *shapes) -> tuple[list, str]:
        raise NotImplementedError

    def _operands(self, xs):
        dtype = value_dtype(*xs)
        return [_array_of(x, dtype) for x in xs]

    def _check_sizes(self, *shapes) -> None:
        """A ShapeError where summed axes differ (einsum broadcasts a size-1 one)."""

    def _forward(self, *xs):
        operands = self._operands(xs)
        self._check_sizes(*[o.shape for o in operands])
        ins, out = self._plan(*[o.shape for o in operands])
        result = _einsum(f"{','.join(ins)}->{out}", *operands)
        shapes = [shape_of(arr(x)) if not isinstance(x, (int, float)) else () for x in xs]
        return _as_output(result), (operands, ins, out, shapes, xs)

    def _backward(self, cache, grad, need):
        operands, ins, out, shapes, xs = cache
        grads = []
        for k, x in enumerate(xs):
            if not need[k] or not _is_float(arr(x)):
                grads.append(None)
                continue
            g = einsum_grad(ins, out, operands, grad, k)
            grads.append(g.reshape(shapes[k]).astype(arr(x).dtype, copy=False))
        return tuple(grads)


class Einsum(_Contraction):
    """`einsum(subscripts, *operands)`; its gradient for each float operand is the einsum
    of the output's gradient with the other operands (repeated letters, ellipses and
    letters summed by one operand alone included)."""

    def __init__(self, subscripts, *, name=None):
        super().__init__(name=name)
        self.subscripts = str(subscripts)

    def get_config(self):
        return {"name": self.name, "subscripts": self.subscripts}

    def output_dtype(self, *operands) -> str:
        dtypes = {_dtype_of(x) for x in operands}
        if dtypes == {"int8"}:
            return "int32"
        return value_dtype(*operands)

    def _operands(self, xs):
        dtype = self.output_dtype(*[arr(x) for x in xs])
        return [_array_of(x, dtype) for x in xs]

    def _plan(self, *shapes):
        return parse_einsum(self.subscripts, len(shapes))

    def compute_output_spec(self, *operands):
        ins, out = parse_einsum(self.subscripts, len(operands))
        result = None
        for x, spec in zip(operands, ins):
            shape = shape_of(x)
            sizes, ellipsis = _spec_sizes(spec, shape)
            expanded = []
            for t in _tokens(out):
                if t == "...":
                    expanded.extend(ellipsis)
                else:
                    expanded.append(sizes.get(t, 1))
            result = tuple(expanded) if result is None else broadcast_shapes(result, expanded)
        return result


def _letters(n: int, start: int) -> str:
    return string.ascii_letters[start : start + n]


class Dot(_Contraction):
    """`dot(x1, x2)`, NumPy's: the product summing the last axis of `x1` with the
    second-to-last of `x2` (the only one of a vector); a scalar multiplies."""

    # a shape mismatch on arrays is a TypeError too, as Keras's (JAX's)
    _forward = _shape_type_errors(_Contraction._forward)

    def _check_sizes(self, s1, s2):
        from numkeras.ops.operation import _Spec

        self.compute_output_spec(_Spec(s1), _Spec(s2))

    def _plan(self, s1, s2):
        n1, n2 = len(s1), len(s2)
        if n1 == 0 or n2 == 0:
            a, b = _letters(n1, 0), _letters(n2, 12)
            return [a, b], a or b
        a = _letters(n1 - 1, 0) + "Z"
        if n2 == 1:
            return [a, "Z"], a[:-1]
        b = _letters(n2 - 2, 12) + "ZY"
        return [a, b], a[:-1] + b[:-2] + "Y"

    def compute_output_spec(self, x1, x2):
        s1, s2 = list(shape_of(x1)), list(shape_of(x2))
        if not s1 or not s2:
            return broadcast_shapes(s1, s2)
        if len(s1) == 1 and len(s2) == 1:
            if None not in (s1[0], s2[0]) and s1[0] != s2[0]:
                raise ShapeError(f"dot needs vectors of one length, received {s1} and {s2}.")
            return ()
        if len(s2) == 1:
            if None not in (s1[-1], s2[0]) and s1[-1] != s2[0]:
                raise ShapeError(
                    "Shape must match on the last axis of `x1` and `x2` when `x1` is N-d "
                    f"array while `x2` is 1-D, but receive shape `x1.shape={tuple(s1)}` and "
                    f"x2.shape=`{tuple(s2)}`."
                )
            return tuple(s1[:-1])
        if s1[-1] is not None and s2[-2] is not None and s1[-1] != s2[-2]:
            raise ShapeError(
                "Shape must match on the last axis of `x1` and second last axis of `x2` when "
                f"`x1` is N-d array while `x2` is M-D, but received `x1.shape={tuple(s1)}` "
                f"and x2.shape=`{tuple(s2)}`."
            )
        return tuple(s1[:-1] + s2[:-2] + s2[-1:])


def _tensordot_axes(axes, n1: int, n2: int) -> tuple[list, list]:
    if isinstance(axes, (int, np.integer)):
        a = int(axes)
        return list(range(n1 - a, n1)), list(range(a))
    a1, a2 = axes
    a1 = [a1] if isinstance(a1, (int, np.integer)) else list(a1)
    a2 = [a2] if isinstance(a2, (int, np.integer)) else list(a2)
    if len(a1) != len(a2):
        raise ShapeError(f"tensordot's axes {axes} pair unequal numbers of axes.")
    return [int(a) % n1 for a in a1], [int(a) % n2 for a in a2]


class Tensordot(_Contraction):
    """`tensordot(x1, x2, axes=2)`: the last `axes` axes of `x1` summed with the first of
    `x2`, or the axes paired in `axes = (axes1, axes2)`."""

    def __init__(self, axes=2, *, name=None):
        super().__init__(name=name)
        self.axes = int(axes) if isinstance(axes, (int, np.integer)) else _listed(axes)

    def get_config(self):
        return {"name": self.name, "axes": self.axes}

    def _plan(self, s1, s2):
        a1, a2 = _tensordot_axes(self.axes, len(s1), len(s2))
        x1 = list(_letters(len(s1), 0))
        x2 = list(_letters(len(s2), 20))
        for i, j in zip(a1, a2):
            x2[j] = x1[i]
        out = [c for i, c in enumerate(x1) if i not in a1] + [
            c for j, c in enumerate(x2) if j not in a2
        ]
        return ["".join(x1), "".join(x2)], "".join(out)

    def _check_sizes(self, s1, s2):
        a1, a2 = _tensordot_axes(self.axes, len(s1), len(s2))
        if [s1[i] for i in a1] != [s2[j] for j in a2]:  # (also a TypeError, as JAX's)
            raise IncompatibleShapesError(
                f"Shape mismatch on `x1[axes[0]]` and `x2[axes[1]]`, received "
                f"{[s1[i] for i in a1]} and {[s2[j] for j in a2]}."
            )

    def compute_output_spec(self, x1, x2):
        s1, s2 = list(shape_of(x1)), list(shape_of(x2))
        if isinstance(self.axes, int):
            if self.axes <= 0:
                return tuple(s1 + s2)
            return tuple(s1[: -self.axes] + s2[self.axes :])
        a1, a2 = _tensordot_axes(self.axes, len(s1), len(s2))
        for i, j in zip(a1, a2):
            if None not in (s1[i], s2[j]) and s1[i] != s2[j]:
                raise ShapeError(
                    f"Shape mismatch on `x1[axes[0]]` and `x2[axes[1]]`, received "
                    f"{[s1[i] for i in a1]} and {[s2[j] for j in a2]}."
                )
        return tuple([d for i, d in enumerate(s1) if i not in a1]) + tuple(
            d for j, d in enumerate(s2) if j not in a2
        )


class Outer(_Contraction):
    """`outer(x1, x2)`: every entry of the flattened `x1` times every entry of the
    flattened `x2`."""

    def _operands(self, xs):
        return [o.reshape(-1) for o in super()._operands(xs)]

    def _plan(self, s1, s2):
        return ["i", "j"], "ij"

    def compute_output_spec(self, x1, x2):
        s1, s2 = shape_of(x1) or (1,), shape_of(x2) or (1,)
        return (
            None if None in s1 else math.prod(s1),
            None if None in s2 else math.prod(s2),
        )


# -- gathering ------------------------------------------------------------------------------
def _indices(indices, size: int, who: str):
    """Integer indices as a backend array, negative ones counted from the end; an index
    out of range is refused (JAX would fill NaN)."""
    xp = _xp()
    idx = xp.asarray(arr(indices))
    if idx.dtype.kind not in "iu":
        if idx.dtype.kind == "f" and bool(xp.all(idx == xp.round(idx))):
            idx = idx.astype("int64")
        else:
            raise InputTypeError(f"{who} takes integer indices; received dtype {idx.dtype}.")
    if idx.size and (bool(xp.any(idx >= size)) or bool(xp.any(idx < -size))):
        bad = int(idx[(idx >= size) | (idx < -size)].reshape(-1)[0])
        raise IndexError(
            f"{who}: index {bad} is out of bounds for an axis of size {size} (numkeras "
            "refuses it; JAX's take fills NaN there)."
        )
    return xp.where(idx < 0, idx + size, idx)


class Take(Operation):
    """`take(x, indices, axis=None)`: the entries at integer `indices` along `axis` (of
    the flattened `x` when None); the gradient adds into those entries (repeated indices
    summed)."""

    def __init__(self, axis=None, *, name=None):
        super().__init__(name=name)
        self.axis = None if axis is None else int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def output_dtype(self, x, indices) -> str:
        return value_dtype(x)

    def compute_output_spec(self, x, indices):
        shape = list(shape_of(x))
        ishape = list(shape_of(indices) if hasattr(indices, "shape") else np.shape(indices))
        if self.axis is None:
            return tuple(ishape)
        (axis,) = _axes(self.axis, len(shape))
        return tuple(shape[:axis] + ishape + shape[axis + 1 :])

    def _forward(self, x, indices):
        xp = _xp()
        x = _array_of(x)
        if self.axis is None:
            flat = x.reshape(-1)
            idx = _indices(indices, flat.shape[0], "take")
            return xp.take(flat, idx), (x.shape, x.dtype, idx, None)
        (axis,) = _axes(self.axis, x.ndim)
        idx = _indices(indices, x.shape[axis], "take")
        return xp.take(x, idx, axis=axis), (x.shape, x.dtype, idx, axis)

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape, dtype, idx, axis = cache
        if not need[0] or dtype.kind not in "fc":
            return None, None
        if axis is None:
            g = xp.zeros(math.prod(shape), grad.dtype)
            scatter_add(g, idx.reshape(-1), grad.reshape(-1))
            return g.reshape(shape), None
        g = xp.zeros(shape, grad.dtype)
        rest = shape[:axis] + shape[axis + 1 :]
        moved = xp.moveaxis(grad, tuple(range(axis, axis + idx.ndim)), tuple(range(idx.ndim)))
        scatter_add(xp.moveaxis(g, axis, 0), idx.reshape(-1), moved.reshape(-1, *rest))
        return g, None


class TakeAlongAxis(Operation):
    """`take_along_axis(x, indices, axis=None)`: per lane along `axis`, the entries at
    `indices` (broadcast with `x` on the other axes); the gradient adds into them."""

    def __init__(self, axis=None, *, name=None):
        super().__init__(name=name)
        self.axis = None if axis is None else int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def output_dtype(self, x, indices) -> str:
        return value_dtype(x)

    def compute_output_spec(self, x, indices):
        shape = list(shape_of(x))
        ishape = list(shape_of(indices))
        if self.axis is None:
            shape = [None if None in shape else math.prod(shape)]
        if len(shape) != len(ishape):
            raise ShapeError(
                "`x` and `indices` must have the same number of dimensions, but receive "
                f"shape {tuple(shape)} and {tuple(ishape)}."
            )
        axis = 0 if self.axis is None else _axes(self.axis, len(shape))[0]
        shape[axis] = ishape[axis]
        return broadcast_shapes(shape, ishape)

    def _forward(self, x, indices):
        xp = _xp()
        x = _array_of(x)
        shape = x.shape
        if self.axis is None:
            x, axis = x.reshape(-1), 0
        else:
            (axis,) = _axes(self.axis, x.ndim)
        idx = _indices(indices, x.shape[axis], "take_along_axis")
        if idx.ndim != x.ndim:
            raise ShapeError(
                "`x` and `indices` must have the same number of dimensions, but receive "
                f"shape {x.shape} and {idx.shape}."
            )
        lanes = [1 if d == axis else n for d, n in enumerate(x.shape)]
        full = list(np.broadcast_shapes(tuple(lanes), idx.shape))
        idx = xp.broadcast_to(idx, full)
        xshape = list(full)
        xshape[axis] = x.shape[axis]
        out = xp.take_along_axis(xp.broadcast_to(x, xshape), idx, axis=axis)
        return out, (shape, x.shape, x.dtype, idx, axis, tuple(xshape))

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape, xshape, dtype, idx, axis, bshape = cache
        if not need[0] or dtype.kind not in "fc":
            return None, None
        g = xp.zeros(bshape, grad.dtype)
        index = []
        for d in range(len(bshape)):
            if d == axis:
                index.append(idx)
            else:
                view = [1] * len(bshape)
                view[d] = idx.shape[d]
                index.append(xp.arange(idx.shape[d]).reshape(view))
        scatter_add(g, tuple(index), grad)
        return sum_to_shape(g, xshape).reshape(shape), None


# -- padding, flipping, broadcasting, axes ----------------------------------------------------
_PAD_MODES = ("constant", "reflect", "symmetric", "edge", "wrap")


def _process_pad_width(pad_width):
    """Keras's `Pad._process_pad_width`: an int is `((p, p),)`, one pair applies to every
    axis, a `(p,)` entry means `(p, p)`."""
    if isinstance(pad_width, (int, np.integer)):
        return [[int(pad_width), int(pad_width)]]
    if isinstance(pad_width, (list, tuple)) and isinstance(pad_width[0], (int, np.integer)):
        return [[int(p) for p in pad_width]]
    first = len(pad_width[0])
    out = []
    for pw in pad_width:
        if len(pw) != first:
            raise ConfigError(
                "`pad_width` should be a list of tuples of length 1 or 2. Received: "
                f"pad_width={pad_width}"
            )
        out.append([int(pw[0]), int(pw[0])] if len(pw) == 1 else [int(p) for p in pw])
    return out


class Pad(Operation):
    """`pad(x, pad_width, mode="constant", constant_values=None)`: modes constant,
    reflect, symmetric, edge and wrap; the gradient takes the interior (constant) or adds
    each copied entry's gradient to its source; a float tensor `constant_values` takes
    the padding's gradient."""

    def __init__(self, pad_width, mode="constant", *, name=None):
        super().__init__(name=name)
        if isinstance(mode, str) and mode.lower() in _PAD_MODES:
            # (TensorFlow's spelling, `mode="REFLECT"`, as Keras's TensorFlow backend takes
            # it: keras.io's CycleGAN writes it so)
            mode = mode.lower()
        if mode not in _PAD_MODES:
            raise UnsupportedModeError(
                f"numkeras's pad has the modes {list(_PAD_MODES)}; received mode={mode!r}."
                + did_you_mean(mode, _PAD_MODES)
            )
        self._pad_width_arg = _listed(pad_width)  # (Keras's config keeps it as given)
        self.pad_width = _process_pad_width(pad_width)
        self.mode = mode

    def get_config(self):
        return {"name": self.name, "pad_width": self._pad_width_arg, "mode": self.mode}

    def _widths(self, ndim: int) -> list:
        if len(self.pad_width) == 1:
            return [tuple(self.pad_width[0])] * ndim
        if len(self.pad_width) != ndim:
            raise ShapeError(
                "`pad_width` must have the same length as `x.shape`. Received: "
                f"pad_width={self.pad_width} (of length {len(self.pad_width)}) and a tensor "
                f"of rank {ndim}"
            )
        return [tuple(p) for p in self.pad_width]

    def output_dtype(self, x, constant_values=None) -> str:
        return value_dtype(x)

    def compute_output_spec(self, x, constant_values=None):
        shape = shape_of(x)
        widths = self._widths(len(shape))
        return tuple(None if d is None else d + a + b for d, (a, b) in zip(shape, widths))

    def _forward(self, x, constant_values=None):
        xp = _xp()
        x = _array_of(x)
        widths = self._widths(x.ndim)
        if self.mode == "constant":
            cv = 0 if constant_values is None else arr(constant_values)
            out = xp.pad(x, widths, mode="constant", constant_values=cv)
        else:
            if constant_values is not None:
                raise ConfigError(
                    "Argument `constant_values` can only be provided when `mode == "
                    f"'constant'`. Received: mode={self.mode}"
                )
            out = xp.pad(x, widths, mode=self.mode)
        return out, (x.shape, x.dtype, widths, constant_values)

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape, dtype, widths, cv = cache
        gx = gc = None
        if self.mode == "constant":
            inner = tuple(slice(a, a + n) for (a, _), n in zip(widths, shape))
            if need[0] and dtype.kind in "fc":
                gx = grad[inner].copy()
            cva = arr(cv)
            if len(need) > 1 and need[1] and _is_float(cva):
                gc = sum_to_shape(xp.asarray(grad.sum() - grad[inner].sum()), cva.shape)
            return gx, gc
        if need[0] and dtype.kind in "fc":
            size = math.prod(shape)
            source = xp.pad(xp.arange(size).reshape(shape), widths, mode=self.mode)
            gx = xp.bincount(source.reshape(-1), weights=grad.reshape(-1), minlength=size)
            gx = gx.reshape(shape).astype(grad.dtype)
        return gx, None


def _axis_config(axis):
    return list(axis) if isinstance(axis, tuple) else axis


class Flip(_KeepsDtype, Operation):
    """`flip(x, axis=None)`: the entries in reverse order along `axis` (all axes when
    None)."""

    def __init__(self, axis=None, *, name=None):
        super().__init__(name=name)
        self.axis = tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else axis

    def get_config(self):
        return {"name": self.name, "axis": _axis_config(self.axis)}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        if isinstance(self.axis, tuple) and all(-len(shape) <= a < len(shape) for a in self.axis):
            if len({a % len(shape) for a in self.axis}) < len(self.axis):
                raise ArgumentTypeError(  # (JAX: "rev dimensions must be unique", a TypeError)
                    f"flip: axis={self.axis} names an axis twice for a tensor of rank "
                    f"{len(shape)}; name each axis once."
                )
        if self.axis is not None:
            _axes(self.axis, len(shape))
        return shape

    def _forward(self, x):
        x = _array_of(x)
        self.compute_output_spec(x)
        return _xp().flip(x, axis=self.axis), None

    def _backward(self, cache, grad, need):
        return (_xp().flip(grad, axis=self.axis),)


class BroadcastTo(_KeepsDtype, Operation):
    """`broadcast_to(x, shape)`; the gradient sums over the broadcast axes."""

    def __init__(self, shape, *, name=None):
        super().__init__(name=name)
        self.shape = tuple(int(d) for d in shape)

    def get_config(self):
        return {"name": self.name, "shape": list(self.shape)}

    def compute_output_spec(self, x):
        broadcast_shapes(shape_of(x), self.shape)
        return self.shape

    def _forward(self, x):
        x = _array_of(x)
        return _xp().broadcast_to(x, self.shape).copy(), x.shape

    def _backward(self, cache, grad, need):
        return (sum_to_shape(grad, cache),)


class DynamicBroadcastTo(_KeepsDtype, _RuntimeShaped):
    """`broadcast_to(x, shape)` where `shape` holds sizes read at run time
    (`ops.shape(y)[0]`)."""

    def compute_output_spec(self, x, shape):
        out = tuple(static_dim(d) for d in shape)
        broadcast_shapes(shape_of(x), out)
        return out

    def _forward(self, x, shape):
        x = _array_of(x)
        return _xp().broadcast_to(x, tuple(int(d) for d in shape)).copy(), x.shape

    def _backward(self, cache, grad, need):
        return sum_to_shape(grad, cache), None


class Swapaxes(_KeepsDtype, Operation):
    """`swapaxes(x, axis1, axis2)`."""

    def __init__(self, axis1, axis2, *, name=None):
        super().__init__(name=name)
        for name_, a in (("axis1", axis1), ("axis2", axis2)):
            if not is_int(a):  # (int(1.5) would swap axis 1 silently)
                raise AxisTypeError(
                    f"swapaxes: `{name_}` must be an integer; received {a!r} (of type "
                    f"{type(a).__name__})."
                )
        self.axis1, self.axis2 = int(axis1), int(axis2)

    def get_config(self):
        return {"name": self.name, "axis1": self.axis1, "axis2": self.axis2}

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        a, b = _axes(self.axis1, len(shape))[0], _axes(self.axis2, len(shape))[0]
        shape[a], shape[b] = shape[b], shape[a]
        return tuple(shape)

    def _forward(self, x):
        return _xp().swapaxes(_array_of(x), self.axis1, self.axis2), None

    def _backward(self, cache, grad, need):
        return (_xp().swapaxes(grad, self.axis1, self.axis2),)


class Moveaxis(_KeepsDtype, Operation):
    """`moveaxis(x, source, destination)` (ints or sequences of ints)."""

    def __init__(self, source, destination, *, name=None):
        super().__init__(name=name)
        self._args = (_listed(source), _listed(destination))  # (the config keeps them)
        self.source = (
            [int(source)] if isinstance(source, (int, np.integer)) else [int(a) for a in source]
        )
        self.destination = (
            [int(destination)]
            if isinstance(destination, (int, np.integer))
            else [int(a) for a in destination]
        )
        if len(self.source) != len(self.destination):
            raise ConfigError(
                "`source` and `destination` arguments must have the same number of elements, "
                f"but received `source={source}` and `destination={destination}`."
            )

    def get_config(self):
        source, destination = self._args
        return {"name": self.name, "source": source, "destination": destination}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        order = _move_order(len(shape), self.source, self.destination)
        return tuple(shape[i] for i in order)

    def _forward(self, x):
        x = _array_of(x)
        order = _move_order(x.ndim, self.source, self.destination)
        return _xp().transpose(x, order), order

    def _backward(self, cache, grad, need):
        return (_xp().transpose(grad, tuple(np.argsort(cache))),)


def _move_order(ndim: int, source, destination) -> tuple:
    """The axis order of `moveaxis` (output axis i is input axis order[i])."""
    for a in (*source, *destination):
        if not -ndim <= int(a) < ndim:
            raise AxisError(f"axis {a} is out of bounds for an array with dimension {ndim}.")
    src = [int(a) % ndim for a in source]
    dst = [int(a) % ndim for a in destination]
    order = [a for a in range(ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return tuple(order)


class Ravel(_KeepsDtype, Operation):
    """`ravel(x)`: `x` flattened."""

    def compute_output_spec(self, x):
        shape = shape_of(x)
        return (None,) if None in shape else (math.prod(shape),)

    def _forward(self, x):
        x = _array_of(x)
        return x.reshape(-1), x.shape

    def _backward(self, cache, grad, need):
        return (grad.reshape(cache),)


class _Triangle(_KeepsDtype, Operation):
    _fn = ""

    def __init__(self, k=0, *, name=None):
        super().__init__(name=name)
        self.k = int(k)

    def get_config(self):
        return {"name": self.name, "k": self.k}

    def compute_output_spec(self, x):
        return shape_of(x)

    def _forward(self, x):
        return getattr(_xp(), self._fn)(_array_of(x), k=self.k), None

    def _backward(self, cache, grad, need):
        return (getattr(_xp(), self._fn)(grad, k=self.k),)


class Triu(_Triangle):
    """`triu(x, k=0)`: the entries on and above diagonal `k` of the last two axes."""

    _fn = "triu"


class Tril(_Triangle):
    """`tril(x, k=0)`: the entries on and below diagonal `k` of the last two axes."""

    _fn = "tril"


def _diag_length(rows, cols, offset: int):
    if rows is None or cols is None:
        return None
    remaining = cols - offset if offset > 0 else rows + offset
    return int(max(0, min(remaining, min(rows, cols))))


def _diag_index(rows: int, cols: int, offset: int):
    xp = _xp()
    n = _diag_length(rows, cols, offset)
    i = xp.arange(n)
    return i + max(0, -offset), i + max(0, offset)


class Diag(_KeepsDtype, Operation):
    """`diag(x, k=0)`: a vector as the `k`-th diagonal of a square matrix, or the `k`-th
    diagonal of a matrix."""

    def __init__(self, k=0, *, name=None):
        super().__init__(name=name)
        self.k = int(k)

    def get_config(self):
        return {"name": self.name, "k": self.k}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        if len(shape) == 1:
            n = None if shape[0] is None else shape[0] + abs(self.k)
            return (n, n)
        if len(shape) == 2:
            return (_diag_length(shape[0], shape[1], self.k),)
        raise ShapeError(f"`x` must be 1-D or 2-D, but received shape {shape}.")

    def _forward(self, x):
        x = _array_of(x)
        if x.ndim not in (1, 2):
            raise ShapeError(f"`x` must be 1-D or 2-D, but received shape {x.shape}.")
        return _xp().diag(x, k=self.k).copy(), x.shape

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape = cache
        if len(shape) == 1:
            return (xp.diagonal(grad, offset=self.k).copy(),)
        g = xp.zeros(shape, grad.dtype)
        rows, cols = _diag_index(shape[0], shape[1], self.k)
        g[rows, cols] = grad
        return (g,)


class Diagonal(_KeepsDtype, Operation):
    """`diagonal(x, offset=0, axis1=0, axis2=1)`: the diagonal of the matrices on
    `axis1`, `axis2`, as a last axis."""

    def __init__(self, offset=0, axis1=0, axis2=1, *, name=None):
        super().__init__(name=name)
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def get_config(self):
        return {
            "name": self.name,
            "offset": self.offset,
            "axis1": self.axis1,
            "axis2": self.axis2,
        }

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        if len(shape) < 2:
            raise ShapeError(
                "`diagonal` requires an array of at least two dimensions, but `x` is of "
                f"shape {tuple(shape)}."
            )
        a1, a2 = _axes(self.axis1, len(shape))[0], _axes(self.axis2, len(shape))[0]
        if a1 == a2:
            raise ConfigError(
                f"`axis1` and `axis2` must name two different axes; received axis1={self.axis1}, "
                f"axis2={self.axis2} for a tensor of rank {len(shape)}."
            )
        rest = [d for i, d in enumerate(shape) if i not in (a1, a2)]
        return (*rest, _diag_length(shape[a1], shape[a2], self.offset))

    def _forward(self, x):
        x = _array_of(x)
        self.compute_output_spec(x)  # (the axes' checks)
        out = _xp().diagonal(x, offset=self.offset, axis1=self.axis1, axis2=self.axis2)
        return out.copy(), x.shape

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape = cache
        a1, a2 = self.axis1 % len(shape), self.axis2 % len(shape)
        g = xp.zeros(shape, grad.dtype)
        moved = xp.moveaxis(g, (a1, a2), (-2, -1))
        rows, cols = _diag_index(shape[a1], shape[a2], self.offset)
        moved[..., rows, cols] = grad
        return (g,)


class _Stack(_KeepsDtype, Operation):
    """hstack / vstack: a concatenation of the arguments made at least 1-D / 2-D."""

    def _parts(self, xs):
        raise NotImplementedError

    def _forward(self, xs):
        xs = [_array_of(x) for x in xs]
        dtype = value_dtype(*xs)
        parts, axis = self._parts([x.astype(dtype, copy=False) for x in xs])
        out = _xp().concatenate(parts, axis=axis)
        return out, ([x.shape for x in xs], [p.shape[axis] for p in parts], axis)

    def _backward(self, cache, grad, need):
        shapes, sizes, axis = cache
        pieces = _xp().split(grad, np.cumsum(sizes)[:-1].tolist(), axis=axis)
        return ([p.reshape(s) for p, s in zip(pieces, shapes)],)

    def compute_output_spec(self, xs):
        shapes = [list(self._shape(shape_of(x))) for x in xs]
        axis = self._axis(shapes)
        out = list(shapes[0])
        for s in shapes[1:]:
            if len(s) != len(out):
                raise ShapeError(f"{type(self).__name__.lower()} needs tensors of one rank.")
            for i, (a, b) in enumerate(zip(out, s)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is None:
                    out[i] = b
                elif b is not None and a != b:
                    raise ShapeError(
                        "Every value in `xs` must have the same shape except on the `axis` "
                        f"dim. But found element of shape {tuple(s)}, which is different "
                        f"from the first element's shape {tuple(shapes[0])}."
                    )
        return tuple(out)


class Hstack(_Stack):
    """`hstack(xs)`: concatenated along axis 1 (axis 0 for vectors)."""

    def _shape(self, shape):
        return shape or (1,)

    def _axis(self, shapes):
        return 0 if len(shapes[0]) == 1 else 1

    def _parts(self, xs):
        parts = [x.reshape(1) if x.ndim == 0 else x for x in xs]
        return parts, self._axis([p.shape for p in parts])


class Vstack(_Stack):
    """`vstack(xs)`: concatenated along axis 0, vectors as rows."""

    def _shape(self, shape):
        return (1, *shape) if len(shape) < 2 else shape

    def _axis(self, shapes):
        return 0

    def _parts(self, xs):
        return [x.reshape(self._shape(x.shape)) for x in xs], 0


# -- sorting ----------------------------------------------------------------------------------
class Sort(_KeepsDtype, Operation):
    """`sort(x, axis=-1)` (a stable sort; all entries when `axis` is None): the gradient
    goes back through the permutation."""

    def __init__(self, axis=-1, *, name=None):
        super().__init__(name=name)
        self.axis = None if axis is None else int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        if self.axis is None:
            return (None,) if None in shape else (math.prod(shape),)
        _axes(self.axis, len(shape))
        return shape

    def _forward(self, x):
        xp = _xp()
        x = _array_of(x)
        shape = x.shape
        if self.axis is None:
            x, axis = x.reshape(-1), 0
        else:
            (axis,) = _axes(self.axis, x.ndim)
        order = xp.argsort(x, axis=axis, kind="stable")
        return xp.take_along_axis(x, order, axis=axis), (order, axis, shape, x.dtype)

    def _backward(self, cache, grad, need):
        order, axis, shape, dtype = cache
        if dtype.kind not in "fc":
            return (None,)
        back = _xp().take_along_axis(grad, _inverse_permutation(order, axis), axis=axis)
        return (back.reshape(shape),)


class Argsort(Operation):
    """`argsort(x, axis=-1)`: int32 indices of a stable sort; no gradient."""

    def __init__(self, axis=-1, *, name=None):
        super().__init__(name=name)
        self.axis = None if axis is None else int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def compute_output_spec(self, x):
        return Sort.compute_output_spec(self, x)

    def output_dtype(self, *args) -> str:
        return "int32"

    def _forward(self, x):
        x = _array_of(x)
        axis = self.axis
        if axis is None:
            x, axis = x.reshape(-1), 0
        return _xp().argsort(x, axis=axis, kind="stable").astype("int32"), None

    def _backward(self, cache, grad, need):
        return (None,)


# -- reductions -------------------------------------------------------------------------------
class Average(Operation):
    """`average(x, axis=None, weights=None)`: the mean, or `sum(x * w) / sum(w)` with
    `weights` of `x`'s shape or one weight per entry along `axis`; gradients for `x` and
    float `weights`."""

    def __init__(self, axis=None, *, name=None):
        super().__init__(name=name)
        self.axis = None if axis is None else int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def output_dtype(self, x, weights=None) -> str:
        return result_dtype(x, weights) if weights is not None else result_dtype(x)

    def compute_output_spec(self, x, weights=None):
        shape = shape_of(x)
        if self.axis is None:
            ws = None if weights is None else shape_of(weights)
            known = zip(ws or (), shape)
            differ = any(None not in (u, v) and u != v for u, v in known)
            if ws is not None and (len(ws) != len(shape) or differ):
                raise ShapeError(
                    f"`weights` must have the same shape as `x` when `axis=None`; received "
                    f"weights of shape {ws} for x of shape {shape}."
                )
            return ()
        (axis,) = _axes(self.axis, len(shape))
        if weights is not None:
            ws = shape_of(weights)
            same = len(ws) == len(shape) and all(
                a is None or b is None or a == b for a, b in zip(ws, shape)
            )
            along = len(ws) == 1 and None in (ws[0], shape[axis]) or ws == (shape[axis],)
            if not (same or along):
                raise ShapeError(
                    f"`weights` must have the same size as `x` at `axis={self.axis}` but "
                    f"received `weights.shape={ws}` while x.shape at `{self.axis}` is "
                    f"`{shape[axis]}`."
                )
        return tuple(d for i, d in enumerate(shape) if i != axis)

    def _forward(self, x, weights=None):
        xp = _xp()
        dtype = self.output_dtype(arr(x), None if weights is None else arr(weights))
        x = _array_of(x, dtype)
        axes = tuple(range(x.ndim)) if self.axis is None else _axes(self.axis, x.ndim)
        if weights is None:
            out = x.mean(axis=axes, keepdims=True)
            count = math.prod(x.shape[a] for a in axes)
            return self._squeeze(out, axes), (x, None, None, out, count, axes)
        w = _array_of(weights, dtype)
        wb = w
        if w.shape != x.shape:
            if self.axis is None or w.ndim != 1 or w.shape[0] != x.shape[axes[0]]:
                raise ShapeError(
                    f"`weights` must have the same shape as `x`, or one weight per entry "
                    f"along `axis`; received weights of shape {w.shape} for x of shape "
                    f"{x.shape} and axis={self.axis}."
                )
            view = [1] * x.ndim
            view[axes[0]] = w.shape[0]
            wb = w.reshape(view)
        total = (wb * xp.ones_like(x)).sum(axis=axes, keepdims=True)
        out = (x * wb).sum(axis=axes, keepdims=True) / total
        return self._squeeze(out, axes), (x, w, wb, out, total, axes)

    @staticmethod
    def _squeeze(out, axes):
        return out.reshape([d for i, d in enumerate(out.shape) if i not in axes])

    def _backward(self, cache, grad, need):
        x, w, wb, out, total, axes = cache
        g = grad.reshape(out.shape)
        if w is None:
            gx = _xp().broadcast_to(g / total, x.shape).copy()
            return (gx,) if len(need) == 1 else (gx, None)
        gx = g * wb / total if need[0] else None
        gw = None
        if len(need) > 1 and need[1]:
            gw = sum_to_shape(g * (x - out) / total, wb.shape).reshape(w.shape)
        return gx, gw


class CountNonzero(Operation):
    """`count_nonzero(x, axis=None)`: int32 counts of the nonzero entries; no gradient."""

    def __init__(self, axis=None, *, name=None):
        super().__init__(name=name)
        self._axis_arg = _listed(axis)  # (Keras's config keeps the argument as given)
        if isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        self.axis = None if axis is None else tuple(int(a) for a in axis)

    def get_config(self):
        return {"name": self.name, "axis": self._axis_arg}

    def output_dtype(self, *args) -> str:
        return "int32"

    def compute_output_spec(self, x):
        shape = shape_of(x)
        axes = _axes(self.axis, len(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def _forward(self, x):
        x = _array_of(x)
        axes = _axes(self.axis, x.ndim)
        return _xp().asarray(_xp().count_nonzero(x, axis=axes)).astype("int32"), None

    def _backward(self, cache, grad, need):
        return (None,)


# -- NaN and infinity -------------------------------------------------------------------------
class _Test(Operation):
    _fn = ""

    def compute_output_spec(self, x):
        return shape_of(x)

    def output_dtype(self, *args) -> str:
        return "bool"

    def _forward(self, x):
        return _as_bool(getattr(_xp(), self._fn)(_array_of(x))), None

    def _backward(self, cache, grad, need):
        return (None,)


class Isnan(_Test):
    """`isnan(x)` (a bool tensor, no gradient)."""

    _fn = "isnan"


class Isinf(_Test):
    """`isinf(x)` (a bool tensor, no gradient)."""

    _fn = "isinf"


class Isfinite(_Test):
    """`isfinite(x)` (a bool tensor, no gradient)."""

    _fn = "isfinite"


class NanToNum(_KeepsDtype, Operation):
    """`nan_to_num(x, nan=0.0, posinf=None, neginf=None)`: NaN and infinities replaced
    (by the dtype's extremes when `posinf` / `neginf` are None); the replaced entries
    pass no gradient."""

    def __init__(self, nan=0.0, posinf=None, neginf=None, *, name=None):
        super().__init__(name=name)
        self.nan, self.posinf, self.neginf = nan, posinf, neginf

    def get_config(self):
        return {"name": self.name, "nan": self.nan, "posinf": self.posinf, "neginf": self.neginf}

    def compute_output_spec(self, x):
        return shape_of(x)

    def _forward(self, x):
        x = _as_tensor(x)  # (a Python int as int32, as Keras)
        out = _xp().nan_to_num(x, nan=self.nan, posinf=self.posinf, neginf=self.neginf)
        return out, x

    def _backward(self, cache, grad, need):
        x = cache
        if not _is_float(x):
            return (None,)
        return (_xp().where(_xp().isfinite(x), grad, 0).astype(grad.dtype),)


# -- element-wise math ------------------------------------------------------------------------
class Log2(_Unary):
    def _apply(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _xp().log2(x)

    def _grad(self, x, out, g):
        with np.errstate(divide="ignore"):
            return g / (x * math.log(2.0))


class Log10(_Unary):
    def _apply(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _xp().log10(x)

    def _grad(self, x, out, g):
        with np.errstate(divide="ignore"):
            return g / (x * math.log(10.0))


class Exp2(_Unary):
    def _apply(self, x):
        with np.errstate(over="ignore"):
            return _xp().exp2(x)

    def _grad(self, x, out, g):
        return g * out * math.log(2.0)


class Sinh(_Unary):
    def _apply(self, x):
        with np.errstate(over="ignore"):
            return _xp().sinh(x)

    def _grad(self, x, out, g):
        with np.errstate(over="ignore"):
            return g * _xp().cosh(x)


class Cosh(_Unary):
    def _apply(self, x):
        with np.errstate(over="ignore"):
            return _xp().cosh(x)

    def _grad(self, x, out, g):
        with np.errstate(over="ignore"):
            return g * _xp().sinh(x)


class Tan(_Unary):
    def _apply(self, x):
        return _xp().tan(x)

    def _grad(self, x, out, g):
        return g * (1 + out * out)


class Arcsin(_Unary):
    def _apply(self, x):
        with np.errstate(invalid="ignore"):
            return _xp().arcsin(x)

    def _grad(self, x, out, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / _xp().sqrt(1 - x * x)


class Arccos(_Unary):
    def _apply(self, x):
        with np.errstate(invalid="ignore"):
            return _xp().arccos(x)

    def _grad(self, x, out, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            return -g / _xp().sqrt(1 - x * x)


class Arctan(_Unary):
    def _apply(self, x):
        return _xp().arctan(x)

    def _grad(self, x, out, g):
        return g / (1 + x * x)


class Arcsinh(_Unary):
    def _apply(self, x):
        return _xp().arcsinh(x)

    def _grad(self, x, out, g):
        return g / _xp().sqrt(x * x + 1)


class Arccosh(_Unary):
    def _apply(self, x):
        with np.errstate(invalid="ignore"):
            return _xp().arccosh(x)

    def _grad(self, x, out, g):
        xp = _xp()
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / (xp.sqrt(x - 1) * xp.sqrt(x + 1))


class Arctanh(_Unary):
    def _apply(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _xp().arctanh(x)

    def _grad(self, x, out, g):
        with np.errstate(divide="ignore"):
            return g / (1 - x * x)


class Arctan2(_Binary):
    """`arctan2(x1, x2)`: the angle of the point `(x2, x1)`, in floats."""

    def output_dtype(self, x1, x2) -> str:
        # Keras converts a Python number to a tensor first (float32, int32): not weak here
        strong = [_as_tensor(v) if isinstance(v, (int, float)) else v for v in (x1, x2)]
        return keras_result_type(*strong, float)

    def _forward(self, x1, x2):
        dtype = self.output_dtype(arr(x1), arr(x2))
        a = x1 if isinstance(x1, (int, float)) else _array_of(x1, dtype)
        b = x2 if isinstance(x2, (int, float)) else _array_of(x2, dtype)
        out = _xp().arctan2(a, b)
        return _array_of(out, dtype), (a, b)

    def _grads(self, x1, x2, g, need):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = x1 * x1 + x2 * x2
            return (g * x2 / r if need[0] else None), (-g * x1 / r if need[1] else None)


# -- tensors made from values ---------------------------------------------------------------
class Full(Operation):
    """`full(shape, fill_value, dtype=None)` with a tensor `fill_value` (broadcast to
    `shape`, which takes the gradient summed back); floatx unless `dtype`."""

    def __init__(self, shape, dtype=None, *, name=None):
        super().__init__(name=name)
        self.shape = tuple(int(d) for d in shape)
        self.dtype = None if dtype is None else check_dtype(dtype)

    def get_config(self):
        return {"name": self.name, "shape": list(self.shape), "dtype": self.dtype}

    def output_dtype(self, *args) -> str:
        return self.dtype or backend.floatx()

    def compute_output_spec(self, fill_value):
        return self.shape

    def _forward(self, fill_value):
        fill = _array_of(fill_value)
        out = _xp().full(self.shape, fill, dtype=self.output_dtype())
        return out, fill

    def _backward(self, cache, grad, need):
        fill = cache
        return (sum_to_shape(grad, fill.shape).astype(fill.dtype) if _is_float(fill) else None,)


class DynamicFull(_RuntimeShaped):
    """`full(shape, fill_value)` where `shape` holds sizes read at run time."""

    def __init__(self, dtype=None, *, name=None):
        super().__init__(name=name)
        self.dtype = None if dtype is None else check_dtype(dtype)

    def output_dtype(self, *args) -> str:
        return self.dtype or backend.floatx()

    def compute_output_spec(self, shape, fill_value):
        return tuple(static_dim(d) for d in shape)

    def _forward(self, shape, fill_value):
        fill = _array_of(fill_value)
        out = _xp().full(tuple(int(d) for d in shape), fill, dtype=self.output_dtype())
        return out, fill

    def _backward(self, cache, grad, need):
        fill = cache
        g = sum_to_shape(grad, fill.shape).astype(fill.dtype) if _is_float(fill) else None
        return None, g


def number_dtype(*values) -> str:
    """Keras's `result_type` of numbers and arrays: Python ints count as int32, floats as
    floatx, bools as bool; arrays by their dtype (the widest float wins)."""
    dtypes = []
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            dtypes.append("bool")
        elif isinstance(v, (int, SymbolicDim)):
            dtypes.append("int32")
        elif isinstance(v, float):
            dtypes.append(backend.floatx())
        elif hasattr(v, "dtype"):
            dtypes.append(str(v.dtype))
        else:
            dtypes.append(backend.floatx())
    floats = [d for d in dtypes if d.startswith(("float", "bfloat"))]
    if floats:
        return max(floats, key=lambda d: {"float16": 0, "bfloat16": 0, "float32": 1}.get(d, 2))
    ints = [d for d in dtypes if d != "bool"]
    if ints:
        return str(np.result_type(*ints)) if any(d != "int32" for d in ints) else "int32"
    return "bool"


class Linspace(Operation):
    """`linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0)`
    with tensor `start` / `stop`: `num` evenly spaced values along a new `axis`; both take
    gradients."""

    def __init__(self, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, name=None):
        super().__init__(name=name)
        if retstep:
            raise ConfigError(
                "numkeras's linspace of tensors gives the values only (retstep=False)."
            )
        self.num = int(num)
        self.endpoint = bool(endpoint)
        self.retstep = False
        self.dtype = None if dtype is None else check_dtype(dtype)
        self.axis = int(axis)

    def get_config(self):
        return {
            "name": self.name,
            "num": self.num,
            "endpoint": self.endpoint,
            "retstep": self.retstep,
            "dtype": self.dtype,
            "axis": self.axis,
        }

    def output_dtype(self, start, stop) -> str:
        if self.dtype is not None:
            return self.dtype
        dtype = number_dtype(start)
        return dtype if dtype.startswith(("float", "bfloat")) else backend.floatx()

    def compute_output_spec(self, start, stop):
        shape = list(broadcast_shapes(shape_of(start), shape_of(stop)))
        axis = self.axis % (len(shape) + 1)
        shape.insert(axis, self.num)
        return tuple(shape)

    def _weights(self, dtype):
        xp = _xp()
        div = (self.num - 1) if self.endpoint else self.num
        if div <= 0:
            return xp.zeros(self.num, dtype)
        return (xp.arange(self.num) / div).astype(dtype)

    def _forward(self, start, stop):
        xp = _xp()
        dtype = self.output_dtype(arr(start), arr(stop))
        a, b = _array_of(start, dtype), _array_of(stop, dtype)
        out = xp.linspace(a, b, self.num, endpoint=self.endpoint, axis=self.axis)
        shape = np.broadcast_shapes(a.shape, b.shape)
        if out.dtype.kind == "f" and self.num > 1 and not xp.isfinite(out).all():
            # JAX interpolates, start * (1 - t) + stop * t (the endpoint: stop itself), so
            # an infinite end stays infinite where NumPy's steps ((stop - start) / div * i
            # + start) give NaN: linspace(-inf, 10, 4) is [-inf, -inf, -inf, 10]
            axis = self.axis % (len(shape) + 1)
            view = [1] * (len(shape) + 1)
            view[axis] = self.num
            w = self._weights(out.dtype).reshape(view)
            lo = xp.expand_dims(xp.broadcast_to(a, shape), axis)
            hi = xp.expand_dims(xp.broadcast_to(b, shape), axis)
            with np.errstate(invalid="ignore"):
                lerp = xp.broadcast_to(lo * (1 - w) + hi * w, out.shape).copy()
            if self.endpoint:
                end = [slice(None)] * out.ndim
                end[axis] = -1
                lerp[tuple(end)] = xp.broadcast_to(b, shape)
            ends_finite = xp.isfinite(lo) & xp.isfinite(hi)
            out = xp.where(ends_finite, out, lerp)
        if self.num == 1:  # (the start itself, as JAX's: NumPy's 0 * an infinite step is NaN)
            out = xp.expand_dims(xp.broadcast_to(a, shape), self.axis)
        return out.astype(dtype), (a, b, len(shape))

    def _backward(self, cache, grad, need):
        xp = _xp()
        a, b, ndim = cache
        axis = self.axis % (ndim + 1)
        view = [1] * (ndim + 1)
        view[axis] = self.num
        w = self._weights(grad.dtype).reshape(view)
        ga = sum_to_shape(xp.sum(grad * (1 - w), axis=axis), a.shape) if need[0] else None
        gb = sum_to_shape(xp.sum(grad * w, axis=axis), b.shape) if need[1] else None
        return ga, gb


class DynamicArange(_RuntimeShaped):
    """`arange(start, stop, step)` where an argument is a size read at run time
    (`ops.arange(ops.shape(x)[1])`); no gradient."""

    def __init__(self, dtype, *, name=None):
        super().__init__(name=name)
        self.dtype = check_dtype(dtype)

    def output_dtype(self, *args) -> str:
        return self.dtype

    def compute_output_spec(self, start, stop, step):
        values = [static_dim(v) if not isinstance(v, float) else v for v in (start, stop, step)]
        if None in values[:1] or (stop is not None and values[1] is None):
            return (None,)
        lo, hi = (0, values[0]) if stop is None else (values[0], values[1])
        step = 1 if step is None else values[2]
        if step is None:
            return (None,)
        return (max(0, math.ceil((hi - lo) / step)),)

    def _forward(self, start, stop, step):
        return _xp().arange(start, stop, 1 if step is None else step, dtype=self.dtype), None

    def _backward(self, cache, grad, need):
        return None, None, None


OPS = {
    cls.__name__: cls
    for cls in (
        Tile,
        Repeat,
        Split,
        Cumsum,
        Cumprod,
        Einsum,
        Dot,
        Tensordot,
        Outer,
        Take,
        TakeAlongAxis,
        Pad,
        Flip,
        BroadcastTo,
        Swapaxes,
        Moveaxis,
        Ravel,
        Triu,
        Tril,
        Diag,
        Diagonal,
        Hstack,
        Vstack,
        Sort,
        Argsort,
        Average,
        CountNonzero,
        Isnan,
        Isinf,
        Isfinite,
        NanToNum,
        Log2,
        Log10,
        Exp2,
        Sinh,
        Cosh,
        Tan,
        Arcsin,
        Arccos,
        Arctan,
        Arcsinh,
        Arccosh,
        Arctanh,
        Arctan2,
        Full,
        Linspace,
    )
}
