"""`Variable`: a named, shape-fixed array that a layer owns.

A variable's `value` may be a view into a model's flat weight buffer (see
`models/model.py`), so `assign` always writes in place and never rebinds.
During a training step the model points `grad` at a view into a flat gradient
buffer (or `None` when the variable is frozen for that model); backward passes
write there with `add_grad`.

>>> import numpy as np
>>> v = Variable(np.zeros((2, 3), "float32"), name="kernel", path="dense/kernel")
>>> v
<Variable path=dense/kernel, shape=(2, 3), dtype=float32, trainable=True>
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from numkeras import backend
from numkeras.backend import scopes, stateless_scope
from numkeras.errors import ShapeError, format_shape
from numkeras.utils.naming import auto_name
from numkeras.utils.tensor_operators import TensorOperators

# the open `keeping_trainable_values` blocks, innermost last: id -> (variable, its value
# before the block's first `assign` to it)
_kept: list[dict] = []


@contextlib.contextmanager
def keeping_trainable():
    """Inside the block, the trainable variables a layer's `call` assigns get their values
    back at its end (see `keeping_trainable_values`)."""
    saved: dict = {}
    _kept.append(saved)
    try:
        yield
    finally:
        _kept.remove(saved)
        for variable, value in saved.values():
            variable._value[...] = value


def keeping_trainable_values(method):
    """Decorate a model's inference method (`predict`, `evaluate`, ...): the trainable
    variables a layer's `call` assigns while it runs get their values back when it
    returns, as Keras 3's JAX backend runs these steps statelessly and keeps only the
    non-trainable state (keras.io's PixelCNN masks its kernel with `kernel.assign` in
    `call`: `predict` leaves the kernel as training left it, while `model(x)` masks it)."""

    @functools.wraps(method)
    def keeping(*args, **kwargs):
        with keeping_trainable():
            return method(*args, **kwargs)

    return keeping


class Variable(TensorOperators):
    # (its operators, as Keras 3's variables: `numkeras.ops` on the value, so a layer's `call`
    # can write `x @ self.w + self.b`; inside a trace the gradient reaches it)
    regularizer = None  # a numkeras.regularizers penalty on this weight, set by its layer
    constraint = None  # a numkeras.constraints projection applied after each optimizer update
    # `array @ variable`, `array * variable`: NumPy and CuPy defer to the variable's
    # reflected operators (numkeras.ops), so a GradientTape records them, as TF's variables
    # do. Above CuPy's own 100: at a tie CuPy would convert the variable, and cannot.
    __array_priority__ = 1000
    # (Keras's distribution settings: kept, with nothing to do on one device)
    aggregation = "none"
    synchronization = "auto"
    overwrite_with_gradient = False
    # Keras's `autocast`: read as float16 inside a mixed_float16 layer's call (see
    # layers/autocast.py, which sets `_cast_value` to that reading for the call's duration)
    _autocast = True
    _cast_value = None

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable: bool = True,
        name: str | None = None,
        path: str | None = None,
        **kwargs,
    ):
        """Keras 3's signature: `initializer` is the value (an array, a list, a number)
        or an initializer (a name or a callable) with `shape`; `autocast`, `aggregation`,
        `synchronization` and `overwrite_with_gradient` are kept as Keras keeps them (the
        last three change nothing in a single-device NumPy run)."""
        for key in ("aggregation", "synchronization", "overwrite_with_gradient"):
            if key in kwargs:
                setattr(self, key, kwargs.pop(key))
        self._autocast = bool(kwargs.pop("autocast", True))
        if kwargs:
            raise TypeError(f"Variable() got unexpected keyword arguments {sorted(kwargs)}.")
        if dtype is not None:  # (Keras's names: "int" is int32, as `standardize_dtype`)
            dtype = backend.standardize_dtype(dtype)
        if isinstance(initializer, str) or (
            callable(initializer) and not hasattr(initializer, "shape")
        ):
            from numkeras import initializers

            if shape is None:
                raise ValueError(
                    f"A Variable made from an initializer ({initializer!r}) needs `shape`."
                )
            initializer = initializers.get(initializer)(
                tuple(shape), dtype=dtype or backend.floatx()
            )
        # a copy, as Keras's: assigning to the variable leaves the caller's array alone
        value = backend.xp.array(initializer, dtype=dtype)
        if dtype is None and value.dtype.kind == "f" and not hasattr(initializer, "dtype"):
            value = value.astype(backend.floatx())  # Python numbers: floatx, as Keras
        self._value = value
        name = name or auto_name("variable")
        self.name = name
        # Keras 3: the open name scopes (`keras.name_scope`) go in front of the path
        scope = scopes.current_path()
        self._scope_path = f"{scope}/" if scope else ""
        self.path = self._scope_path + (path or name)
        self._trainable = bool(trainable)  # its own flag (False: BN's moving statistics)
        self._layer_frozen = False  # its layer's `trainable = False`, mirrored (Keras 3)
        self.grad = None  # set by the model for the current training step
        self._grad_fresh = False  # True until the first write of this step
        stateless_scope.track(self)  # (a StatelessScope copies and restores live variables)

    @property
    def trainable(self) -> bool:
        """Keras 3's flag: False for a non-trainable variable, and while its layer is
        frozen (`layer.trainable = False` switches its variables off, True back on)."""
        return self._trainable and not self._layer_frozen

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        self._layer_frozen = False

    @property
    def value(self):
        return self._value if self._cast_value is None else self._cast_value

    @property
    def shape(self) -> tuple:
        return tuple(self._value.shape)

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(self._value.size)

    def numpy(self) -> np.ndarray:
        return backend.to_numpy(self._value).copy()

    def __array__(self, dtype=None, copy=None):
        # NumPy 2 passes `copy=True` for `np.array(v)` and trusts the answer: a snapshot
        # (`w0 = np.array(layer.kernel)`) must not alias the live value a step updates
        a = backend.to_numpy(self._value)
        if dtype is not None and a.dtype != np.dtype(dtype):
            if copy is False:
                raise ValueError(
                    f"Variable '{self.path}' holds {a.dtype}; a {np.dtype(dtype)} array of it "
                    "needs a copy (copy=False was asked)."
                )
            return a.astype(dtype)
        return a.copy() if copy else a

    # Python scalars of a 0-d variable, as Keras 3's; its truth value is refused there
    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __bool__(self) -> bool:
        raise TypeError("A Keras Variable cannot be used as a boolean.")

    def _scalar(self):
        if self._value.ndim:
            raise TypeError(
                "Only scalar arrays can be converted to Python scalars. Got: "
                f"shape={tuple(self.shape)}"
            )
        return backend.to_numpy(self._value)[()]

    def assign(self, value) -> None:
        """Overwrite the values in place (shape-checked; cast to this variable's dtype)."""
        if hasattr(value, "node"):  # a symbolic tensor: a traced call updating state
            import importlib

            # (the module: `numkeras.ops.trace` is also a function there)
            trace_module = importlib.import_module("numkeras.ops.trace")

            # a trainable weight: later reads in the trace see the value, as Keras's JAX
            # step sees it in its stateless scope, and the step keeps the weight's own
            if trace_module.assign_in_trace(self, value):
                return
            raise TypeError(
                f"Variable '{self.path}' is assigned a symbolic tensor: numkeras traces a "
                "call() to train through it, and cannot trace one that updates a "
                "non-trainable variable (assign, assign_add) or updates a variable outside "
                "a traced call(); run it on arrays, or keep the update out of call()."
            )
        value = backend.xp.asarray(value)
        if _kept and self._trainable and id(self) not in _kept[-1]:
            _kept[-1][id(self)] = (self, self._value.copy())
        if tuple(value.shape) != self.shape:
            raise ShapeError(
                f"Cannot assign a value of shape {format_shape(value.shape)} to variable "
                f"'{self.path}' of shape {format_shape(self.shape)}."
            )
        if stateless_scope.active is not None:  # recorded there, undone on its exit
            stateless_scope.active.touch(self)
        self._value[...] = value
        if self._cast_value is not None:  # inside a mixed_float16 call: it reads the new value
            from numkeras.layers.autocast import round_half

            self._cast_value = round_half(self._value)

    def assign_add(self, value) -> None:
        """Add `value` in place (Keras's `assign_add`)."""
        self.assign(
            self + value if hasattr(value, "node") else self._value + backend.xp.asarray(value)
        )

    def assign_sub(self, value) -> None:
        """Subtract `value` in place (Keras's `assign_sub`)."""
        self.assign(
            self - value if hasattr(value, "node") else self._value - backend.xp.asarray(value)
        )

    def _rebind(self, view) -> None:
        """Move the storage to `view` (same shape), copying the current values there."""
        view[...] = self._value
        self._value = view

    # -- gradients (training) -------------------------------------------------
    def start_grad(self, buffer) -> None:
        """Begin a training step: gradients go to `buffer` (or nowhere, if None)."""
        self.grad = buffer
        self._grad_fresh = buffer is not None

    def add_grad(self, g) -> None:
        """Accumulate `g` into this step's gradient; a no-op when not being trained."""
        if self.grad is None:
            return
        if self._grad_fresh:
            self.grad[...] = g
            self._grad_fresh = False
        else:
            self.grad += g

    def add_matmul_grad(self, a, b) -> None:
        """Accumulate `a @ b` (a weight gradient) without a temporary on first write."""
        if self.grad is None:
            return
        if self._grad_fresh:
            backend.xp.matmul(a, b, out=self.grad)
            self._grad_fresh = False
        else:
            self.grad += a @ b

    def add_sum_grad(self, a) -> None:
        """Accumulate `a.sum(axis=0)` (a bias gradient), summing straight into the
        gradient buffer on first write (the same additions, no temporary to copy)."""
        if self.grad is None:
            return
        if self._grad_fresh and a.dtype == self.grad.dtype:
            a.sum(axis=0, out=self.grad)
            self._grad_fresh = False
        else:  # (another dtype: summed in its own, then cast, as `add_grad`)
            self.add_grad(a.sum(axis=0))

    @property
    def wants_grad(self) -> bool:
        return self.grad is not None

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={format_shape(self.shape)}, "
            f"dtype={self.dtype}, trainable={self.trainable}>"
        )
