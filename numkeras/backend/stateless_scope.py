"""Keras 3's `keras.StatelessScope`: code run inside changes no variable.

Keras's variables read their values through the open scope. numkeras's layers and
optimizers read and write variable storage in place (a model's weights are views into
one flat buffer), so the scope works on the storage instead: entering, it copies every
live variable and writes the `state_mapping` values in; whatever the code inside then
does (`assign`, a BatchNormalization's moving statistics, an optimizer's in-place update)
is seen by later reads inside, as Keras's reads see it; leaving, it records the value of
each variable that was mapped, assigned or changed (`get_current_value`) and puts the
copies back. A nested scope starts from the variables' own values, as Keras's does.

>>> import numpy as np
>>> from numkeras.variables import Variable
>>> v = Variable(np.zeros(2, "float32"))
>>> with StatelessScope([(v, np.ones(2))]) as scope:
...     v.assign(v.numpy() + 1)
>>> v.numpy(), scope.get_current_value(v)
(array([0., 0.], dtype=float32), array([2., 2.], dtype=float32))
"""

from __future__ import annotations

import itertools
import weakref

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError

# every live Variable (variables.py registers each one it makes), in creation order
_live: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_count = itertools.count()
active: StatelessScope | None = None  # the open scope (Variable.assign asks)


def _store(variable, value) -> None:
    """Write `value` into `variable`'s storage (a view onto state kept elsewhere, as a
    loss tracker's `total`, writes through its own `write_storage`)."""
    write = getattr(variable, "write_storage", None)
    if write is not None:
        write(value)
    else:
        variable._value[...] = value


def track(variable) -> None:
    """Register a new variable (called by `Variable.__init__`)."""
    _live[next(_count)] = variable


class StatelessScope:
    """Inside, variables keep their values: `assign` and in-place updates are recorded
    (read back with `get_current_value`) and undone on exit; reads of the variables in
    `state_mapping` (pairs `(variable, value)`) see those values. With `collect_losses`,
    the `add_loss` values of layers called inside go to `losses` (without, they are
    dropped), and `layer.losses` inside lists them. `initialize_variables` is kept as
    Keras keeps it: numkeras's variables are initialized when made, in a scope or not.
    """

    def __init__(
        self, state_mapping=None, collect_losses: bool = False, initialize_variables: bool = True
    ):
        from numkeras.variables import Variable

        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses: list = []
        self.state_mapping: dict = {}
        self._mapped: dict = {}  # id -> variable, for the values to write in
        self._loss_owners: list = []  # the layer that added each of `losses`
        self._open = False
        if isinstance(state_mapping, dict):  # (Keras takes pairs only: a dict fails there)
            state_mapping = state_mapping.items()
        for k, v in state_mapping or ():
            if not isinstance(k, Variable):
                raise ConfigError(
                    "Invalid reference variable in StatelessScope: all keys in argument "
                    f"`mapping` must be Variable instances. Received instead: {k}"
                )
            value = backend.xp.array(v.value if isinstance(v, Variable) else v).astype(k.dtype)
            if tuple(value.shape) != k.shape:
                raise ConfigError(
                    "Invalid variable value in StatelessScope: all values in argument "
                    "`mapping` must be tensors with a shape that matches the corresponding "
                    f"variable shape. For variable {k}, received invalid value {value} with "
                    f"shape {tuple(value.shape)}."
                )
            self.state_mapping[id(k)] = value
            self._mapped[id(k)] = k

    def __enter__(self) -> StatelessScope:
        global active
        self.original_scope = active
        outer = active
        # the values to put back on exit (an outer scope's view of them, when nested)...
        live = [v for v in list(_live.values()) if getattr(v, "_value", None) is not None]
        self._saved = {id(v): (v, v._value.copy()) for v in live}
        # ...and those the code inside starts from: the variables' own
        self._start = dict(self._saved)
        if outer is not None:
            for key, (v, value) in outer._start.items():
                if key in self._start:
                    self._start[key] = (v, value)
                    _store(v, value)
        self._touched = set(self._mapped)
        for key, v in self._mapped.items():
            self._write(v, self.state_mapping[key])
        self._open = True
        active = self
        return self

    def __exit__(self, *exc) -> None:
        global active
        active = self.original_scope
        self._open = False
        for key, (v, start) in self._start.items():
            if key in self._touched or not _same(v._value, start):
                self.state_mapping[key] = v._value.copy()
        for v, value in self._saved.values():
            _store(v, value)
        self._saved = self._start = {}

    def _write(self, variable, value) -> None:
        if id(variable) not in self._saved:  # made inside the scope: its value to keep
            self._saved[id(variable)] = (variable, variable._value.copy())
            self._start[id(variable)] = self._saved[id(variable)]
        _store(variable, value)

    def touch(self, variable) -> None:
        """`variable` is being assigned inside this scope (called by `Variable.assign`)."""
        self.keep(variable)
        self._touched.add(id(variable))

    def keep(self, variable) -> None:
        """Save `variable`'s value now, to put back on exit (one made inside, about to be
        updated in place: an optimizer's slots); its value is recorded only if it changes."""
        if id(variable) not in self._saved:
            self._saved[id(variable)] = (variable, variable._value.copy())
            self._start[id(variable)] = self._saved[id(variable)]

    def add_update(self, update) -> None:
        """Record `(variable, value)` as the variable's new value (Keras's hook)."""
        variable, value = update
        if not self._open:  # (a closed scope: only its record changes)
            self.state_mapping[id(variable)] = backend.xp.asarray(value)
            return
        self.touch(variable)
        _store(variable, backend.xp.asarray(value))

    def add_loss(self, loss, layer=None) -> None:
        """Collect `loss` (added by `layer`, whose `losses` lists it inside the scope)."""
        self.losses.append(loss)
        self._loss_owners.append(layer)

    def losses_of(self, layers) -> list:
        """The collected losses that `layers` added, in the order they were added."""
        owners = {id(layer) for layer in layers}
        return [x for x, o in zip(self.losses, self._loss_owners) if id(o) in owners]

    def get_current_value(self, variable):
        """The value `variable` has in this scope (mapped, assigned or updated inside), or
        None when the scope left it alone."""
        key = id(variable)
        if not self._open:
            return self.state_mapping.get(key)
        entry = self._start.get(key)
        if key in self._touched or (entry is not None and not _same(variable._value, entry[1])):
            return variable._value.copy()
        return None


def _same(a, b) -> bool:
    """Whether `a` holds the values of `b` (NaN where `b` has NaN counts as the same)."""
    return bool(
        np.array_equal(backend.to_numpy(a), backend.to_numpy(b), equal_nan=b.dtype.kind in "fc")
    )


def get_stateless_scope() -> StatelessScope | None:
    """The open StatelessScope, or None."""
    return active


def in_stateless_scope() -> bool:
    return active is not None
