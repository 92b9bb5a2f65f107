"""Weight penalties, as Keras's `keras.regularizers`: `L1`, `L2`, `L1L2` (and `l1`, `l2`,
`l1_l2`). A `Dense(kernel_regularizer=l2(0.01))` adds `0.01 * sum(kernel ** 2)` to the loss
that training minimises and reports (evaluate's too), for its trainable weights, as Keras
does; each penalty carries its gradient (`grad`). A custom penalty written with
`numkeras.ops` (a plain function `fn(weight) -> scalar`, as Keras takes, or a `Regularizer`
subclass with only `__call__`) gets its gradient by tracing (`numkeras.ops.trace`).

>>> import numpy as np
>>> penalty = l2(0.01)
>>> w = np.array([1.0, -2.0], "float32")
>>> float(penalty(w)), penalty.grad(w).tolist()
(0.04999999701976776, [0.019999999552965164, -0.03999999910593033])
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    RegularizerConfigError,
    UnknownNameError,
    UnknownObjectError,
)
from numkeras.utils.naming import unknown_name_message
from numkeras.utils.serialization import function_config, takes_custom_objects


class Regularizer:
    """A penalty on a weight: `__call__(w)` gives it, `grad(w)` its gradient (traced from
    `__call__` for a subclass that defines only that)."""

    def __call__(self, x):
        return backend.xp.zeros((), x.dtype)[()]

    def grad(self, x):
        if type(self).__call__ is Regularizer.__call__:
            return backend.xp.zeros_like(x)
        return _traced_grad(self, self.__call__, x)

    def get_config(self) -> dict:
        # as Keras 3: a subclass that defines no get_config cannot be serialized, so a
        # layer's get_config, to_json and save raise with it
        raise RegularizerConfigError(f"{object.__repr__(self)} does not implement get_config()")

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        if type(self).get_config is Regularizer.get_config:
            return object.__repr__(self)
        args = ", ".join(f"{k}={v}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class FunctionRegularizer(Regularizer):
    """A plain function `fn(weight) -> scalar penalty` as a regularizer (Keras takes any
    callable); its gradient is traced, so write it with `numkeras.ops`.

    >>> import numpy as np
    >>> from numkeras import ops
    >>> penalty = get(lambda w: 0.5 * ops.sum(ops.abs(w)))
    >>> penalty.grad(np.array([2.0, -1.0], "float32")).tolist()
    [0.5, -0.5]
    """

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, x):
        return backend.xp.asarray(self.fn(x))[()]

    def grad(self, x):
        return _traced_grad(self, self.fn, x)

    def __repr__(self) -> str:
        return f"FunctionRegularizer({getattr(self.fn, '__name__', self.fn)!r})"


def _traced_grad(owner, fn, x):
    from numkeras.ops.trace import TraceError, check_same, trace_for

    xp = backend.xp
    try:
        trace = trace_for(
            owner.__dict__.setdefault("_traces", {}),
            None,
            fn,
            [x],
            lambda t: check_same(t, [x], lambda: fn(x)),
        )
    except TraceError as e:
        raise NotImplementedError(
            f"The regularizer {owner!r} has no gradient: numkeras differentiates a penalty "
            "written as a function (or a `__call__`) by running it on a symbolic tensor and "
            f"recording its operations, and this one could not be recorded ({e}). Write it "
            "with numkeras.ops, or define `grad(x)`."
        ) from e
    (value,), caches = trace.forward([x])
    (g,) = trace.backward(caches, [xp.ones_like(value)])
    return xp.zeros_like(x) if g is None else g.astype(x.dtype, copy=False)


def _factor(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"`{name}` must be a number, received {value!r}.") from None
    if not 0 <= value < float("inf"):  # (NaN too)
        raise ConfigError(f"`{name}` must be a finite non-negative number, received {value!r}.")
    return value


class L1L2(Regularizer):
    """`l1 * sum(|w|) + l2 * sum(w ** 2)`."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        # None means "no penalty of that kind", as in Keras (`L1L2(l1=None, l2=0.1)`)
        l1, l2 = 0.0 if l1 is None else l1, 0.0 if l2 is None else l2
        self.l1, self.l2 = _factor(l1, "l1"), _factor(l2, "l2")

    def __call__(self, x):
        xp, t = backend.xp, x.dtype.type
        total = xp.zeros((), x.dtype)[()]
        if self.l1:
            total = total + t(self.l1) * xp.sum(xp.abs(x))
        if self.l2:
            total = total + t(self.l2) * xp.sum(xp.square(x))
        return total

    def grad(self, x):
        xp, t = backend.xp, x.dtype.type
        g = xp.zeros_like(x)
        if self.l1:  # |w|'s slope is 1 at 0, as JAX differentiates it (Keras's reference)
            g += t(self.l1) * xp.where(x >= 0, t(1), t(-1))
        if self.l2:
            g += t(2 * self.l2) * x
        return g

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """`l1 * sum(|w|)`."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=0.01 if l1 is None else l1)  # None: the default, as Keras

    def get_config(self) -> dict:
        # Keras 3 keeps `l1` as a float32 tensor, so its config holds the rounded value
        return {"l1": float(np.float32(self.l1))}


class L2(L1L2):
    """`l2 * sum(w ** 2)`."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=0.01 if l2 is None else l2)  # None: the default, as Keras

    def get_config(self) -> dict:
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2


def activity_penalty(regularizer: Regularizer, output, with_grad: bool):
    """A layer's activity penalty on one output, as Keras 3: `regularizer(output)` divided
    by the batch size (0 for an empty batch); with `with_grad`, also its gradient with
    respect to `output` (else None).

    >>> import numpy as np
    >>> out = np.array([[1.0, -2.0], [3.0, 0.0]], "float32")
    >>> value, grad = activity_penalty(L1(0.5), out, with_grad=True)
    >>> float(value), grad.tolist()
    (1.5, [[0.25, -0.25], [0.25, 0.25]])
    """
    t = output.dtype.type
    value = regularizer(output)
    grad = regularizer.grad(output) if with_grad else None
    if output.ndim > 0:  # Keras's divide_no_nan: 0 for an empty batch
        n = output.shape[0]
        value = value / t(n) if n else t(0)
        if grad is not None:
            grad = grad / t(n) if n else grad * t(0)
    return float(value), grad


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (`mode="rows"`) or columns (`mode="columns"`) of a 2-D weight
    towards orthogonality, as Keras 3: with the rows (or columns) L2-normalized to `U`
    (`n` of them; the inverse norm capped at 1e7, Keras's `normalize`), the penalty is
    `factor * 0.5 * sum(|U @ U.T| off the diagonal) / (n * (n - 1) / 2)`, the mean
    absolute cosine between pairs. The gradient takes `|.|`'s slope at 0 as 1, as JAX does
    (an all-zero row or column gets a zero gradient, where Keras's is NaN).

    As Keras, `factor` is kept as a float32 number (`get_config()["factor"]` of 0.01 is
    0.009999999776482582).

    >>> import numpy as np
    >>> penalty = OrthogonalRegularizer(factor=1.0)
    >>> float(penalty(np.array([[1.0, 0.0], [1.0, 1.0]], "float32")))  # cos 45 deg
    0.7071067690849304
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        if (
            isinstance(factor, bool)
            or not isinstance(factor, (int, float))
            or not np.isfinite(factor)
            or factor < 0
        ):
            raise ConfigError(
                "Invalid value for argument factor: expected a non-negative float. "
                f"Received: factor={factor!r}"
            )
        if mode not in ("rows", "columns"):
            raise ConfigError(
                'Invalid value for argument `mode`. Expected one of {"rows", "columns"}. '
                f"Received: mode={mode!r}"
            )
        self.factor = float(np.float32(factor))  # Keras keeps it as a float32 tensor
        self.mode = mode

    def _normalized(self, x):
        xp = backend.xp
        if x.ndim != 2:
            raise ConfigError(
                "Inputs to OrthogonalRegularizer must have rank 2. Received: "
                f"inputs.shape={tuple(x.shape)}"
            )
        w = x if self.mode == "rows" else x.T  # rows of w are what is made orthogonal
        t = w.dtype.type
        with np.errstate(divide="ignore"):
            inv = t(1) / xp.sqrt(xp.sum(xp.square(w), axis=1, keepdims=True))
        inv = xp.minimum(inv, t(1e7))
        return w, inv, w * inv

    def _scale(self, n: int, t):
        with np.errstate(divide="ignore", invalid="ignore"):  # one row: 0 pairs, as Keras
            return t(self.factor) * t(0.5) / t(n * (n - 1.0) / 2.0)

    def __call__(self, x):
        xp = backend.xp
        _, _, u = self._normalized(x)
        t = u.dtype.type
        product = u @ u.T
        off = xp.abs(product) * (t(1) - xp.eye(u.shape[0], dtype=u.dtype))
        with np.errstate(invalid="ignore"):
            return (xp.sum(off) * self._scale(u.shape[0], t))[()]

    def grad(self, x):
        xp = backend.xp
        w, inv, u = self._normalized(x)
        t = u.dtype.type
        n = u.shape[0]
        # |.|'s slope is 1 at 0, as JAX's (an identity start has exact zeros off the
        # diagonal); an all-zero row gets no gradient (Keras's is NaN there)
        live = (inv < t(1e7)).astype(u.dtype)
        s = xp.where(u @ u.T >= 0, t(1), t(-1)) * (t(1) - xp.eye(n, dtype=u.dtype))
        s = s * live * live.T
        with np.errstate(invalid="ignore"):
            du = t(2) * self._scale(n, t) * (s @ u)  # d/dU of sum|U U^T| (symmetric)
        # through U = W * inv, inv = min(rsqrt(sum W^2), 1e7) per row
        dw = du * inv - w * xp.where(inv < t(1e7), inv**3, t(0)) * xp.sum(
            du * w, axis=1, keepdims=True
        )
        return dw if self.mode == "rows" else dw.T

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


orthogonal_regularizer = OrthogonalRegularizer  # Keras's lower-case alias

_CLASSES = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer}
# the names Keras's get() takes
_NAMES = {"l1": L1, "l2": L2, "l1l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}


def get(identifier) -> Regularizer | None:
    """A regularizer from None, a name (`"l2"`), a config dict or an instance.

    >>> get("l2")
    L2(l2=0.01)
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str) and (identifier in _NAMES or identifier in _CLASSES):
        return {**_NAMES, **_CLASSES}[identifier]()  # each with its default factors, as Keras
    if isinstance(identifier, str):
        raise UnknownNameError(
            unknown_name_message("regularizer", identifier, [*_NAMES, *_CLASSES])
        )
    if callable(identifier):
        return FunctionRegularizer(identifier)
    raise ConfigError(
        f"A regularizer must be None, a name, a config dict, a numkeras.regularizers "
        f"instance or a function of the weight; received {identifier!r}."
    )


def serialize(regularizer) -> dict | None:
    """Keras's serialized form (`{"module", "class_name", "config", "registered_name"}`)."""
    if regularizer is None:
        return None
    if isinstance(regularizer, FunctionRegularizer):  # as Keras writes a function
        return function_config(regularizer.fn)
    from numkeras.saving import object_registration

    return object_registration.class_config(regularizer, _CLASSES, "keras.regularizers")


@takes_custom_objects
def deserialize(config: dict) -> Regularizer:
    from numkeras.saving import object_registration

    if config.get("class_name") == "function":  # loads only where the program supplies it
        fn = object_registration.find(None, config.get("config"), function=True)
        if fn is None:
            raise UnknownObjectError(
                f"The regularizer function {config.get('config')!r} is not known here: pass "
                "it with custom_objects= or register it (numkeras never loads code from a file)."
            )
        return FunctionRegularizer(fn)
    # a user's class, registered or supplied (custom_objects, a scope), by its saved name
    cls = object_registration.saved_class(config) or _CLASSES.get(config.get("class_name"))
    if cls is None:
        raise UnknownObjectError(
            unknown_name_message("regularizer class", str(config.get("class_name")), _CLASSES)
        )
    return cls.from_config(dict(config.get("config") or {}))


__all__ = [
    "L1",
    "L1L2",
    "L2",
    "FunctionRegularizer",
    "OrthogonalRegularizer",
    "Regularizer",
    "activity_penalty",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
]
