"""Shape explanations: the words behind every ShapeError and `numkeras.explain`.

Shapes here always include the batch axis first, as Keras's `batch_shape`;
`None` means "any size". `template((None, 64))` renders `(batch, 64)`.

>>> template((None, 64))
'(batch, 64)'
>>> print(diagnose((None, 64), (64, 128)).fix)
the input looks transposed (samples along axis 1); use x.T, shape (128, 64).
>>> print(diagnose((None, 64), (64, 256, 256)).fix)  # doctest: +NORMALIZE_WHITESPACE
axis 0 has the 64 features, not the last axis: to make every 64-vector a sample, move that
axis last and flatten the others: np.moveaxis(x, 0, -1).reshape(-1, 64), shape (65536, 64).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from numkeras.errors import format_shape


def template(shape, batch_name: str = "batch") -> str:
    """Render an expected shape with named axes: `(batch, 64)`, `(batch=32, 6, 8)`,
    `(batch, any, 8)`."""
    parts = []
    for i, d in enumerate(shape):
        if i == 0:
            parts.append(batch_name if d is None else f"{batch_name}={d}")
        else:
            parts.append("any" if d is None else str(d))
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def axis_label(axis: int, rank: int, written: int | None = None) -> str:
    """How an error names `axis` of a rank-`rank` shape: 'axis 0 (batch)', 'axis 2
    (features)', a middle one plainly ('axis 1'); `written` is the axis as the layer gave
    it, when negative ('axis -2 (axis 1)').

    >>> axis_label(0, 3), axis_label(2, 3), axis_label(1, 3), axis_label(1, 3, written=-2)
    ('axis 0 (batch)', 'axis 2 (features)', 'axis 1', 'axis -2 (axis 1)')
    """
    label = f"axis {axis if written is None else written}"
    if axis == 0:
        return f"{label} (batch)"
    if axis == rank - 1:
        return f"{label} (features)"
    return label if written in (None, axis) else f"{label} (axis {axis})"


def compatible(expected, received) -> bool:
    """True if `received` matches `expected` dim by dim (`None` matches anything)."""
    if len(expected) != len(received):
        return False
    return all(e is None or r is None or e == r for e, r in zip(expected, received))


def _known(shape) -> bool:
    return all(d is not None for d in shape)


@dataclass
class Diagnosis:
    reason: str  # which axis (or the rank) differs, and how
    fix: str | None  # the likely fix, when one is likely

    def lines(self) -> list[str]:
        out = [self.reason]
        if self.fix:
            out.append("Fix: " + self.fix)
        return out


def _axis_order(received, sample) -> tuple | None:
    """The axes order `np.transpose` needs to turn `received` (batch first) into samples
    of shape `sample`, when its sample axes are `sample`'s in another order."""
    if len(sample) < 2 or not _known(received) or not _known(sample):
        return None
    if sorted(received[1:]) != sorted(sample) or tuple(received[1:]) == tuple(sample):
        return None
    for order in itertools.permutations(range(1, len(received))):
        if tuple(received[i] for i in order) == tuple(sample):
            return (0, *order)
    return None


def _swapped_axes(received, *samples) -> tuple | None:
    """`(order, sample)` for the first of `samples` (sample shapes, None skipped) whose axes
    `received` holds in another order: the expected one, then the declared one (a
    Sequential model's template leaves the sizes its layers take free)."""
    for sample in samples:
        if sample is not None and len(sample) == len(received) - 1:
            order = _axis_order(received, tuple(sample))
            if order is not None:
                return order, tuple(sample)
    return None


def diagnose(expected, received, declared_input_shape=None) -> Diagnosis:
    """Why `received` does not fit `expected`, and the likely fix.

    `expected` and `received` include the batch axis. `declared_input_shape`
    (without batch) is what the user declared, used to spot an `input_shape`
    that wrongly included the batch.
    """
    expected, received = tuple(expected), tuple(received)
    r, q = len(expected), len(received)
    sample = expected[1:]
    if q == r:
        axis = next(
            i
            for i in range(r)
            if expected[i] is not None and received[i] is not None and expected[i] != received[i]
        )
        reason = f"{axis_label(axis, r)} must be {expected[axis]}, received {received[axis]}."
        fix = None
        # (a symbolic input's unknown batch axis says nothing about a transpose)
        if r == 2 and _known(received) and compatible(expected, received[::-1]):
            fix = (
                f"the input looks transposed (samples along axis 1); use x.T, "
                f"shape {format_shape(received[::-1])}."
            )
        elif (swap := _swapped_axes(received, sample, declared_input_shape)) is not None:
            # swapped sample axes (timesteps and features): a reshape would mix values up
            order, target = swap
            fix = (
                f"the sample axes look swapped; use np.transpose(x, {order}), "
                f"shape {format_shape((received[0], *target))}."
            )
        elif r >= 2 and _known(sample) and math.prod(received[1:]) == math.prod(sample):
            target = (received[0], *sample)
            fix = (
                f"each sample holds the right number of values; reshape with "
                f"x.reshape({', '.join(str(d) for d in (-1, *sample))}), "
                f"shape {format_shape(target)}."
            )
        return Diagnosis(reason, fix)
    reason = (
        f"expected rank {r} (the batch axis plus {r - 1} per sample), received rank {q}: "
        f"each sample must have shape {format_shape(sample)}, but "
        + (
            f"axis 0 of this input holds samples of shape {format_shape(received[1:])}."
            if q > 1
            else "this input is a single axis of scalars."
        )
    )
    fix = None
    if q == r - 1 and compatible(sample, received):
        fix = (
            "this looks like a single sample without the batch axis (the batch axis always "
            f"comes first); use x[None] or x.reshape(1, {', '.join(map(str, received)) or ''}), "
            f"shape {format_shape((1, *received))}."
        )
        if declared_input_shape is not None and len(declared_input_shape) >= 2:
            fix += (
                f" Or, if axis 0 ({received[0]}) is your batch, the model's declared input "
                f"shape {format_shape(declared_input_shape)} wrongly includes the batch axis: "
                f"declare input_shape={format_shape(declared_input_shape[1:])} "
                "(shapes exclude the batch)."
            )
    elif q > r and r >= 2 and compatible(expected[-(r - 1) :], received[-(r - 1) :]):
        rows = math.prod(received[: q - r + 1]) if _known(received[: q - r + 1]) else None
        flat = ("-1", *map(str, sample))
        fix = (
            f"the input has {q - r} extra axis(es). To treat every "
            f"{format_shape(sample)} vector as its own sample, reshape with "
            f"x.reshape({', '.join(flat)})"
            + (f", shape {format_shape((rows, *sample))}" if rows is not None else "")
            + ". To apply the model along the last axis, build it for that rank, e.g. "
            f"Input(shape={format_shape((*([None] * (q - r)), *sample))})."
        )
    elif r == 2 and q > 2 and _known(received[1:]) and math.prod(received[1:]) == expected[1]:
        fix = (
            f"each sample holds {expected[1]} values in shape {format_shape(received[1:])}; "
            f"flatten them with x.reshape(len(x), -1), or add a Flatten layer first."
        )
    elif q > 1 and _known(sample) and _known(received[1:]):
        if math.prod(received[1:]) == math.prod(sample):
            fix = (
                f"each sample holds the right number of values; reshape with "
                f"x.reshape(len(x), {', '.join(map(str, sample))})."
            )
    if fix is None and r == 2 and q > 2 and expected[1] is not None and _known(received):
        # the features sit on another axis, e.g. (64, 256, 256) for (batch, 64)
        axes = [i for i, d in enumerate(received[:-1]) if d == expected[1]]
        if axes:
            rows = math.prod(received) // expected[1]
            fix = (
                f"axis {axes[0]} has the {expected[1]} features, not the last axis: to make "
                f"every {expected[1]}-vector a sample, move that axis last and flatten the "
                f"others: np.moveaxis(x, {axes[0]}, -1).reshape(-1, {expected[1]}), "
                f"shape {format_shape((rows, expected[1]))}."
            )
    if fix is None and q < r:
        if _known(received) and _known(sample) and math.prod(received) % math.prod(sample):
            # (no reshape makes whole samples of these values: (5, 2) for (batch, 3, 3))
            fix = (
                f"its {math.prod(received)} values do not make whole samples of shape "
                f"{format_shape(sample)}: check that this is the array this input takes."
            )
        else:
            dims = ", ".join(["-1"] + [str(d or 1) for d in sample])
            fix = f"add the missing axes, e.g. x.reshape({dims})."
    return Diagnosis(reason, fix)
