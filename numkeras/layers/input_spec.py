"""`InputSpec`: what a layer accepts, checked before every call (as Keras 3).

>>> spec = InputSpec(min_ndim=2, axes={-1: 64})
>>> spec
InputSpec(min_ndim=2, axes={-1: 64})
"""

from __future__ import annotations

from numkeras import shapes
from numkeras.errors import ShapeError, format_shape


class InputSpec:
    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def template(self):
        """The expected shape with `None` for free dims, or None if the rank is open."""
        if self.shape is not None:
            return self.shape
        if self.ndim is not None:
            t = [None] * self.ndim
            for a, v in self.axes.items():
                t[a] = v
            return tuple(t)
        return None

    def describe(self) -> str:
        t = self.template()
        if t is not None:
            return shapes.template(t)
        last = self.axes.get(-1)
        tail = f", ..., {last})" if last is not None else ", ...)"
        lead = "(batch" + (", any" * max(0, (self.min_ndim or 1) - 2))
        return lead + tail + (f" (rank >= {self.min_ndim})" if self.min_ndim else "")

    def diagnose_rank(self, shape) -> shapes.Diagnosis:
        """Why an input of another rank does not fit (subclasses name their axes)."""
        return shapes.diagnose(self.template(), shape)

    def __repr__(self) -> str:
        # (Keras's: the fields that are set, in get_config's order, without `optional`;
        # ndim too when a shape gives it)
        fields = self.get_config()
        del fields["optional"]
        body = ", ".join(f"{k}={v}" for k, v in fields.items() if v)
        return f"InputSpec({body})"

    def get_config(self) -> dict:
        """Keras's keys (not `allow_last_axis_squeeze` nor `name`, as Keras)."""
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config: dict) -> InputSpec:
        return cls(**config)


def check_input(spec: InputSpec | None, shape, layer_name: str, index: int = 0) -> None:
    """Raise a ShapeError that explains itself if `shape` (with batch) violates `spec`."""
    if spec is None:
        return
    shape = tuple(shape)
    rank = len(shape)
    where = f"Layer '{layer_name}'" + (f" (input {index})" if index else "")

    def fail(reason: str, fix: str | None = None):
        msg = (
            f"{where} expects inputs of shape {spec.describe()}, received "
            f"{format_shape(shape)}.\n  {reason}"
        )
        if fix:
            msg += f"\n  Fix: {fix}"
        raise ShapeError(msg)

    template = spec.template()
    if template is not None and not spec.allow_last_axis_squeeze and rank != len(template):
        d = spec.diagnose_rank(shape)
        fail(d.reason, d.fix)
    if spec.max_ndim is not None and rank > spec.max_ndim:
        fail(f"expected rank <= {spec.max_ndim}, received rank {rank}.")
    if spec.min_ndim is not None and rank < spec.min_ndim:
        fix = None
        if rank == spec.min_ndim - 1:
            fix = (
                "the batch axis comes first; for a single sample use x[None], shape "
                f"{format_shape((1, *shape))}."
            )
        fail(f"expected rank >= {spec.min_ndim}, received rank {rank}.", fix)
    for axis, value in spec.axes.items():
        if value is None:
            continue
        a = axis if axis >= 0 else rank + axis
        if a < 0 or a >= rank or (shape[a] is not None and shape[a] != value):
            received = shape[a] if 0 <= a < rank else "nothing"
            fix = None
            if rank == 2 and shape[0] == value:
                fix = f"the input looks transposed; use x.T, shape {format_shape(shape[::-1])}."
            fail(
                f"{shapes.axis_label(a, rank, axis)} must be {value}, received {received}.",
                fix,
            )
    if spec.shape is not None:
        s, t = shape, spec.shape
        if spec.allow_last_axis_squeeze:
            s = s[:-1] if s and s[-1] == 1 else s
            t = t[:-1] if t and t[-1] == 1 else t
        if not shapes.compatible(t, s):
            d = shapes.diagnose(t, s)
            fail(d.reason, d.fix)
