"""Weight constraints, as Keras's `keras.constraints`: `MaxNorm`, `MinMaxNorm`, `NonNeg`,
`UnitNorm` (and `max_norm`, `min_max_norm`, `non_neg`, `unit_norm`). A layer's
`kernel_constraint=MaxNorm(3)` projects that weight after every optimizer update, as
Keras's optimizer does (`variable.assign(constraint(variable))`); a constraint is any
callable `w -> projected w`, so a user's subclass only writes `__call__` with array ops.

>>> import numpy as np
>>> w = np.array([[3.0, 0.0], [4.0, 1.0]], "float32")  # column norms 5 and 1
>>> MaxNorm(2.0)(w).round(4).tolist()
[[1.2000000476837158, 0.0], [1.600000023841858, 1.0]]
>>> NonNeg()(np.array([-1.0, 2.0], "float32")).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    UnknownNameError,
    UnknownObjectError,
    did_you_mean,
    warn_deprecated,
)
from numkeras.utils.serialization import function_config, takes_custom_objects


class Constraint:
    """Base class: `__call__(w)` returns the projected weight (here unchanged)."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _norms(w, axis):
    xp = backend.xp
    axis = tuple(axis) if isinstance(axis, list) else axis
    return xp.sqrt(xp.sum(xp.square(w), axis=axis, keepdims=True))


def _rescaled(w, norms, desired):
    # Keras: w * (desired / (epsilon + norms)), in the weight's dtype
    eps = w.dtype.type(backend.epsilon())
    return w * (desired / (eps + norms))


class MaxNorm(Constraint):
    """Rescale each unit's incoming weights (the norm along `axis`; 0 for a Dense kernel)
    to norm at most `max_value`."""

    def __init__(self, max_value: float = 2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = backend.xp.asarray(w)
        norms = _norms(w, self.axis)
        return _rescaled(w, norms, backend.xp.clip(norms, 0, self.max_value).astype(w.dtype))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Move each unit's weight norm (along `axis`) into `[min_value, max_value]`, by
    `rate` of the way per update (1.0: all the way)."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = backend.xp.asarray(w)
        t = w.dtype.type
        norms = _norms(w, self.axis)
        clipped = backend.xp.clip(norms, self.min_value, self.max_value).astype(w.dtype)
        desired = t(self.rate) * clipped + t(1 - self.rate) * norms
        return _rescaled(w, norms, desired)

    def get_config(self) -> dict:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """Set negative weights to 0."""

    def __call__(self, w):
        w = backend.xp.asarray(w)
        return backend.xp.maximum(w, w.dtype.type(0))


class UnitNorm(Constraint):
    """Rescale each unit's incoming weights (the norm along `axis`) to norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = backend.xp.asarray(w)
        eps = w.dtype.type(backend.epsilon())
        return w / (eps + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_CLASSES = {"MaxNorm": MaxNorm, "MinMaxNorm": MinMaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm}
_NAMES = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}
_KERAS2 = {"maxnorm": "max_norm", "nonneg": "non_neg", "unitnorm": "unit_norm"}


def _keras2_alias(old: str):
    new = _KERAS2[old]

    def make(*args, **kwargs) -> Constraint:
        warn_deprecated(
            f"`constraints.{old}` is Keras 2's spelling; use `constraints.{new}` (Keras 3)."
        )
        return _NAMES[new](*args, **kwargs)

    make.__name__ = old
    make.__doc__ = f"Keras 2's `{old}`: `{new}`, with a note naming the new spelling."
    return make


# Keras 2's lowercase spellings (`from keras.constraints import maxnorm`), still found in
# tutorials; Keras 3 dropped them
maxnorm, nonneg, unitnorm = (_keras2_alias(n) for n in ("maxnorm", "nonneg", "unitnorm"))


def _lookup(name: str) -> type:
    from numkeras.saving import object_registration

    table = {**_NAMES, **_CLASSES}
    if name in table:
        return table[name]
    if name in _KERAS2:
        return _NAMES[_KERAS2[name]]
    custom = object_registration.find(None, name)
    if isinstance(custom, type):
        return custom
    hint = did_you_mean(name, table)
    raise UnknownNameError(f"Unknown constraint: {name!r}.{hint} Valid names: {sorted(table)}.")


def get(identifier):
    """A constraint from None, a name (`"max_norm"`), a config dict, an instance or any
    callable (returned as it is, as Keras does).

    >>> get("non_neg")
    NonNeg()
    """
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if callable(identifier):
        return identifier
    raise ConfigError(
        "A constraint must be None, a name, a config dict or a callable w -> projected w "
        f"(e.g. numkeras.constraints.MaxNorm(3)); received {identifier!r}."
    )


def serialize(constraint) -> dict | None:
    """Keras's serialized form (`{"module", "class_name", "config", "registered_name"}`).

    >>> serialize(MaxNorm(3))["config"]
    {'max_value': 3, 'axis': 0}
    """
    from numkeras.saving import object_registration

    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        if callable(constraint):  # a plain function w -> w, as Keras 3 writes one
            return function_config(constraint)
        raise ConfigError(
            f"Cannot serialize the constraint {constraint!r}: expected a Constraint "
            "(numkeras.constraints, or a subclass with get_config) or a function w -> w."
        )
    return object_registration.class_config(constraint, _CLASSES, "keras.constraints")


@takes_custom_objects
def deserialize(config) -> Constraint:
    """A constraint from a name or a config dict, as Keras 3 and Keras 2 write them (a
    saved function: the one `custom_objects` or the registry supplies)."""
    from numkeras.saving import object_registration

    if isinstance(config, str):
        return _lookup(config)()
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ConfigError(
            f"Cannot deserialize a constraint from {config!r}: expected a name or a dict "
            'like {"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 0}}.'
        )
    if config["class_name"] == "function":  # loads only where the program supplies it
        fn = object_registration.find(None, config.get("config"), function=True)
        if fn is None:
            raise UnknownObjectError(
                f"The constraint function {config.get('config')!r} is not known here: pass "
                "it with custom_objects= or register it (numkeras never loads code from a file)."
            )
        return fn
    registered = config.get("registered_name")
    cls = object_registration.find(None, registered) if registered else None
    cls = cls if isinstance(cls, type) else _lookup(config["class_name"])
    return cls.from_config(dict(config.get("config") or {}))


__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "maxnorm",
    "min_max_norm",
    "non_neg",
    "nonneg",
    "serialize",
    "unit_norm",
    "unitnorm",
]
