"""`Metric`: the base class of stateful metrics (update_state / result / reset_state).

A metric accumulates over batches exactly as Keras does: after several `update_state` calls,
`result()` is the (sample-weighted) mean over every sample seen since the last reset.
Its state lives in variables made by `add_variable` (listed by `variables`, in Keras's
order and with Keras's names). The built-in metrics keep float64 accumulators (Keras uses
float32 variables), so long epochs don't drift.

>>> import numpy as np
>>> from numkeras.metrics import Mean
>>> m = Mean()
>>> m.update_state([1.0, 2.0])
>>> m.update_state([3.0])
>>> m.result()
2.0
>>> [v.path for v in m.variables]
['mean/total', 'mean/count']
>>> m
Mean()
"""

from __future__ import annotations

import functools
import operator

import numpy as np

from numkeras import backend, initializers
from numkeras.autodiff import recorder
from numkeras.backend import stateless_scope
from numkeras.errors import ConfigError
from numkeras.losses.loss import standardize_dtype
from numkeras.metrics.stateless import StatelessMetricMethods
from numkeras.utils.naming import auto_name, config_repr
from numkeras.variables import Variable

AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")


def _operand(x):
    return x.value if isinstance(x, Variable) else x


class MetricVariable(Variable):
    """A metric's state: a non-trainable `Variable` that also supports `assign_add`,
    `assign_sub`, `float()` and arithmetic with arrays (the result is an array), as
    Keras's variables do.

    >>> import numpy as np
    >>> v = MetricVariable(np.zeros((), "float32"), name="n", path="count/n")
    >>> v.assign_add(2.0)
    >>> v.assign(v + 1)
    >>> float(v), (v * np.array([1.0, 2.0])).tolist()
    (3.0, [3.0, 6.0])
    >>> v
    <Variable path=count/n, shape=(), dtype=float32, value=3.0>
    """

    def __init__(self, value, name: str, path: str | None = None, aggregation: str = "sum"):
        super().__init__(value, name=name, trainable=False, path=path)
        self.aggregation = aggregation
        # for `_update`'s scalar path (the dtype and rank never change)
        self._scalar_type = self._value.dtype.type if self._value.ndim == 0 else None

    def assign_add(self, value) -> None:
        """Add `value` (cast to this variable's dtype first, as Keras does) in place."""
        self._update(operator.add, value)

    def assign_sub(self, value) -> None:
        """Subtract `value` (cast to this variable's dtype first) in place."""
        self._update(operator.sub, value)

    def _update(self, op, value) -> None:
        value = _operand(value)
        if self._scalar_type is not None and isinstance(value, (int, float, np.generic)):
            # a scalar into a scalar: metrics do this every batch, and NumPy scalars are
            # about 10x cheaper than a ufunc call on 0-d arrays
            self._value[()] = op(self._value[()], self._scalar_type(value))
        else:
            self.assign(op(self._value, backend.xp.asarray(value, self.dtype)))

    # `v += x` updates the state in place; Python's fallback (`v = v + x`) would replace
    # the variable with a plain array that `variables` and `reset_state` no longer see
    def __iadd__(self, value):
        self._update(operator.add, value)
        return self

    def __isub__(self, value):
        self._update(operator.sub, value)
        return self

    def __float__(self) -> float:
        return float(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __getitem__(self, index):
        return self._value[index]

    def __round__(self, ndigits=None):
        return round(self._value, ndigits)

    __hash__ = Variable.__hash__  # by identity, although `==` compares values (as Keras)

    def __repr__(self) -> str:
        value = backend.to_numpy(self._value)
        shown = value.item() if value.ndim == 0 else value.tolist()
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={shown}>"


def _binary(op, reflected: bool = False):
    if reflected:
        return lambda self, other: op(_operand(other), self._value)
    return lambda self, other: op(self._value, _operand(other))


def _unary(op):
    return lambda self: op(self._value)


# arithmetic and comparisons work on the value and return arrays, as Keras's variables
for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"):
    setattr(MetricVariable, f"__{_name}__", _binary(getattr(operator, _name)))
    setattr(MetricVariable, f"__r{_name}__", _binary(getattr(operator, _name), reflected=True))
for _name in ("eq", "ne", "lt", "le", "gt", "ge"):
    setattr(MetricVariable, f"__{_name}__", _binary(getattr(operator, _name)))
for _name in ("neg", "pos", "abs"):
    setattr(MetricVariable, f"__{_name}__", _unary(getattr(operator, _name)))


def _unrecorded(update_state):
    """`update_state` run with any GradientTape paused: a metric's update carries no
    gradient (a subclass's own `compute_loss` updating a `Mean` tracker with its loss, as
    Keras's `compute_loss` docs do, inside the step's tape)."""

    @functools.wraps(update_state)
    def wrapped(self, *args, **kwargs):
        if not recorder.RECORDING:
            return update_state(self, *args, **kwargs)
        with recorder.paused():
            return update_state(self, *args, **kwargs)

    wrapped._unrecorded = True
    return wrapped


class Metric(StatelessMetricMethods):
    """Base class: subclasses make their state with `add_variable` in `__init__`, and
    implement `update_state` (assigning to the variables) and `result`.

    `reset_state` sets every variable to zeros (as Keras, whatever the initializer);
    override it for state kept outside variables.

    Args:
        dtype: Dtype of the per-batch computations (default `backend.floatx()`).
        name: Name of the metric, used as its key in `History` (default: snake_case of the
            class name, made unique like Keras: `precision`, `precision_1`, ...).

    >>> import numpy as np
    >>> class Count(Metric):
    ...     def __init__(self, name="count", **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.n = self.add_variable(shape=(), initializer="zeros", name="n")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.n.assign(self.n + np.sum(np.asarray(y_true) == np.asarray(y_pred)))
    ...     def result(self):
    ...         return self.n
    >>> m = Count()
    >>> float(m([1, 2, 3], [1, 2, 0]))
    2.0
    >>> m.variables
    [<Variable path=count/n, shape=(), dtype=float32, value=2.0>]
    >>> m.reset_state(); float(m.result())
    0.0
    """

    # which way is better, "up" or "down" (None: not said); callbacks with mode="auto"
    # read it from the model's metric of the monitored name, as Keras 3's do
    _direction: str | None = None

    def __init__(self, dtype=None, name: str | None = None):
        self.name = name or auto_name(type(self).__name__)
        self._dtype = standardize_dtype(dtype)
        self._variables: list[MetricVariable] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("update_state")
        if own is not None and not getattr(own, "_unrecorded", False):
            cls.update_state = _unrecorded(own)

    @property
    def dtype(self) -> str:
        return self._dtype

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> MetricVariable:
        """A new state variable, `initializer(shape, dtype)`, listed in `variables`.

        Args:
            shape: Its shape (`()` for a scalar).
            initializer: An initializer name (`"zeros"`), instance or callable.
            dtype: Its dtype (default `backend.floatx()`, as Keras: not the metric's dtype).
            aggregation: How replicas combine it in Keras (`"sum"`, `"mean"`, `"none"`,
                `"only_first_replica"`); recorded only, as numkeras runs on one device.
            name: Its name (default `"variable"`); its `path` is `"<metric name>/<name>"`.
        """
        if "_variables" not in vars(self):
            raise RuntimeError(
                f"{type(self).__name__}.__init__ must call super().__init__() before add_variable."
            )
        if initializer is None:
            raise ConfigError(
                f"add_variable needs an initializer for variable {name!r} of metric "
                f"{self.name!r}, e.g. initializer='zeros'."
            )
        if aggregation not in AGGREGATIONS:
            raise ConfigError(
                f"Invalid value for argument `aggregation`: {aggregation!r}. Expected one of "
                f"{', '.join(repr(a) for a in AGGREGATIONS)}."
            )
        name = name or "variable"
        value = initializers.get(initializer)(shape, dtype=dtype or backend.floatx())
        path = f"{self.name.replace('/', '>')}/{name}"  # Keras's name scope
        variable = MetricVariable(value, name=name, path=path, aggregation=aggregation)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name: str | None = None):
        """`add_variable` with Keras's `add_weight` signature (the initializer is required)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list[MetricVariable]:
        """This metric's variables, then those of metrics held in its attributes (as Keras)."""
        found = list(vars(self).get("_variables", ()))
        for value in vars(self).values():
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, Metric) and item is not self:
                    found.extend(item.variables)
        return found

    @property
    def weights(self) -> list[MetricVariable]:
        """`variables` (Keras 3's Metric lacks this name; tf.keras metrics had it)."""
        return self.variables

    def update_state(self, *args, **kwargs) -> None:
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self) -> None:
        """Set every variable to zeros (Keras's default, whatever their initializers)."""
        for variable in self.variables:
            if stateless_scope.active is not None:  # (recorded there, as Keras's assign is)
                stateless_scope.active.touch(variable)
            variable.value[...] = 0  # in place, as `assign` (a model may hold a view)

    def __call__(self, *args, **kwargs):
        """Update the state with one batch and return the accumulated result (as Keras)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return config_repr(self)
