"""`MultiOptimizer` and `OptimizerMap`: Keras 3's way to train different variables with
different optimizers (a slower rate for a pretrained encoder, another optimizer for the
head).

>>> import numpy as np
>>> from numkeras import Input, Model, layers, optimizers
>>> inp = Input((3,))
>>> model = Model(inp, layers.Dense(1, name="head")(layers.Dense(4, name="encoder")(inp)))
>>> sgd, adam = optimizers.SGD(0.1, name="sgd"), optimizers.Adam(1e-3, name="adam")
>>> opt = optimizers.MultiOptimizer(optimizers.OptimizerMap(sgd, {"encoder/.*": adam}))
>>> model.compile(optimizer=opt, loss="mse")
>>> model.train_on_batch(np.ones((2, 3)), np.ones((2, 1))) >= 0
True
>>> [o.name for o in opt.optimizers], int(opt.iterations)
(['adam', 'sgd'], 1)
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from numkeras.errors import ArgumentTypeError, ConfigError
from numkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer
from numkeras.optimizers.optimizer import Optimizer


def _check_inner(optimizer, what: str) -> None:
    """An optimizer a MultiOptimizer may hand variables to (Keras's ValueErrors)."""
    if not isinstance(optimizer, Optimizer):
        raise ConfigError(f"{what} must be a numkeras Optimizer instance. Received: {optimizer!r}")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ConfigError(
            f"{what} cannot be a LossScaleOptimizer (LossScaleOptimizer cannot be used "
            "inside a MultiOptimizer)."
        )
    if isinstance(optimizer, MultiOptimizer):
        raise ConfigError(f"{what} cannot be a MultiOptimizer.")


class OptimizerMap(MutableMapping):
    """Variable paths (or regular expressions over them) -> optimizers, with a default.

    A variable's optimizer is the one its exact path names, else the one whose pattern
    `re.fullmatch`es its path (two matching patterns are an error), else
    `default_optimizer`. `"encoder/.*"` covers every weight of the `encoder` layer;
    `"encoder"` only a variable whose path is exactly that.

    >>> from numkeras import optimizers
    >>> m = OptimizerMap(optimizers.SGD(name="base"), {"decoder/.*": optimizers.Adam(name="dec")})
    >>> m["encoder/kernel"].name, m["decoder/kernel"].name
    ('base', 'dec')
    """

    def __init__(self, default_optimizer, optimizer_map: dict | None = None):
        if not isinstance(default_optimizer, Optimizer):
            raise ArgumentTypeError(
                "default_optimizer must be a numkeras Optimizer instance. "
                f"Received: {default_optimizer!r}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise ArgumentTypeError(
                f"optimizer_map must be a dictionary. Received: {optimizer_map!r}"
            )
        self._default_optimizer = default_optimizer
        self._optimizer_map = dict(optimizer_map or {})

    @property
    def default_optimizer(self) -> Optimizer:
        return self._default_optimizer

    def __getitem__(self, key: str) -> Optimizer:
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matching = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matching) > 1:
            raise ConfigError(
                f"Multiple optimizers assigned to variable {key!r}: the patterns {matching} "
                "all match it."
            )
        return self._optimizer_map[matching[0]] if matching else self._default_optimizer

    def __setitem__(self, key: str, optimizer) -> None:
        if key in self._optimizer_map:
            raise ConfigError(
                f"'{key}' already exists in the OptimizerMap with value "
                f"{self._optimizer_map[key]}. Please make sure to not use duplicated keys."
            )
        if not isinstance(key, str):
            raise ConfigError(f"key must be a string. Received: {key!r}")
        _check_inner(optimizer, "optimizer")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key: str) -> None:
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable) -> Optimizer:
        return self[variable.path]

    def get_config(self) -> dict:
        from numkeras.optimizers import serialize

        return {
            "default_optimizer": serialize(self._default_optimizer),
            "optimizer_map": {k: serialize(o) for k, o in self._optimizer_map.items()},
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from numkeras.optimizers import deserialize

        default = deserialize(config["default_optimizer"], custom_objects=custom_objects)
        mapping = {
            k: deserialize(o, custom_objects=custom_objects)
            for k, o in (config.get("optimizer_map") or {}).items()
        }
        return cls(default, mapping)

    def __repr__(self) -> str:
        return f"OptimizerMap(default={self._default_optimizer.name!r}, {self._optimizer_map})"


class MultiOptimizer(Optimizer):
    """Hands each variable to the optimizer `optimizer_map` chooses for it, as Keras 3.

    Args:
        optimizer_map: an `OptimizerMap`, or a function of a variable returning its
            optimizer (a `def`, registered with `register_keras_serializable` for the
            model to be saved: files name functions, and hold no lambdas).
        loss_scale_factor: set on every sub-optimizer (gradients are divided by it).
        name: the optimizer's name.

    Each sub-optimizer keeps its own slots, `iterations` and learning rate (read and
    set them through `optimizers`); a MultiOptimizer has no learning rate of its own
    (reading one is an AttributeError, as Keras). `iterations` counts its own `apply`
    calls. `variables` are its iteration and learning rate, then each sub-optimizer's, in
    `optimizers` order (the map's optimizers, then the default, then any a function
    returned), as Keras saves them. A variable first seen after `build` (another model
    sharing the optimizer) is assigned when it arrives, where Keras fails.
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        self._inner: list[Optimizer] = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        if not (isinstance(optimizer_map, OptimizerMap) or callable(optimizer_map)):
            raise ArgumentTypeError(
                "optimizer_map must be an OptimizerMap or a function of a variable returning "
                f"its optimizer. Received: {optimizer_map!r}"
            )
        self._optimizer_map = optimizer_map
        if isinstance(optimizer_map, OptimizerMap):
            for opt in [*optimizer_map.values(), optimizer_map.default_optimizer]:
                self._add_inner(opt)
        self._route: dict[int, Optimizer] = {}  # id(variable) -> its optimizer

    def _add_inner(self, optimizer) -> None:
        if not any(optimizer is o for o in self._inner):
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner.append(optimizer)

    @property
    def optimizers(self) -> list[Optimizer]:
        """The sub-optimizers, in `variables` order."""
        return list(self._inner)

    @property
    def loss_scale_factor(self):
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value) -> None:
        self._loss_scale_factor = value
        for opt in self.__dict__.get("_inner", ()):
            opt.loss_scale_factor = value

    @property
    def learning_rate(self):
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. "
            "Access the learning rate on the individual sub-optimizers instead."
        )

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if "_route" in self.__dict__:  # (the base's __init__ stores its 0.0)
            raise AttributeError(
                "Learning rate cannot be set on a MultiOptimizer. "
                "Set the learning rate on the individual sub-optimizers instead."
            )
        Optimizer.learning_rate.fset(self, value)

    def __getattr__(self, name: str):
        if name == "learning_rate":  # (the property's AttributeError falls through here)
            return type(self).learning_rate.fget(self)
        return super().__getattr__(name)

    @property
    def built(self) -> bool:
        return bool(self._route)

    @built.setter
    def built(self, value) -> None:
        pass

    def _optimizer_for(self, variable) -> Optimizer:
        opt = self._route.get(id(variable))
        if opt is None:
            opt = self._optimizer_map(variable)
            _check_inner(opt, f"The optimizer for variable '{variable.path}'")
            self._add_inner(opt)
            self._route[id(variable)] = opt
        return opt

    def _groups(self, variables, grads=None) -> list[tuple[Optimizer, list, list]]:
        """`(optimizer, its variables, their gradients)` for each sub-optimizer reached."""
        chosen = [self._optimizer_for(v) for v in variables]
        grads = [None] * len(variables) if grads is None else grads
        groups = []
        for opt in self._inner:
            picked = [i for i, o in enumerate(chosen) if o is opt]
            if picked:
                groups.append((opt, [variables[i] for i in picked], [grads[i] for i in picked]))
        return groups

    def build(self, var_list) -> None:
        variables = list(var_list)
        for opt, group, _ in self._groups(variables):
            opt.build(group)
        if self._built_vars is None:
            self._built_vars = variables

    @property
    def variables(self) -> list:
        own = [self._iterations, self._lr_var]
        return own + [v for opt in self._inner for v in opt.variables]

    def apply(self, grads, trainable_variables=None) -> None:
        variables = trainable_variables  # (Keras's name for them)
        grads = list(grads)
        if not grads:  # (before any check, as Keras)
            return
        grads, variables = self._paired(grads, variables)
        if self._built_vars is None:
            self.build(variables)
        for opt, group, group_grads in self._groups(variables, grads):
            opt.apply(group_grads, group)
        self._iterations.value[...] += 1

    def finalize_variable_values(self, var_list) -> None:
        for opt, group, _ in self._groups(list(var_list)):
            opt.finalize_variable_values(group)

    def _sub_optimizers(self) -> list:
        return [(f"optimizers/{opt.name}", opt) for opt in self._inner]

    def _ema_pairs(self) -> list:
        return [pair for opt in self._inner for pair in opt._ema_pairs()]

    def get_config(self) -> dict:
        optimizer_map = self._optimizer_map
        if isinstance(optimizer_map, OptimizerMap):
            optimizer_map = {
                "module": "keras.optimizers",
                "class_name": "OptimizerMap",
                "config": optimizer_map.get_config(),
                "registered_name": None,
            }
        else:  # a function, written by name as Keras writes one (loading runs no code)
            from numkeras.saving.serialization_lib import serialize_keras_object

            optimizer_map = serialize_keras_object(optimizer_map)
        return {
            "optimizer_map": optimizer_map,
            "loss_scale_factor": self.loss_scale_factor,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from numkeras.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        mapping = config["optimizer_map"]
        if isinstance(mapping, dict) and mapping.get("class_name") == "OptimizerMap":
            mapping = OptimizerMap.from_config(mapping["config"], custom_objects)
        else:
            mapping = deserialize_keras_object(mapping, custom_objects=custom_objects)
        config["optimizer_map"] = mapping
        return cls(**config)

    def __repr__(self) -> str:
        return f"<MultiOptimizer name={self.name}, optimizers={[o.name for o in self._inner]}>"
