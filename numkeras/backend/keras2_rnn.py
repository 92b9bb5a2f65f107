"""Keras 2's `K.rnn` (the time loop of the 2016-2019 custom recurrent layers: `last, outputs,
states = K.rnn(step, inputs, initial_states, ...)`) and `K.normalize_batch_in_training`
(the batch statistics of hand-written batch-norm layers), as tf_keras 2.21 runs them.

`K.rnn` loops in Python over the time axis, on arrays and on symbolic tensors of a known
number of steps (unrolled into the graph); over symbolic tensors of unknown length it is
a traced `ops.scan`. A masked step keeps the previous output (zeros with
`zero_output_for_mask=True`) and the previous states, as TensorFlow's `tf.where` does.

>>> import numpy as np
>>> step = lambda x, states: (x + states[0], [x + states[0]])
>>> last, outputs, states = rnn(step, np.ones((1, 3, 2)), [np.zeros((1, 2))])
>>> last.tolist(), outputs[0, :, 0].tolist()
([[3.0, 3.0]], [1.0, 2.0, 3.0])
"""

from __future__ import annotations

from collections.abc import Callable

from numkeras.errors import ShapeError


def _ops():
    from numkeras import ops

    return ops


def _swap(x):
    """(batch, time, ...) <-> (time, batch, ...)."""
    axes = list(range(len(x.shape)))
    axes[0], axes[1] = 1, 0
    return _ops().transpose(x, axes)


def _select(mask_t, new, old):
    """`new` where the (batch, 1) step mask is set, else `old` (the mask broadcast over
    the trailing axes, as Keras 2 tiles it)."""
    ops = _ops()
    while len(mask_t.shape) < len(new.shape):
        mask_t = ops.expand_dims(mask_t, -1)
    return ops.where(mask_t, new, old)


def _time_mask(mask, input_length, go_backwards, unroll, time_major, steps):
    """The (time, batch, 1) bool mask: `mask` itself, or (without one, not unrolled) the
    steps under `input_length` when that is a tensor of lengths (Keras 2's while-loop
    path; its go_backwards form counts from the longest length, as TensorFlow's)."""
    ops = _ops()
    if mask is not None:
        mask = ops.cast(mask, "bool")
        if len(mask.shape) == 2:
            mask = ops.expand_dims(mask, -1)
        mask = mask if time_major else _swap(mask)
        return ops.flip(mask, axis=0) if go_backwards else mask
    if unroll or input_length is None or len(getattr(input_length, "shape", ())) != 1:
        return None  # (an int `input_length` only sized TensorFlow's graph loop)
    if steps is None:
        raise ShapeError(
            "K.rnn's `input_length` lengths need a known number of timesteps here; pass a "
            "`mask` (e.g. from a Masking layer) for inputs of unknown length."
        )
    time = ops.expand_dims(ops.arange(steps, dtype="int32"), -1)  # (time, 1)
    lengths = ops.expand_dims(ops.cast(input_length, "int32"), 0)  # (1, batch)
    if go_backwards:
        keep = ops.less(ops.subtract(ops.max(lengths) - 1, lengths), time)
    else:
        keep = ops.greater(lengths, time)
    return ops.expand_dims(keep, -1)


def rnn(
    step_function: Callable,
    inputs,
    initial_states,
    go_backwards: bool = False,
    mask=None,
    constants=None,
    unroll: bool = False,
    input_length=None,
    time_major: bool = False,
    zero_output_for_mask: bool = False,
    return_all_outputs: bool = True,
):
    """Keras 2's `K.rnn`: `output, new_states = step_function(inputs[:, t], states +
    constants)` for each step `t` (last to first with `go_backwards`, the outputs then in
    that order); returns `(last_output, outputs, new_states)`."""
    ops = _ops()
    nested = isinstance(inputs, (list, tuple))
    flat = list(inputs) if nested else [inputs]
    for x in flat:
        if len(x.shape) < 3:
            raise ShapeError(f"Shape must be at least rank 3 but is rank {len(x.shape)}.")
    flat = flat if time_major else [_swap(x) for x in flat]
    steps = flat[0].shape[0]
    if unroll and not steps:
        raise ShapeError("Unrolling requires a fixed number of timesteps.")
    if go_backwards:
        flat = [ops.flip(x, axis=0) for x in flat]
    mask = _time_mask(mask, input_length, go_backwards, unroll, time_major, steps)
    constants = tuple(constants or ())
    states = tuple(initial_states)

    def step(carry, xs):
        # carry: (states,) or, masked, (states, the previous output); xs: (the inputs'
        # slices,) or (the inputs' slices, the mask's)
        x_t = type(inputs)(xs[0]) if nested else xs[0][0]
        output, new_states = step_function(x_t, tuple(carry[0]) + constants)
        if mask is None:
            return (new_states,), output
        kept = ops.zeros_like(output) if zero_output_for_mask else carry[1]
        output = _select(xs[1], output, kept)
        new_states = tuple(_select(xs[1], s, old) for s, old in zip(new_states, carry[0]))
        return (new_states, output), output

    def first_output():  # (zeros shaped as step 0's output: the masked carry's start)
        x0 = [x[0] for x in flat]
        x0 = type(inputs)(x0) if nested else x0[0]
        return ops.zeros_like(step_function(x0, states + constants)[0])

    carry = (states,) if mask is None else (states, first_output())
    slices = (flat,) if mask is None else (flat, mask)
    if steps is None:  # symbolic, of unknown length: a traced scan
        carry, outputs = ops.scan(step, carry, slices)
        last_output = outputs[-1]
        if not return_all_outputs:
            outputs = ops.expand_dims(last_output, 0)
    else:
        outs = []
        for t in range(steps):
            xs = ([x[t] for x in flat],) if mask is None else ([x[t] for x in flat], mask[t])
            carry, output = step(carry, xs)
            outs.append(output)
        last_output = outs[-1]
        outputs = ops.stack(outs if return_all_outputs else outs[-1:], axis=0)
    states = carry[0]
    if not (unroll and mask is None):  # Keras 2's while loop gives a tuple
        states = tuple(states)
    return last_output, outputs if time_major else _swap(outputs), states


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon: float = 1e-3):
    """Keras 2's `K.normalize_batch_in_training`: `(normalized x, mean, variance)` over
    `reduction_axes` (None `gamma` / `beta`: 1 / 0, else shaped as the kept axes). For a
    4-D `x` over axes `[0, 1, 2]` Keras 2 runs TensorFlow's fused batch norm, whose
    returned variance is the sample variance (Bessel-corrected, `n / (n - 1)`); the
    normalization itself always divides by the population variance."""
    ops = _ops()
    axes = [int(a) for a in reduction_axes]
    ndim = len(x.shape)
    mean = ops.mean(x, axis=axes)
    var = ops.var(x, axis=axes)
    kept = [1 if a in axes else -1 for a in range(ndim)]
    if kept.count(-1) > 1:  # several kept axes: their sizes, for the reshapes below
        kept = [1 if a in axes else x.shape[a] for a in range(ndim)]

    def broadcast(v):
        return None if v is None else ops.reshape(v, kept)

    normed = ops.add(
        ops.multiply(
            ops.divide(
                ops.subtract(x, broadcast(mean)), ops.sqrt(ops.add(broadcast(var), epsilon))
            ),
            1.0 if gamma is None else broadcast(gamma),
        ),
        0.0 if beta is None else broadcast(beta),
    )
    if ndim == 4 and axes == [0, 1, 2]:
        count = ops.sum(ops.ones_like(x), axis=axes)  # (read at run time: symbolic too)
        var = ops.divide(ops.multiply(var, count), ops.maximum(ops.subtract(count, 1.0), 1.0))
    return normed, mean, var
