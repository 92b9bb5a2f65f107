"""Weight initializers (Keras 3 classes, names, configs), plus `get`/`serialize`/`deserialize`.

>>> from numkeras import initializers
>>> init = initializers.get("glorot_uniform")
>>> init
GlorotUniform(seed=None)
>>> initializers.serialize(init)["class_name"]
'GlorotUniform'
"""

from __future__ import annotations

import inspect
import re

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, UnknownNameError, did_you_mean, format_shape
from numkeras.initializers.constant_initializers import Constant, Identity, Ones, Zeros
from numkeras.initializers.initializer import Initializer, standardize_dtype, standardize_shape
from numkeras.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)
from numkeras.initializers.stft_initializer import STFT
from numkeras.utils.serialization import function_config, takes_custom_objects

__all__ = [
    "ALL_INITIALIZERS",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomInitializer",
    "RandomNormal",
    "RandomUniform",
    "STFT",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "deserialize",
    "get",
    "serialize",
]

_CLASSES = (
    Initializer,
    Constant,
    Identity,
    Ones,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    STFT,
)


def _snake_case(name: str) -> str:
    # Keras's `to_snake_case`: "GlorotUniform" -> "glorot_uniform"
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


#: Every name `get` accepts -> its class: class names, snake_case names and Keras's
#: aliases (the keys of Keras 3's `initializers.ALL_OBJECTS_DICT`).
ALL_INITIALIZERS: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
ALL_INITIALIZERS.update({_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_INITIALIZERS.update(
    {
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "STFTInitializer": STFT,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    }
)

# Keras's lowercase exports (`keras.initializers.glorot_uniform` is the class itself).
constant = Constant
stft = STFT
# Keras's compatibility aliases, exported as attributes too
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
STFTInitializer = STFT
identity = Identity
ones = Ones
zeros = Zeros
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling


def _lookup(name: str) -> type:
    cls = ALL_INITIALIZERS.get(name)
    if cls is not None:
        return cls
    hint = did_you_mean(name, ALL_INITIALIZERS)
    valid = ", ".join(repr(n) for n in sorted(ALL_INITIALIZERS))
    raise UnknownNameError(f"Unknown initializer: {name!r}.{hint} Valid names: {valid}.")


def serialize(initializer) -> dict | None:
    """The Keras `.keras`-format dict for an initializer (`None` stays `None`).

    A plain function serializes as Keras 3 writes it (`"class_name": "function"`); such
    a config loads back only where that function is supplied again.

    >>> serialize(Zeros())
    {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None}
    """
    if initializer is None:
        return None
    if not isinstance(initializer, Initializer):
        if callable(initializer):
            return function_config(initializer)
        raise ConfigError(
            f"Cannot serialize initializer {initializer!r}: expected an Initializer or a "
            "function fn(shape, dtype=None)."
        )
    from numkeras.saving import object_registration

    return object_registration.class_config(initializer, ALL_INITIALIZERS, "keras.initializers")


@takes_custom_objects
def deserialize(config) -> Initializer:
    """An initializer from a name or a config dict (`{"class_name", "config"}`,
    optionally with `"module"`/`"registered_name"`, as Keras 3 and Keras 2 write them).

    >>> deserialize({"class_name": "RandomNormal", "config": {"stddev": 0.02}})
    RandomNormal(mean=0.0, stddev=0.02, seed=None)
    """
    if isinstance(config, str):
        return _lookup(config)()
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ConfigError(
            f"Cannot deserialize an initializer from {config!r}: expected a name or a dict "
            'like {"class_name": "GlorotUniform", "config": {"seed": null}}.'
        )
    from numkeras.saving import object_registration

    if config["class_name"] == "function":  # the function the program supplies, as Keras
        fn = object_registration.find(None, config.get("config"), function=True)
        if fn is None:
            raise ConfigError(
                f"The initializer was saved as the custom function {config.get('config')!r}; "
                "pass that function again (custom_objects=, or kernel_initializer=my_init)."
            )
        return fn

    # a user's class, registered or supplied (custom_objects, a scope), by its saved name
    cls = object_registration.saved_class(config) or _lookup(config["class_name"])
    return cls.from_config(config.get("config") or {})


def _from_array(value):
    array = np.asarray(backend.to_numpy(value))

    def initialize_fn(shape, dtype=None):
        shape = standardize_shape(shape)
        if shape != array.shape:
            raise ShapeError(
                f"The array used as an initializer has shape {format_shape(array.shape)}, "
                f"but the weight has shape {format_shape(shape)}."
            )
        return backend.xp.asarray(array.astype(standardize_dtype(dtype)))

    return initialize_fn


def get(identifier):
    """The initializer for `identifier`.

    Accepts `None` (-> `None`), a name (`'glorot_uniform'`, `'GlorotUniform'`,
    `'normal'`, `'zero'`, ...), a config dict, an `Initializer` class (instantiated
    with defaults) or instance, an array (its values, shape-checked), or any callable
    `fn(shape, dtype=None)`, returned as is.

    >>> get("he_normal")
    HeNormal(seed=None)
    >>> get({"class_name": "Constant", "config": {"value": 0.5}})
    Constant(value=0.5)
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, (np.ndarray, np.generic, backend.xp.ndarray)):
        return _from_array(identifier)
    if callable(identifier):
        return identifier
    raise ConfigError(
        f"Could not interpret initializer identifier {identifier!r} "
        f"(type {type(identifier).__name__}). Pass a name such as 'glorot_uniform', a config "
        "dict, an Initializer, or a callable fn(shape, dtype=None)."
    )
