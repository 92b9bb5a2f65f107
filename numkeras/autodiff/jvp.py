"""`ops.jvp`: JAX's Jacobian-vector product, from the tape's reverse-mode passes.

numkeras differentiates backwards only (hand-written backward passes), so `J t` is
computed a row at a time: one backward pass per element of `fun`'s outputs, each row
dotted with the tangents. Exact (as `jax.jvp`, to float rounding) and meant for small
outputs: the cost grows with the output's size, where JAX's forward mode does not.

>>> import numpy as np
>>> from numkeras import ops
>>> out, tangent = jvp(ops.sin, (np.float32(0.1),), (np.float32(0.2),))
>>> round(float(out), 6), round(float(tangent), 6)
(0.099833, 0.199001)
"""

from __future__ import annotations

import numpy as np

from numkeras import tree
from numkeras.autodiff.recorder import TapeError
from numkeras.autodiff.tape import GradientTape, one_hots
from numkeras.errors import ArgumentTypeError, ShapeError


def jvp(fun, primals, tangents, has_aux: bool = False):
    """`(fun(*primals), J(primals) @ tangents)` (with `aux` third when `has_aux`: `fun`
    returns `(output, aux)`), as `jax.jvp`: `primals` and `tangents` are tuples or lists
    of the same structure, shapes and dtypes; the tangents out have the outputs' structure."""
    from numkeras import ops

    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, (tuple, list)):
            raise ArgumentTypeError(
                f"The {name} of jvp must be a tuple or list (one item per argument of "
                f"`fun`), as jax.jvp's; got {type(value).__name__}. Write `({name[:-1]},)`."
            )
    flat_p = [ops.convert_to_tensor(p) for p in tree.flatten(primals)]
    flat_t = [ops.convert_to_tensor(t) for t in tree.flatten(tangents)]
    if len(flat_p) != len(flat_t) or not _same_nesting(primals, tangents):
        raise ArgumentTypeError(  # (a TypeError, as jax.jvp's)
            "The primals and tangents of jvp must have the same structure: got "
            f"{len(flat_p)} primal(s) and {len(flat_t)} tangent(s)."
        )
    for i, (p, t) in enumerate(zip(flat_p, flat_t)):
        if np.shape(p) != np.shape(t):
            raise ShapeError(
                f"Each tangent of jvp must have its primal's shape (as jax.jvp): primal "
                f"{np.shape(p)}, tangent {np.shape(t)}."
            )
        # (a float64 tangent of a float32 primal is cast, as Keras's JAX converts it)
        flat_t[i] = np.asarray(t, np.asarray(p).dtype)
    with GradientTape(persistent=True) as tape:
        watched = [tape.watch(np.array(p)) for p in flat_p]
        result = fun(*tree.pack_sequence_as(primals, watched))
    out, aux = result if has_aux else (result, None)
    flat_out = tree.flatten(out)
    tangents_out = [_directional(tape, o, watched, flat_t) for o in flat_out]
    plain_out = [np.asarray(o).view(np.ndarray) for o in flat_out]
    packed = (
        tree.pack_sequence_as(out, plain_out) if tree.is_nested(out) else plain_out[0],
        tree.pack_sequence_as(out, tangents_out) if tree.is_nested(out) else tangents_out[0],
    )
    return (*packed, aux) if has_aux else packed


def _directional(tape, output, sources, tangents):
    """`J t` for one output: one backward pass per element."""
    value = np.asarray(output)
    flat = np.zeros(value.size, value.dtype if value.dtype.kind == "f" else np.float32)
    # (row by row, not through `tape.jacobian`: that would hold every row at once)
    for i, seed in enumerate(one_hots(value.shape, flat.dtype)):
        try:
            grads = tape.gradient(output, sources, seed, unconnected_gradients="zero")
        except TapeError:  # (an output the tape did not record: a constant, no slope)
            return np.zeros(value.shape, flat.dtype)
        # (inputs with a zero slope add nothing: a NaN or inf tangent reaches only the
        # outputs that depend on it, as in JAX's forward mode, not 0 * NaN everywhere)
        flat[i] = sum(np.sum(np.where(g == 0, 0, g * t)) for g, t in zip(grads, tangents))
    return flat.reshape(value.shape)


def _same_nesting(a, b) -> bool:
    try:
        tree.assert_same_structure(a, b)
    except (TypeError, ValueError):
        return False
    return True
