"""Optimizers: `numkeras.optimizers` (Keras 3 API, in-place NumPy updates).

>>> from numkeras import optimizers
>>> opt = optimizers.get("adam")
>>> type(opt).__name__, opt.learning_rate == optimizers.Adam().learning_rate
('Adam', True)
>>> optimizers.serialize(optimizers.SGD(momentum=0.9, name="sgd"))["config"]["momentum"]
0.9
"""

from __future__ import annotations

import difflib

from numkeras.errors import ConfigError, UnknownNameError
from numkeras.optimizers import schedules
from numkeras.optimizers.adadelta import Adadelta
from numkeras.optimizers.adafactor import Adafactor
from numkeras.optimizers.adagrad import Adagrad
from numkeras.optimizers.adam import Adam
from numkeras.optimizers.adamax import Adamax
from numkeras.optimizers.adamw import AdamW
from numkeras.optimizers.ftrl import Ftrl
from numkeras.optimizers.lamb import Lamb
from numkeras.optimizers.lion import Lion
from numkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer
from numkeras.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from numkeras.optimizers.muon import Muon
from numkeras.optimizers.nadam import Nadam
from numkeras.optimizers.optimizer import Optimizer
from numkeras.optimizers.rmsprop import RMSprop
from numkeras.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from numkeras.optimizers.sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adamax",
    "Nadam",
    "Adadelta",
    "Ftrl",
    "Lion",
    "Lamb",
    "Adafactor",
    "Muon",
    "ScheduleFreeAdamW",
    "LossScaleOptimizer",
    "MultiOptimizer",
    "OptimizerMap",
    "schedules",
    "get",
    "serialize",
    "deserialize",
]

ALL_OBJECTS = (
    SGD,
    Adam,
    AdamW,
    RMSprop,
    Adagrad,
    Adamax,
    Nadam,
    Adadelta,
    Ftrl,
    Lion,
    Lamb,
    Adafactor,
    Muon,
    ScheduleFreeAdamW,
    LossScaleOptimizer,
    MultiOptimizer,
)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}

# Keras 3 optimizers numkeras does not implement (named in the error, not guessed at).
_KERAS_ONLY: tuple = ()


def _lookup(name: str, custom_objects: dict | None = None, registered_name=None):
    from numkeras.saving import object_registration

    # the program's own classes first (custom_objects, a scope, the registry), as Keras
    own = object_registration.find(custom_objects, registered_name, name)
    if own is not None:
        return own
    cls = ALL_OBJECTS_DICT.get(str(name).lower())
    if cls is not None:
        return cls
    valid = [cls.__name__ for cls in ALL_OBJECTS]
    if str(name).lower() in _KERAS_ONLY:
        raise ConfigError(
            f"Optimizer '{name}' exists in Keras but is not implemented in numkeras. "
            f"Available optimizers: {', '.join(valid)}."
        )
    candidates = list(ALL_OBJECTS_DICT) + valid
    close = difflib.get_close_matches(str(name).lower(), candidates, n=1, cutoff=0.5)
    hint = f" Did you mean '{ALL_OBJECTS_DICT[close[0].lower()].__name__}'?" if close else ""
    raise UnknownNameError(
        f"Unknown optimizer: '{name}'. Available optimizers (names are case-insensitive): "
        f"{', '.join(valid)}.{hint}"
    )


def serialize(optimizer: Optimizer) -> dict:
    """The Keras 3 serialized form `{"module", "class_name", "config", "registered_name"}`."""
    if not isinstance(optimizer, Optimizer):
        raise ConfigError(
            f"`serialize` expects an Optimizer instance; received {type(optimizer).__name__}."
        )
    cls = type(optimizer)
    if cls.__module__.startswith("numkeras.optimizers"):
        module, registered = "keras.optimizers", None
    else:  # a user's class: its module and registered name, as Keras writes them
        from numkeras.saving import object_registration

        module = object_registration.module_of(cls)
        registered = object_registration.get_registered_name(cls)
    return {
        "module": module,
        "class_name": cls.__name__,
        "config": optimizer.get_config(),
        "registered_name": registered,
    }


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """Rebuild an optimizer from `serialize` output or a Keras 2 `{"class_name", "config"}`."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(
            "A serialized optimizer must be a dict with 'class_name' and 'config' keys, e.g. "
            f"{{'class_name': 'Adam', 'config': {{'learning_rate': 0.001}}}}; received {config!r}."
        )
    cls = _lookup(config["class_name"], custom_objects, config.get("registered_name"))
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def get(identifier) -> Optimizer | None:
    """An optimizer from a name (`"adam"`), a config dict, a class, or an instance.

    Instances are returned unchanged (so one instance can be shared by several models).

    >>> get("rmsprop").learning_rate == get({"class_name": "RMSprop", "config": {}}).learning_rate
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ConfigError(
        f"Could not interpret optimizer identifier: {identifier!r}. Pass an optimizer name "
        "('adam', 'sgd', 'rmsprop', ...), a config dict, or an Optimizer instance."
    )


# Keras 2's `keras.optimizers.legacy` namespace, reachable as an attribute after
# `import numkeras` (tf_keras exposes it the same way); imported last: it uses the above
from numkeras.optimizers import legacy  # noqa: E402, F401
