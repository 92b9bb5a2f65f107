"""Keras 3's protocol for writing an optimizer, next to numkeras's fast one.

Keras 3 documents one way to write an optimizer: `build(var_list)` makes the state with
`add_variable_from_reference` (or `add_variable`), and `update_step(gradient, variable,
learning_rate)` updates one variable with `self.assign` / `assign_add` / `assign_sub`.
numkeras's own optimizers use a faster protocol on flat memory (see `optimizer.py`).
`Optimizer` picks the protocol from the subclass's `update_step` signature: three
arguments (`gradient, variable, learning_rate`) is Keras's, five (`param, grad, slots,
coeffs, scratch`) is numkeras's. The class below holds the Keras side, mixed into
`Optimizer`, so a subclass written for Keras 3 runs unchanged:

>>> import numpy as np
>>> from numkeras import ops
>>> from numkeras.optimizers import Optimizer
>>> from numkeras.variables import Variable
>>> class Momentum(Optimizer):
...     def __init__(self, learning_rate=0.1, momentum=0.9, **kwargs):
...         super().__init__(learning_rate=learning_rate, **kwargs)
...         self.momentum = momentum
...     def build(self, var_list):
...         if self.built:
...             return
...         super().build(var_list)
...         self.ms = [self.add_variable_from_reference(v, "m") for v in var_list]
...     def update_step(self, gradient, variable, learning_rate):
...         m = self.ms[self._get_variable_index(variable)]
...         self.assign(m, m * self.momentum - learning_rate * gradient)
...         self.assign_add(variable, m)
>>> w = Variable(np.zeros(2, "float32"), name="w")
>>> opt = Momentum()
>>> for _ in range(2):
...     opt.apply([np.ones(2, "float32")], [w])
>>> w.numpy(), [v.name for v in opt.variables]
(array([-0.29, -0.29], dtype=float32), ['iteration', 'learning_rate', 'w_m'])

What runs around the user's `update_step`, as Keras 3 (on JAX) does it: None gradients
skipped with a warning, `overwrite_with_gradient` variables, loss-scale unscaling,
gradient accumulation, clipping (`clipnorm`, `global_clipnorm`, `clipvalue`), decoupled
weight decay, then `update_step` per variable with the learning rate as a float32
scalar, then the weights' moving average (`use_ema`), constraints, `iterations += 1`.
Optimizer variables are Keras's, in Keras's order and names: iteration, learning_rate
(unless a schedule), then every `add_variable` in creation order (the base `build` makes
the moving averages and gradient accumulators first, as Keras's does).

Deviations from Keras, on purpose: the variables are `numkeras.Variable`s and the
arithmetic is eager NumPy (`numkeras.ops`), not traced; like Keras (and unlike numkeras's
own optimizers) such an optimizer updates only the variables it was built with.
"""

from __future__ import annotations

import inspect

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.variables import Variable

KERAS3 = "keras3"
NUMKERAS = "numkeras"

_SIGNATURES = (
    "Keras 3's `update_step(self, gradient, variable, learning_rate)` (state made in "
    "`build(var_list)` with `self.add_variable_from_reference`), or numkeras's fast "
    "`update_step(self, param, grad, slots, coeffs, scratch)` with `slot_groups()` and "
    "`step_coefficients(learning_rate, step, dtype)` (see numkeras/optimizers/adam.py)"
)

_PROTOCOLS: dict = {}


def protocol_of(cls, base_update_step) -> str | None:
    """`KERAS3`, `NUMKERAS`, or None where `cls` does not override `update_step`.

    Raises ConfigError for an `update_step` that fits neither signature.
    """
    found = _PROTOCOLS.get(cls)
    if found is not None:
        return found or None
    fn = getattr(cls, "update_step", None)
    if fn is None or fn is base_update_step:
        _PROTOCOLS[cls] = ""
        return None
    params = list(inspect.signature(fn).parameters.values())[1:]  # (drop self)
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in params if p.kind in positional and p.default is p.empty]
    protocol = {3: KERAS3, 5: NUMKERAS}.get(len(required))
    if protocol is None:
        names = ", ".join(["self"] + [p.name for p in params])
        raise ConfigError(
            f"{cls.__name__}.update_step({names}) fits neither optimizer protocol. Write "
            f"{_SIGNATURES}."
        )
    _PROTOCOLS[cls] = protocol
    return protocol


class Keras3Protocol:
    """Keras 3's optimizer-writing API (`add_variable`, `assign`, ...) and the `apply`
    that runs a Keras-style `update_step`; mixed into `Optimizer` (not used alone)."""

    # -- Keras 3's helpers for subclasses ----------------------------------------------
    def add_variable(
        self,
        shape,
        initializer="zeros",
        dtype=None,
        aggregation: str = "none",
        layout=None,
        name: str | None = None,
    ) -> Variable:
        """A new optimizer variable (saved with the optimizer, in creation order).

        `layout` is Keras's distribution layout: accepted, unused on one device.
        """
        self._check_super_called()
        from numkeras import initializers

        if shape is None or any(d is None for d in tuple(shape)):
            raise ShapeError(
                f"Optimizer variable '{name}' needs a fully defined shape; received "
                f"{format_shape(shape) if shape is not None else None}."
            )
        init = initializers.get(initializer)
        variable = Variable(
            init,
            shape=tuple(shape),
            dtype=dtype or backend.floatx(),
            trainable=False,
            name=name,
            aggregation=aggregation,
        )
        variable.path = f"{self.name}/{variable.name}"
        self._k3_vars.append(variable)
        return variable

    def add_variable_from_reference(
        self, reference_variable, name: str | None = None, initializer="zeros"
    ) -> Variable:
        """A variable shaped like `reference_variable`, named as Keras names it:
        `{reference path with '/' -> '_'}_{name}` (e.g. `seq_dense_kernel_momentum`)."""
        name = name or "var"
        ref = getattr(reference_variable, "path", None)
        if ref is None:
            ref = str(reference_variable.name).replace(":", "_")
        return self.add_variable(
            shape=reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=f"{ref.replace('/', '_')}_{name}",
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One variable per model variable for each of `name` (a string or a list),
        created interleaved per variable as Keras does; a list per name (a tuple of
        lists for several names). Variables with `overwrite_with_gradient` get None."""
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(initializer, (list, tuple)):
            inits = list(initializer)
        else:
            inits = [initializer] * len(names)
        if len(inits) != len(names):
            raise ConfigError(
                "The number of provided names must match the number of provided "
                f"initializers. Received name={name!r}, initializer={initializer!r}."
            )
        out: tuple = tuple([] for _ in names)
        for v in trainable_variables:
            skip = getattr(v, "overwrite_with_gradient", False)
            for i, (n, init) in enumerate(zip(names, inits)):
                out[i].append(None if skip else self.add_variable_from_reference(v, n, init))
        return out[0] if isinstance(name, str) else out

    def assign(self, variable, value) -> None:
        """`variable.assign(value)` (Keras's hook for backend-specific updates)."""
        variable.assign(value)

    def assign_add(self, variable, value) -> None:
        """`variable.assign_add(value)`."""
        variable.assign_add(value)

    def assign_sub(self, variable, value) -> None:
        """`variable.assign_sub(value)`."""
        variable.assign_sub(value)

    def _var_key(self, variable) -> int:
        return id(variable)

    def _get_variable_index(self, variable) -> int:
        """The position of `variable` in the list the optimizer was built with."""
        index = self._trainable_variables_indices.get(id(variable))
        if index is None:
            raise ConfigError(
                f"Unknown variable '{getattr(variable, 'path', variable)}': optimizer "
                f"'{self.name}' was built with {len(self._trainable_variables)} other "
                "variables. Build it on the variables it updates (it builds itself on the "
                "first `apply`), or use a new optimizer instance for new variables."
            )
        return index

    def _use_weight_decay(self, variable) -> bool:
        st = self._states.get(id(variable))
        return st.use_wd if st is not None else self._decide_weight_decay(variable)

    def _check_super_called(self) -> None:
        if "_iterations" not in self.__dict__:
            raise ConfigError(
                f"In optimizer '{type(self).__name__}', call `super().__init__(...)` as "
                "the first statement of `__init__` (it sets up the optimizer's state)."
            )

    # -- the Keras-protocol internals ----------------------------------------------------
    def _k3_build(self, variables) -> None:
        """Keras's base `build`: indices, then the moving averages and the gradient
        accumulators (the first optimizer variables after iteration / learning rate)."""
        from numkeras.optimizers.optimizer import _VarState

        self._check_super_called()
        variables = list(variables)
        if self._order:  # (built already: Keras would make the state twice)
            return
        for v in variables:
            self._check_var(v)
        averages = accumulators = [None] * len(variables)
        if self.use_ema:
            averages = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            accumulators = [
                self.add_variable_from_reference(v, "gradient_accumulator") for v in variables
            ]
            self._accumulated_gradients = accumulators
        if self.use_ema:
            self._model_variables_moving_average = averages
        self._trainable_variables = variables[:]
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        for v, acc, avg in zip(variables, accumulators, averages):
            st = _VarState(
                v,
                {},
                None if acc is None else acc.value,
                None if avg is None else avg.value,
            )
            st.use_wd = self._decide_weight_decay(v)
            self._states[id(v)] = st
            self._order.append(st)
        if self._built_vars is None:
            self._built_vars = variables

    def _k3_variable_list(self) -> list:
        out = [self._iterations]
        if self._learning_rate is self._lr_var:
            out.append(self._lr_var)
        return out + self._k3_vars

    def _k3_apply(self, grads, variables) -> None:
        """Keras 3's `apply` (its JAX backend's order) around the user's `update_step`."""
        if self._protocol is None:
            raise ConfigError(
                f"{type(self).__name__} does not define `update_step`, so it cannot update "
                f"variables. Write {_SIGNATURES}."
            )
        grads = list(grads)
        if not grads:
            return
        if variables is None:
            if not self.built:
                raise ConfigError(
                    "When passing `grads` without `variables`, the optimizer must already "
                    "be built on a list of variables. Call `optimizer.build(variables)` "
                    "first."
                )
            variables = self._trainable_variables
        else:
            variables = list(variables)
            if not self.built:
                self.build(variables)
                if not self.built:
                    raise ConfigError(
                        f"{type(self).__name__}.build(var_list) must call "
                        "`super().build(var_list)` (as in Keras 3)."
                    )
        if len(grads) != len(variables):
            raise ConfigError(
                f"Received {len(grads)} gradients for {len(variables)} variables; pass one "
                "gradient per variable, in the same order."
            )
        for v in variables:
            self._get_variable_index(v)  # (unknown variables raise)

        if any(g is None for g in grads):
            from numkeras.optimizers.optimizer import drop_missing_gradients

            grads, variables = drop_missing_gradients(grads, variables, stacklevel=4)
        grads = self._k3_checked_grads(grads, variables)
        grads, variables = self._k3_overwrite_with_gradient(grads, variables)

        if grads:
            if self.loss_scale_factor is not None:
                grads = [g / g.dtype.type(self.loss_scale_factor) for g in grads]
            steps = self.gradient_accumulation_steps
            if steps:
                accs = [self._accumulated_gradients[self._get_variable_index(v)] for v in variables]
                if (int(self._iterations.value[()]) + 1) % steps == 0:
                    grads = [(g + acc.value) / g.dtype.type(steps) for g, acc in zip(grads, accs)]
                    self._k3_update(grads, variables)
                    for acc in accs:
                        acc.value[...] = 0
                else:
                    for g, acc in zip(grads, accs):
                        acc.value[...] = g + acc.value  # (Keras's order: g + acc)
            else:
                self._k3_update(grads, variables)
        self._k3_update_averages()
        for v in variables:
            constraint = getattr(v, "constraint", None)
            if constraint is not None:
                v.assign(constraint(v.value))
        self._iterations.value[...] += 1

    def _k3_checked_grads(self, grads, variables) -> list:
        xp = backend.xp
        out = []
        for i, (g, v) in enumerate(zip(grads, variables)):
            value = v.value
            if hasattr(g, "value") and not isinstance(g, xp.ndarray):  # a Variable
                g = g.value
            if not isinstance(g, xp.ndarray) or g.dtype != value.dtype:
                g = xp.asarray(g, dtype=value.dtype)  # (no float64 from a float32 model)
            if g.shape != value.shape:
                raise ShapeError(
                    f"Gradient {i} has shape {format_shape(g.shape)} but variable "
                    f"'{getattr(v, 'path', '?')}' has shape {format_shape(value.shape)}."
                )
            out.append(g)
        return out

    def _k3_overwrite_with_gradient(self, grads, variables):
        """Variables with `overwrite_with_gradient` take the gradient as their value (the
        running maximum under gradient accumulation), as Keras; they leave the list."""
        if not any(getattr(v, "overwrite_with_gradient", False) for v in variables):
            return grads, variables
        xp = backend.xp
        steps = self.gradient_accumulation_steps
        keep_g, keep_v = [], []
        for g, v in zip(grads, variables):
            if not getattr(v, "overwrite_with_gradient", False):
                keep_g.append(g)
                keep_v.append(v)
            elif steps:
                acc = self._accumulated_gradients[self._get_variable_index(v)]
                new = xp.maximum(g, acc.value)
                if (int(self._iterations.value[()]) + 1) % steps == 0:
                    v.assign(new)
                    acc.value[...] = 0
                else:
                    acc.value[...] = new
            else:
                v.assign(g)
        return keep_g, keep_v

    def _k3_update(self, grads, variables) -> None:
        """Clipping, weight decay, then the user's `update_step` per variable."""
        grads = self._k3_clipped(grads)
        lr = np.float32(self._current_learning_rate())
        if self.weight_decay is not None:
            for v in variables:
                if self._use_weight_decay(v):
                    t = v.value.dtype.type
                    value = v.value
                    value[...] = value - value * t(self.weight_decay) * t(lr)
        for g, v in zip(grads, variables):
            self.update_step(g, v, lr)

    def _k3_clipped(self, grads) -> list:
        """Keras's `_clip_gradients`, in the gradients' dtype."""
        xp = backend.xp
        if self.clipnorm and self.clipnorm > 0:
            out = []
            for g in grads:
                t = g.dtype.type
                c = t(self.clipnorm)
                l2sum = xp.sum(xp.square(g))
                l2norm = xp.sqrt(l2sum) if l2sum > 0 else l2sum
                out.append(g * c / xp.maximum(l2norm, c))
            return out
        if self.global_clipnorm and self.global_clipnorm > 0:
            t = grads[0].dtype.type
            c = t(self.global_clipnorm)
            norm = xp.sqrt(xp.sum(xp.stack([xp.sum(xp.square(g)) for g in grads])))
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = c * xp.minimum(t(1) / norm, t(1) / c)
                scale = scale + (norm - norm)  # NaN for an inf / NaN norm, as Keras
            return [g * scale.astype(g.dtype) for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            return [
                xp.clip(g, -g.dtype.type(self.clipvalue), g.dtype.type(self.clipvalue))
                for g in grads
            ]
        return grads

    def _k3_update_averages(self) -> None:
        """Keras's moving average of every built variable (not only this call's), then
        the overwrite every `ema_overwrite_frequency` steps."""
        if not self.use_ema:
            return
        step = int(self.iterations)
        overwrite = bool(self.ema_overwrite_frequency) and (
            (step + 1) % self.ema_overwrite_frequency == 0
        )
        for st in self._order:
            if st.average is None:
                continue
            value, average = st.var.value, st.average
            t = value.dtype.type
            m = t(self.ema_momentum if step else 0.0)
            average[...] = m * average + (t(1) - m) * value
            if overwrite:
                value[...] = average
