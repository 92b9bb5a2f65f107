"""Custom recurrent cells, written the Keras way, in `RNN(cell)`: traced per step.

keras.io teaches a cell as a layer with a `state_size`, a `build` and a
`call(inputs, states)` that returns `(output, new_states)`:

    class MinimalRNNCell(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(
                shape=(self.units, self.units), name="recurrent_kernel")
        def call(self, inputs, states):
            h = ops.matmul(inputs, self.kernel)
            output = h + ops.matmul(states[0], self.recurrent_kernel)
            return output, [output]

numkeras has no autograd: inference runs the cell's `call` on arrays, step by step;
training records one step on symbolic tensors (`numkeras.ops.trace.Trace`: its
operations and layers, with their backward passes, and the weights it reads as extra
inputs), runs that graph forward at every timestep, keeping each step's caches, and
backpropagates through time through the same graph. The trace is checked once against
the cell's own call on the first step; a call the trace cannot see (NumPy on values) is
refused with `NotImplementedError`, as for the other traced layers.

`state_size` may be an int or a list of ints (several states), `output_size` may differ
from the first state's size, and `get_initial_state(batch_size)` gives the starting
states. A subclass of a built-in cell (`class MyCell(LSTMCell)` with its own `call`
using `super().call(...)`) and a built-in cell inside a custom one train too: their
steps are recorded with their own backward passes. A mask keeps the states at a padded
step; the output there is the previous first state (zeros with `zero_output_for_mask`),
as Keras's JAX backend.

>>> import numpy as np
>>> from numkeras import ops
>>> from numkeras.layers import Layer, RNN
>>> class Cell(Layer):
...     state_size = 2
...     def build(self, input_shape):
...         self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")
...     def call(self, inputs, states):
...         h = ops.tanh(ops.matmul(inputs, self.w) + states[0])
...         return h, [h]
>>> layer = RNN(Cell())
>>> x = np.ones((1, 3, 2), "float32")
>>> y, cache = layer.forward(x)
>>> dx = layer.backward(cache, np.ones((1, 2), "float32"))
>>> y.shape, dx.shape
((1, 2), (1, 3, 2))
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer, accepts, is_symbolic
from numkeras.ops.trace import TraceError, trace_for


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def _flat_sizes(size) -> list | None:
    """The state sizes as a flat list of ints, or None where one is not an int."""
    if isinstance(size, (list, tuple)):
        out = []
        for s in size:
            inner = _flat_sizes(s)
            if inner is None:
                return None
            out.extend(inner)
        return out
    return [int(size)] if _is_int(size) else None


def _flat(values) -> list:
    if isinstance(values, (list, tuple)):
        return [v for item in values for v in _flat(item)]
    return [values]


def check_cell(cell) -> None:
    """Refuse, as Keras's RNN does, what cannot be a recurrent cell."""
    if "call" not in dir(cell):
        raise ConfigError(
            "Argument `cell` should have a `call` method. Received: "
            f"cell={cell!r}. Pass an RNN cell (SimpleRNNCell, LSTMCell, GRUCell, a list of "
            "cells, or a layer with `state_size` and `call(inputs, states)`)."
        )
    if "state_size" not in dir(cell):
        raise ConfigError(
            "The RNN cell should have a `state_size` attribute (single integer or list of "
            f"integers, one integer per RNN state). Received: cell={cell!r}. Pass one of the "
            "built-in cells (SimpleRNNCell, LSTMCell, GRUCell), a list of cells, or a layer "
            "with `state_size` and `call(inputs, states)` returning `(output, new_states)`."
        )
    from numkeras.layers.stacked_rnn_cells import StackedRNNCells

    if isinstance(cell, StackedRNNCells):
        for c in cell.cells:
            check_cell(c)
        return
    size = cell.state_size
    flat = isinstance(size, (list, tuple)) and all(_is_int(s) for s in size)
    if not (_is_int(size) or (flat and size)):
        raise ConfigError(
            "state_size must be an integer, or a list/tuple of integers (one for each state "
            f"tensor). Received: state_size={size!r} on cell {getattr(cell, 'name', cell)!r}. "
            "Each state is a (batch, size) array; states of other shapes (keras.io's Keras 2 "
            "`NestedCell`) are not supported, as in Keras 3."
        )


def runner_for(cell):
    """What runs `cell` over a sequence: a built-in cell or stack itself (its own passes),
    else a `TracedCell`."""
    from numkeras.layers.rnn import RNNCellBase
    from numkeras.layers.stacked_rnn_cells import StackedRNNCells

    if isinstance(cell, RNNCellBase) and type(cell).call is RNNCellBase.call:
        return cell
    if isinstance(cell, StackedRNNCells) and type(cell).call is StackedRNNCells.call:
        return cell
    return TracedCell(cell)


def call_cell(cell, inputs, states: list, training: bool):
    """One step of any cell on arrays or symbolic tensors: `(output, new_states list)`."""
    from numkeras.layers.rnn import RNNCellBase

    if isinstance(cell, Layer) and not cell.built:
        cell._maybe_build(tuple(inputs.shape))
        cell.built = True
    if isinstance(cell, RNNCellBase) and type(cell).call is RNNCellBase.call:
        out, new = cell(inputs, states, training=training)
    else:
        kwargs = {"training": training} if accepts(cell, "training") else {}
        result = cell.call(inputs, states, **kwargs)
        if not isinstance(result, (list, tuple)) or len(result) != 2:
            raise ConfigError(
                f"The call of cell '{getattr(cell, 'name', cell)}' must return "
                f"`(output, new_states)`; it returned {type(result).__name__}."
            )
        out, new = result
    return out, _flat(new)


class TracedCell:
    """Runs a cell written the Keras way over a sequence (see the module docstring)."""

    output_is_state = False  # (its output is its own, not necessarily its first state)

    def __init__(self, cell):
        check_cell(cell)
        self.cell = cell
        self._traces: dict = {}

    @property
    def name(self) -> str:
        return getattr(self.cell, "name", type(self.cell).__name__)

    def _state_sizes(self) -> list[int]:
        return _flat_sizes(self.cell.state_size)

    @property
    def output_size(self) -> int:
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = self._state_sizes()[0]
        if not _is_int(size):
            raise ConfigError(f"output_size must be an integer, received {size!r}.")
        return int(size)

    def initial_states(self, batch: int, dtype) -> list:
        xp = backend.xp
        sizes = self._state_sizes()
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            return [xp.zeros((batch, s), dtype) for s in sizes]
        states = [xp.asarray(s, dtype=dtype) for s in _flat(fn(batch_size=batch))]
        self._check_states(states, batch, "get_initial_state returned")
        return states

    def _check_states(self, states, batch, what: str) -> None:
        sizes = self._state_sizes()
        shapes = [tuple(s.shape) for s in states]
        expected = [(batch, s) for s in sizes]
        if len(shapes) != len(sizes) or any(
            len(a) != 2 or a[1] != b[1] or (b[0] is not None and a[0] not in (None, b[0]))
            for a, b in zip(shapes, expected)
        ):
            raise ShapeError(
                f"Cell '{self.name}': {what} states of shapes "
                f"{[format_shape(s) for s in shapes]}, but its state_size "
                f"{self.cell.state_size!r} declares {[format_shape(s) for s in expected]}."
            )

    def _masks(self, batch: int, input_dim: int, dtype, training: bool):
        return bool(training)  # (a custom cell draws its own randomness, if any)

    # -- one step ---------------------------------------------------------------------------
    def _step(self, x, states, training: bool):
        out, new = call_cell(self.cell, x, list(states), training)
        xp = backend.xp
        return xp.asarray(out, dtype=x.dtype), [xp.asarray(s, dtype=x.dtype) for s in new]

    def _trace(self, x, states, training: bool):
        from numkeras.layers.traced_call import _validate, untraceable

        cell = self.cell

        def fn(x_t, *s):
            out, new = call_cell(cell, x_t, list(s), training)
            if not is_symbolic(out) or not all(is_symbolic(v) for v in new):
                raise TraceError(
                    "its output and new states are not all tensors computed from its inputs "
                    "and states with numkeras.ops"
                )
            return [out, *new]

        def eager():
            out, new = self._step(x, states, training)
            return [out, *new]

        def validate(trace):
            if isinstance(cell, Layer):
                _validate(cell, trace, [x, *states], eager, training)

        store = cell.__dict__.setdefault("_cell_traces", {}) if isinstance(cell, Layer) else {}
        try:
            trace = trace_for(store, ("rnn_cell_step", training), fn, [x, *states], validate)
        except TraceError as e:
            raise untraceable(cell, e, "call(inputs, states)") from e
        shapes = trace.output_shapes
        self._check_states([_Shape(s) for s in shapes[1:]], None, "its traced call returns new")
        return trace

    def _mask_step(self, steps, t, out, new, old):
        """Keras's masking of step `t`: padded rows keep the states; their output is the
        previous first state (or zeros)."""
        new = [steps.carry(t, n, o) for n, o in zip(new, old)]
        xp = backend.xp
        if steps.zero_output:
            return xp.where(steps.keep[t], out, out.dtype.type(0)), new
        if tuple(old[0].shape) != tuple(out.shape):
            raise ShapeError(
                f"Cell '{self.name}': with a mask, a padded step outputs the previous first "
                f"state (as Keras), of shape {format_shape(old[0].shape)}, but the cell's "
                f"output has shape {format_shape(out.shape)}. Make the first state the output."
            )
        return xp.where(steps.keep[t], out, old[0]), new

    # -- the runner protocol of rnn.RNN -----------------------------------------------------
    def _sequence(self, xs, states, masks, keep: bool, steps=None):
        xp = backend.xp
        training = bool(masks)
        T, B, _ = xs.shape
        states = list(states)
        outs, caches, trace = [], [], None
        if keep and T:
            trace = self._trace(xs[0], states, training)
        for t in range(T):
            if trace is None:
                out, new = self._step(xs[t], states, training)
                if len(new) != len(states):
                    self._check_states(new, B, "its call returned")
            else:
                values, c = trace.forward([xs[t], *states], training)
                out, new = values[0], list(values[1:])
                caches.append(c)
            if steps is not None:
                out, new = self._mask_step(steps, t, out, new, states)
            states = new
            outs.append(out)
        outs = xp.stack(outs) if T else xp.zeros((0, B, self.output_size), xs.dtype)
        cache = {"trace": trace, "caches": caches, "steps": steps, "out_shape": outs.shape[1:]}
        cache.update(xs_shape=xs.shape, dtype=xs.dtype)
        return outs, [s.copy() for s in states], (cache if keep else None)

    def _sequence_backward(self, cache, d_seq, d_states, need_input_grad: bool):
        xp = backend.xp
        trace, caches, steps = cache["trace"], cache["caches"], cache["steps"]
        T, B, F = cache["xs_shape"]
        dtype = cache["dtype"]
        zero = dtype.type(0)
        d_states = list(d_states)
        n = len(d_states)
        dxs = xp.zeros((T, B, F), dtype) if need_input_grad else None
        for t in range(T - 1, -1, -1):
            g_out = xp.zeros(cache["out_shape"], dtype) if d_seq is None else d_seq[t]
            passed = None
            g_new = d_states
            if steps is not None:  # padded rows: the states pass straight through
                keep = steps.keep[t]
                passed = [xp.where(keep, zero, g) for g in d_states]
                g_new = [xp.where(keep, g, zero) for g in d_states]
                if not steps.zero_output:  # (their output was the previous first state)
                    passed[0] = passed[0] + xp.where(keep, zero, g_out)
                g_out = xp.where(keep, g_out, zero)
            gins = trace.backward(caches[t], [g_out, *g_new], [need_input_grad] + [True] * n)
            d_prev = [
                xp.zeros_like(d_states[i]) if g is None else g for i, g in enumerate(gins[1:])
            ]
            if passed is not None:
                d_prev = [d + p for d, p in zip(d_prev, passed)]
            d_states = d_prev
            if need_input_grad and gins[0] is not None:
                dxs[t] = gins[0]
        return dxs, d_states


class _Shape:
    """A shape standing in for an array in `TracedCell._check_states`."""

    def __init__(self, shape):
        self.shape = tuple(shape)
