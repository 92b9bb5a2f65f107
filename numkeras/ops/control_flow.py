"""The operations of `keras.ops.core` beyond casting and slicing: `unstack`, `scatter`,
`scatter_update`, `slice_update` (graph operations with backward passes), `cond` and
`switch` (on a symbolic predicate both branches are traced and the result chosen per
model call, so gradients flow through the branch taken), and the loops `fori_loop`,
`while_loop`, `scan`, `map`, `vectorized_map`, `associative_scan`, which run eagerly as
Python loops (as Keras's NumPy backend does): on symbolic tensors `fori_loop` with
integer bounds, `map`, `scan` and `associative_scan` over an axis of known length unroll
into the graph; over an axis of unknown length (a model's batch axis) the last three run
as one operation that loops a traced step (`_TracedLoop`); the others refuse symbolic
bounds with a clear error.

>>> import numpy as np
>>> Scatter((3,))(np.array([[0], [2]]), np.array([1.0, 5.0])).tolist()
[1.0, 0.0, 5.0]
>>> float(fori_loop(0, 3, lambda i, v: v + i, 0.0))
3.0
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import AxisError, IncompatibleShapesError, ShapeError
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.ops.numpy import _as_output, value_dtype
from numkeras.ops.numpy_extra import scatter_add
from numkeras.ops.numpy_more import _is_float
from numkeras.ops.operation import Operation, _contains_tensor, arr, shape_of


def _xp():
    return backend.xp


class _Core(Operation):
    keras_module = "keras.src.ops.core"


class Unstack(_Core):
    """`unstack(x, num=None, axis=0)`: the slices of `x` along `axis` (one output each);
    the gradient stacks them back."""

    multi_output = True

    def __init__(self, num=None, axis=0, *, name=None):
        super().__init__(name=name)
        self.num, self.axis = num, int(axis)

    def get_config(self):
        return {"name": self.name, "num": self.num, "axis": self.axis}

    def output_dtype(self, x) -> str:
        return value_dtype(x)

    def _axis(self, ndim: int) -> int:
        if not -ndim <= self.axis < ndim:
            raise AxisError(
                f"axis {self.axis} is out of bounds for an array with dimension {ndim}."
            )
        return self.axis % ndim

    def compute_output_spec(self, x):
        s = list(shape_of(x))
        axis = self._axis(len(s))
        n = s[axis] if s[axis] is not None else self.num
        if n is None:
            raise ShapeError(
                f"Cannot unstack axis {self.axis} of a tensor of shape {tuple(s)}: its size is "
                "unknown; pass `num`."
            )
        del s[axis]
        return [tuple(s)] * n

    def _forward(self, x):
        x = _as_output(arr(x))
        axis = self._axis(x.ndim)
        return [_xp().take(x, i, axis=axis) for i in range(x.shape[axis])], axis

    def _backward(self, cache, grad, need):
        return (_xp().stack(list(grad), axis=cache),)


def _index_tuple(indices):
    idx = _xp().asarray(indices).astype("int64")
    return tuple(_xp().moveaxis(idx, -1, 0))


class Scatter(_Core):
    """`scatter(indices, values, shape)`: zeros of `shape` with `values` added at
    `indices` (`(..., rank)` integer coordinates; repeats add up, as JAX)."""

    def __init__(self, shape, *, name=None):
        super().__init__(name=name)
        self.shape = tuple(int(d) for d in shape)

    def get_config(self):
        return {"name": self.name, "shape": list(self.shape)}

    def compute_output_spec(self, indices, values):
        return self.shape

    def output_dtype(self, indices, values) -> str:
        return value_dtype(values)

    def _forward(self, indices, values):
        v = _as_output(arr(values))
        key = _index_tuple(arr(indices))
        out = _xp().zeros(self.shape, v.dtype)
        scatter_add(out, key, v)
        return out, (key, v)

    def _backward(self, cache, grad, need):
        key, v = cache
        return None, (grad[key] if _is_float(v) else None)


class ScatterUpdate(_Core):
    """`scatter_update(inputs, indices, updates, reduction=None)`: `inputs` with
    `updates` written at `indices` (`(n, rank)` coordinates), or combined by `reduction`
    ("add", "max", "min", "mul"). Gradients: the overwritten entries of `inputs` get none,
    the updates get the gradient at their place (for "add"; "max"/"min" send it to the
    winner, "mul" by the product rule)."""

    _REDUCTIONS = (None, "add", "max", "min", "mul")

    def __init__(self, reduction=None, *, name=None):
        super().__init__(name=name)
        if reduction not in self._REDUCTIONS:
            raise ValueError(
                f"Unsupported reduction: {reduction!r}; expected one of {self._REDUCTIONS}."
            )
        self.reduction = reduction

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    def compute_output_spec(self, inputs, indices, updates):
        return shape_of(inputs)

    def output_dtype(self, inputs, indices, updates) -> str:
        return value_dtype(inputs)

    def _forward(self, inputs, indices, updates):
        xp = _xp()
        x = _as_output(arr(inputs))
        u = xp.asarray(arr(updates)).astype(x.dtype)
        key = _index_tuple(arr(indices))
        out = x.copy()
        if self.reduction is None:
            out[key] = u
        else:
            ufunc = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}
            ufunc[self.reduction].at(out, key, u)
        return out, (x, u, key, out)

    def _backward(self, cache, grad, need):
        xp = _xp()
        x, u, key, out = cache
        if not _is_float(x):
            return None, None, None
        r = self.reduction
        if r is None:
            gx = grad.copy()
            gx[key] = 0
            return gx, None, grad[key]
        if r == "add":
            return grad, None, grad[key]
        if r == "mul":
            gx = grad * xp.where(x == 0, 0, out / xp.where(x == 0, 1, x))
            return gx, None, grad[key] * out[key] / xp.where(u == 0, 1, u)
        won = (x == out).astype(grad.dtype)  # max / min: ties shared with the input
        return grad * won, None, grad[key] * (u == out[key])


class SliceUpdate(_Core):
    """`slice_update(inputs, start_indices, updates)`: `inputs` with the block `updates`
    written at `start_indices` (clamped so it fits, as JAX); the gradient of the
    overwritten block goes to `updates`."""

    def compute_output_spec(self, inputs, start_indices, updates):
        shape, block = shape_of(inputs), shape_of(updates)
        bigger = any(None not in (k, n) and k > n for k, n in zip(block, shape))
        if len(block) != len(shape) or bigger:
            # (JAX's TypeError; the error is a ValueError too)
            raise IncompatibleShapesError(
                f"slice_update writes `updates` as a block inside `inputs`: it needs the "
                f"rank of `inputs` and no axis longer than theirs; received updates of "
                f"shape {tuple(block)} for inputs of shape {tuple(shape)}."
            )
        return shape

    def output_dtype(self, inputs, start_indices, updates) -> str:
        return value_dtype(inputs)

    def _forward(self, inputs, start_indices, updates):
        x = _as_output(arr(inputs))
        u = _as_output(arr(updates)).astype(x.dtype, copy=False)
        starts = [int(s) for s in backend.to_numpy(arr(start_indices)).reshape(-1)]
        self.compute_output_spec(x, None, u)
        if len(starts) != x.ndim:
            raise ShapeError(
                f"slice_update: `start_indices` ({len(starts)}) must match the rank of "
                f"`inputs` {tuple(x.shape)}: one start per axis."
            )
        index = tuple(
            slice(min(max(s, 0), n - k), min(max(s, 0), n - k) + k)
            for s, n, k in zip(starts, x.shape, u.shape)
        )
        out = x.copy()
        out[index] = u
        return out, (index, _is_float(u))

    def _backward(self, cache, grad, need):
        index, float_update = cache
        gx = grad.copy()
        gx[index] = 0
        return gx, None, (grad[index].copy() if float_update else None)


# -- branches ----------------------------------------------------------------------------------
def _flat(tree):
    if isinstance(tree, (list, tuple)):
        out = []
        for t in tree:
            out.extend(_flat(t))
        return out
    if isinstance(tree, dict):
        out = []
        for k in sorted(tree):
            out.extend(_flat(tree[k]))
        return out
    return [tree]


def _rebuild(tree, flat):
    if isinstance(tree, (list, tuple)):
        items = []
        for t in tree:
            piece, flat = _rebuild(t, flat)
            items.append(piece)
        return type(tree)(items), flat
    if isinstance(tree, dict):
        out = {}
        for k in sorted(tree):
            out[k], flat = _rebuild(tree[k], flat)
        return out, flat
    return flat[0], flat[1:]


def _choose(masks, branches_out):
    """Per output leaf, the branch output where its mask holds (`select` of the leaves),
    so the gradient reaches the branch taken."""
    from numkeras import ops

    structure = branches_out[0]
    leaves = [_flat(b) for b in branches_out]
    if any(len(v) != len(leaves[0]) for v in leaves):
        raise ShapeError(
            "The branches of cond / switch must return the same structure of tensors; "
            f"received {[len(v) for v in leaves]} leaves."
        )
    chosen = []
    for parts in zip(*leaves):
        if len(parts) == 2:
            chosen.append(ops.where(masks[0], parts[0], parts[1]))
        else:
            chosen.append(ops.select(masks, list(parts)))
    return _rebuild(structure, chosen)[0]


def cond(pred, true_fn, false_fn):
    """`true_fn()` if `pred` else `false_fn()`. On a symbolic (model-input) `pred` both
    branches are traced and the output follows `pred` at each call (`ops.where` of the two
    results, whose gradient reaches the branch taken); both must give tensors of the same
    shapes. Python numbers in the result become arrays (int32 / floatx), as Keras.

    >>> float(cond(True, lambda: 1.0, lambda: 2.0))
    1.0
    """
    if isinstance(pred, KerasTensor):
        if tuple(pred.shape) not in ((), (None,), (1,)):
            raise ShapeError(
                f"The `pred` of cond must be a scalar; received shape {tuple(pred.shape)}."
            )
        return _choose([pred], [true_fn(), false_fn()])
    return _tensor_tree(true_fn() if bool(backend.to_numpy(arr(pred))) else false_fn())


def switch(index, branches, *operands):
    """`branches[index](*operands)` (`index` clamped to the branches, as JAX). A symbolic
    `index` traces every branch and selects per call.

    >>> switch(1, [lambda x: x + 1, lambda x: x * 10], 2.0)
    20.0
    """
    branches = list(branches)
    if not branches:
        raise ValueError("switch needs at least one branch.")
    if isinstance(index, KerasTensor):
        from numkeras import ops

        n = len(branches)
        clamped = ops.clip(index, 0, n - 1)
        masks = [ops.equal(clamped, i) for i in range(n)]
        return _choose(masks, [b(*operands) for b in branches])
    i = int(np.clip(int(backend.to_numpy(arr(index))), 0, len(branches) - 1))
    return branches[i](*operands)


# -- loops (eager Python loops) ---------------------------------------------------------------
def _refuse(name: str, *values) -> None:
    if _contains_tensor(list(values)):
        raise TypeError(
            f"numkeras.ops.{name} runs eagerly (a Python loop over arrays): its loop "
            "condition or length cannot depend on a symbolic tensor of a functional model. "
            "Call it on arrays, or use an unrolled form (fori_loop with integer bounds, map "
            "or scan over an axis of known length)."
        )


def fori_loop(lower, upper, body_fun, init_val):
    """`for i in range(lower, upper): val = body_fun(i, val)`; with integer bounds it also
    unrolls on symbolic tensors.

    >>> int(fori_loop(0, 4, lambda i, x: x * 2, 1))
    16
    """
    _refuse("fori_loop", lower, upper)
    val = init_val
    for i in range(int(backend.to_numpy(arr(lower))), int(backend.to_numpy(arr(upper)))):
        val = body_fun(i, val)
    return _tensor_tree(val)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """While `cond(*loop_vars)`, `loop_vars = body(*loop_vars)` (at most
    `maximum_iterations` times); a tuple in, a tuple out (a single value stays single).

    >>> int(while_loop(lambda i: i < 5, lambda i: i + 2, 0))
    6
    """
    single = not isinstance(loop_vars, (list, tuple))
    state = (loop_vars,) if single else tuple(loop_vars)
    _refuse("while_loop", *_flat(state))
    count = 0
    while (maximum_iterations is None or count < maximum_iterations) and bool(
        backend.to_numpy(arr(cond(*state)))
    ):
        out = body(*state)
        state = (out,) if single else tuple(out) if isinstance(out, (list, tuple)) else (out,)
        count += 1
    state = tuple(_as_tensor(v) for v in state)
    return state[0] if single else type(loop_vars)(state)


def _as_tensor(v):
    """A Python number in the loop state as an array (int32 / floatx), as Keras's loops
    return tensors."""
    from numkeras.ops.core_extra import to_tensor

    return to_tensor(v) if isinstance(v, (bool, int, float)) else v


def _tensor_tree(value):
    """`value` with each Python number in its (nested) tuples, lists and dicts as an array,
    as Keras's control flow returns tensors."""
    if isinstance(value, (list, tuple)):
        items = [_tensor_tree(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    if isinstance(value, dict):
        return {k: _tensor_tree(v) for k, v in value.items()}
    return _as_tensor(value)


def _stack_tree(items):
    from numkeras import ops

    leaves = [_flat(t) for t in items]
    stacked = [ops.stack(list(parts), axis=0) for parts in zip(*leaves)]
    return _rebuild(items[0], stacked)[0]


def _slices(xs, length):
    from numkeras import ops

    leaves = _flat(xs)
    if not leaves:
        return [None] * length
    if any(isinstance(v, KerasTensor) for v in leaves):
        cols = [ops.unstack(v, num=length, axis=0) for v in leaves]
    else:
        cols = [[_xp().asarray(arr(v))[i] for i in range(length)] for v in leaves]
    return [_rebuild(xs, [c[i] for c in cols])[0] for i in range(length)]


def _length(xs, length, name):
    leaves = _flat(xs) if xs is not None else []
    sizes = {tuple(shape_of(v))[0] if len(shape_of(v)) else None for v in leaves}
    if leaves and (None in sizes or len(sizes) != 1):
        raise ShapeError(
            f"{name}: the leading axes of `xs` must have one known size; received "
            f"{sorted(str(s) for s in sizes)}. (On symbolic tensors numkeras unrolls the "
            "loop into the model: give the `Input` a fixed `batch_size` for a loop over the "
            "batch axis.)"
        )
    return int(next(iter(sizes))) if leaves else length


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """`carry, y = f(carry, x)` for each slice `x` of `xs` along axis 0 (or `length`
    times with `x` None); returns the last carry and the stacked `y`s, as `jax.lax.scan`.

    >>> import numpy as np
    >>> carry, ys = scan(lambda c, x: (c + x, c), 0.0, np.array([1.0, 2.0, 3.0]))
    >>> float(carry), ys.tolist()
    (6.0, [0.0, 1.0, 3.0])
    """
    if xs is not None and _unknown_length(xs):
        return _traced_scan(f, init, xs, reverse)
    n = _length(xs, length, "scan")
    if n is None:
        raise ValueError("scan needs `xs` or `length`.")
    steps = _slices(xs, n) if xs is not None else [None] * n
    order = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, [None] * n
    for i in order:
        carry, ys[i] = f(carry, steps[i])
    if n == 0 or ys[0] is None:
        return _tensor_tree(carry), None
    return _tensor_tree(carry), _stack_tree(ys)


def map(f, xs):  # noqa: A001 (keras.ops.map)
    """`f` on each slice of `xs` along axis 0, the results stacked.

    >>> import numpy as np
    >>> map(lambda x: x * 2, np.array([1.0, 2.0])).tolist()
    [2.0, 4.0]
    """
    return _map(f, xs, "map")


def _map(f, xs, name: str):
    if _unknown_length(xs):
        return _traced_map(f, xs)
    n = _length(xs, None, name)
    return _stack_tree([f(x) for x in _slices(xs, n)])


def vectorized_map(function, elements):
    """`function` on each slice of `elements` along axis 0, stacked (a Python loop).

    >>> import numpy as np
    >>> vectorized_map(lambda x: x.sum(), np.ones((2, 3))).tolist()
    [3.0, 3.0]
    """
    return _map(function, elements, "vectorized_map")


# -- loops over an axis of unknown length (a model's batch axis) ----------------------------
def _unknown_length(xs) -> bool:
    """Whether `xs` holds symbolic tensors whose leading axes are all of unknown size."""
    leaves = _flat(xs)
    return bool(leaves) and all(
        isinstance(v, KerasTensor) and len(v.shape) and v.shape[0] is None for v in leaves
    )


class _TracedLoop(_Core):
    """`map` / `scan` over an axis of unknown length: the step function is traced once on
    symbolic slices (`Trace`), and the operation runs it on each slice at call time, and
    its backward pass slice by slice (in reverse for `scan`, passing the carry's gradient
    back). Its arguments are the carry's leaves (`n_carry`, scan only), then the leaves
    of `xs`; its outputs the final carry's leaves, then the stacked outputs'. A Python
    function: such a model does not serialize (nor does Keras's)."""

    multi_output = True

    def __init__(self, trace, n_carry: int, reverse: bool, *, name=None):
        super().__init__(name=name)
        self.trace, self.n_carry, self.reverse = trace, n_carry, reverse

    def get_config(self):
        # (the traced step itself: `clone_model` remakes the operation from it; a saved
        # file cannot hold it)
        return {"name": self.name, "trace": self.trace, "n_carry": self.n_carry,
                "reverse": self.reverse}  # fmt: skip

    def compute_output_spec(self, *leaves):
        n = shape_of(leaves[self.n_carry])[0]
        shapes = self.trace.output_shapes
        return shapes[: self.n_carry] + [(n, *s) for s in shapes[self.n_carry :]]

    def output_dtype(self, *leaves) -> list:
        return [str(t.dtype) for t in self.trace.graph._outputs_list[: self.trace.n_outputs]]

    def _forward(self, *leaves):
        xp = _xp()
        carry = [xp.asarray(arr(v)) for v in leaves[: self.n_carry]]
        xs = [xp.asarray(arr(v)) for v in leaves[self.n_carry :]]
        n = xs[0].shape[0]
        order = range(n - 1, -1, -1) if self.reverse else range(n)
        ys, caches = [None] * n, [None] * n
        for i in order:
            outs, caches[i] = self.trace.forward(carry + [x[i] for x in xs])
            carry, ys[i] = outs[: self.n_carry], outs[self.n_carry :]
        specs = self.trace.graph._outputs_list[self.n_carry : self.trace.n_outputs]
        stacked = [
            xp.stack([y[j] for y in ys]) if n else xp.zeros((0, *t.shape), t.dtype)
            for j, t in enumerate(specs)
        ]
        return carry + stacked, (caches, order)

    def _backward(self, cache, grad, need):
        xp = _xp()
        caches, order = cache
        g_carry, g_ys = list(grad[: self.n_carry]), grad[self.n_carry :]
        g_xs: list = [None] * len(caches)
        wanted = [True] * self.n_carry + list(need[self.n_carry :])  # (the carry's chain)
        for i in reversed(order):
            gs = self.trace.backward(caches[i], g_carry + [g[i] for g in g_ys], wanted)
            g_carry, g_xs[i] = list(gs[: self.n_carry]), gs[self.n_carry :]
        out = g_carry
        for j, wanted in enumerate(need[self.n_carry :]):
            parts = [g[j] for g in g_xs]
            whole = wanted and parts and all(g is not None for g in parts)
            out.append(xp.stack(parts) if whole else None)
        return out


def _trace_step(step, leaves, slice_leaves):
    from numkeras.ops.trace import Trace

    shapes = [shape_of(v) for v in leaves] + [tuple(v.shape[1:]) for v in slice_leaves]
    dtypes = [value_dtype(v) for v in leaves + slice_leaves]
    return Trace.of(step, shapes, dtypes)


def _traced_map(f, xs):
    leaves, structure = _flat(xs), []

    def step(*slices):
        structure[:] = [f(_rebuild(xs, list(slices))[0])]
        return _flat(structure[0])

    out = _TracedLoop(_trace_step(step, [], leaves), 0, False)(*leaves)
    return _rebuild(structure[0], out)[0]


def _traced_scan(f, init, xs, reverse):
    init = _tensor_tree(init)
    carry, leaves = _flat(init), _flat(xs)
    structure = []

    def step(*args):
        c = _rebuild(init, list(args[: len(carry)]))[0]
        new, y = f(c, _rebuild(xs, list(args[len(carry) :]))[0])
        structure[:] = [y]
        return _flat(new) + ([] if y is None else _flat(y))

    trace = _trace_step(step, carry, leaves)
    out = _TracedLoop(trace, len(carry), reverse)(*carry, *leaves)
    final = _rebuild(init, out[: len(carry)])[0]
    if structure[0] is None:
        return final, None
    return final, _rebuild(structure[0], out[len(carry) :])[0]


def associative_scan(f, elems, reverse=False, axis=0):
    """The inclusive scan of `elems` along `axis` with the associative `f` (running
    `f(acc, x)`), as `jax.lax.associative_scan`; on symbolic tensors with `axis` of a
    known size it unrolls into the graph.

    >>> import numpy as np
    >>> associative_scan(lambda a, b: a + b, np.array([1.0, 2.0, 3.0])).tolist()
    [1.0, 3.0, 6.0]
    """
    xp = _xp()
    leaves = _flat(elems)
    if any(isinstance(v, KerasTensor) for v in leaves):
        return _symbolic_associative_scan(f, elems, leaves, reverse, axis)
    arrays = [xp.moveaxis(xp.asarray(arr(v)), axis, 0) for v in leaves]
    n = arrays[0].shape[0]
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    out = [[None] * n for _ in arrays]
    acc = None
    for i in order:
        cur = _rebuild(elems, [a[i] for a in arrays])[0]
        acc = cur if acc is None else (f(cur, acc) if reverse else f(acc, cur))
        for j, v in enumerate(_flat(acc)):
            out[j][i] = xp.asarray(v)
    stacked = [xp.moveaxis(xp.stack(col, 0), 0, axis) for col in out]
    return _rebuild(elems, stacked)[0]


def _symbolic_associative_scan(f, elems, leaves, reverse, axis):
    """`associative_scan` unrolled on symbolic tensors: the slices along `axis`, `f`
    applied in turn, the results stacked back."""
    from numkeras import ops

    moved = [ops.moveaxis(v, axis, 0) for v in leaves]
    if _unknown_length(moved):
        return _traced_associative_scan(f, elems, moved, reverse, axis)
    n = _length(moved, None, "associative_scan")
    steps = _slices(_rebuild(elems, moved)[0], n)
    order = range(n - 1, -1, -1) if reverse else range(n)
    acc, outs = None, [None] * n
    for i in order:
        acc = steps[i] if acc is None else (f(steps[i], acc) if reverse else f(acc, steps[i]))
        outs[i] = acc
    columns = zip(*[_flat(out) for out in outs])  # (this module's `map` is keras.ops.map)
    stacked = [ops.moveaxis(ops.stack(list(col), axis=0), 0, axis) for col in columns]
    return _rebuild(elems, stacked)[0]


def _traced_associative_scan(f, elems, moved, reverse, axis):
    """`associative_scan` over an axis of unknown length: a traced `scan` whose carry
    starts at the first slice (the last, in reverse) and runs over the others."""
    from numkeras import ops

    first = [v[-1] if reverse else v[0] for v in moved]
    rest = [v[:-1] if reverse else v[1:] for v in moved]

    def step(acc, x):
        new = f(x, acc) if reverse else f(acc, x)
        return new, new

    _, ys = _traced_scan(step, _rebuild(elems, first)[0], _rebuild(elems, rest)[0], reverse)
    columns = []
    for a, y in zip(first, _flat(ys)):
        parts = [y, ops.expand_dims(a, 0)] if reverse else [ops.expand_dims(a, 0), y]
        columns.append(ops.moveaxis(ops.concatenate(parts, axis=0), 0, axis))
    return _rebuild(elems, columns)[0]


CORE_OPS = {cls.__name__: cls for cls in (Unstack, Scatter, ScatterUpdate, SliceUpdate)}
