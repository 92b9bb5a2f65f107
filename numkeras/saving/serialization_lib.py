"""`serialize_keras_object` / `deserialize_keras_object`: any Keras object to and from the
JSON-ready dict Keras 3 writes (`{"module", "class_name", "config", "registered_name"}`).

Layers and models, losses, metrics, optimizers, initializers, regularizers, constraints
and functions serialize as Keras writes them; NumPy arrays as `"__numpy__"` entries and
bytes as `"__bytes__"`; plain Python values stay as they are. Deserializing finds a class
by its `module` (`"keras.layers"`, `"keras.losses"`, ...) or, for a user's class, through
`custom_objects`, `custom_object_scope` or `register_keras_serializable`. It never runs
code from the config: a serialized `lambda` is refused.

>>> from numkeras.layers import Dense
>>> config = serialize_keras_object(Dense(3, name="d"))
>>> config["module"], config["class_name"], config["config"]["units"]
('keras.layers', 'Dense', 3)
>>> deserialize_keras_object(config)
Dense(3, name='d')
"""

from __future__ import annotations

import inspect
import types

import numpy as np

from numkeras.errors import ConfigError, UnknownObjectError
from numkeras.saving import object_registration


def _module_family(module: str | None) -> str | None:
    """The Keras package a config's `module` belongs to: "layers", "losses", ..."""
    if not module:
        return None
    if module in ("keras", "keras.models") or module.startswith("keras.src.models"):
        return "layers"  # Sequential / Functional / Model
    for family in ("layers", "losses", "metrics", "optimizers", "initializers", "regularizers"):
        if module == f"keras.{family}" or module.startswith(
            (f"keras.{family}.", f"keras.src.{family}")
        ):
            return family
    if module == "keras.constraints" or module.startswith("keras.src.constraints"):
        return "constraints"
    if module == "keras.distillation" or module.startswith("keras.src.distillation"):
        return "distillation"
    return None


def exported_module(cls) -> str | None:
    """The Keras module numkeras's own class `cls` is written under, where it is not one of
    the families with their own serializers (`keras.distillation`, a class's own
    `keras_module`: `keras.utils` for FeatureSpace); else None."""
    from numkeras import distillation

    if "keras_module" in vars(cls):
        return vars(cls)["keras_module"]
    if getattr(distillation, cls.__name__, None) is cls:
        return "keras.distillation"
    return None


def serialize_keras_object(obj):
    """The Keras config of `obj` (nested containers are serialized item by item).

    >>> serialize_keras_object(np.arange(2.0))
    {'class_name': '__numpy__', 'config': {'value': [0.0, 1.0], 'dtype': 'float64'}}
    >>> serialize_keras_object((1, "a", None))
    (1, 'a', None)
    """
    from numkeras import constraints, initializers, losses, metrics, optimizers, regularizers
    from numkeras.layers.layer import Layer
    from numkeras.utils.serialization import function_config

    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
        }
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.dtype):
        return obj.name
    if isinstance(obj, list):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(serialize_keras_object(v) for v in obj)
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, Layer):
        from numkeras.models.config import serialize_layer

        return serialize_layer(obj)
    for base, serialize in (
        (losses.Loss, losses.serialize),
        (metrics.Metric, metrics.serialize),
        (optimizers.Optimizer, optimizers.serialize),
        (initializers.Initializer, initializers.serialize),
        (regularizers.Regularizer, regularizers.serialize),
        (constraints.Constraint, constraints.serialize),
    ):
        if isinstance(obj, base):
            return serialize(obj)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        if obj.__name__ == "<lambda>":
            raise ConfigError(
                "A lambda cannot be serialized: numkeras writes functions by name and never "
                "stores code. Define it with `def` (and supply it when loading)."
            )
        registered = object_registration.GLOBAL_CUSTOM_NAMES.get(obj)
        config = function_config(obj)
        if registered is not None:  # Keras 3.15: `function`, its registered name as config
            config["config"] = registered
        return config
    if hasattr(obj, "get_config"):
        cls = type(obj)
        module = exported_module(cls)
        return {
            "module": module or object_registration.module_of(cls),
            "class_name": cls.__name__,
            "config": obj.get_config(),
            "registered_name": None if module else object_registration.get_registered_name(cls),
        }
    raise ConfigError(
        f"Cannot serialize {obj!r} ({type(obj).__name__}): it is not a Keras object (no "
        "`get_config`), an array or a plain Python value."
    )


def _function(config: dict, custom_objects):
    """A serialized function: the program's own (by registered or plain name), or a
    numkeras activation or loss function of that name."""
    from numkeras import activations, losses

    name = config.get("config")
    found = object_registration.find(
        custom_objects, config.get("registered_name"), name, function=True
    )
    if found is None and config.get("registered_name") not in (None, "function"):
        found = object_registration.find(custom_objects, config.get("registered_name"))
    if found is not None:
        return found
    if name == "<lambda>":
        raise ConfigError(
            "The config holds a lambda; numkeras never runs code from a config. Supply the "
            "function with custom_objects."
        )
    loss_fn = losses._FUNCTIONS.get(name) or losses._ALIASES.get(name)
    if loss_fn is not None:
        return loss_fn
    try:
        return activations.get(name)
    except ValueError:
        pass
    raise UnknownObjectError(
        f"Could not locate function {name!r}. Pass it in custom_objects={{{name!r}: fn}} or "
        "decorate it with @numkeras.saving.register_keras_serializable()."
    )


def deserialize_keras_object(config, custom_objects: dict | None = None, safe_mode=True, **kwargs):
    """The object a Keras config describes (the inverse of `serialize_keras_object`).

    >>> numpy_config = {"value": [1, 2], "dtype": "int32"}
    >>> deserialize_keras_object({"class_name": "__numpy__", "config": numpy_config})
    array([1, 2], dtype=int32)
    >>> deserialize_keras_object({"module": "keras.losses", "class_name": "MeanSquaredError",
    ...                           "config": {"name": "mse", "reduction": "sum_over_batch_size"},
    ...                           "registered_name": None}).name
    'mse'
    """
    from numkeras import constraints, initializers, losses, metrics, optimizers, regularizers
    from numkeras.layers.layer import Layer
    from numkeras.models.config import deserialize_layer

    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        return type(config)(deserialize_keras_object(v, custom_objects) for v in config)
    if not isinstance(config, dict):
        raise ConfigError(f"Cannot deserialize {config!r}: expected a dict config.")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects) for k, v in config.items()}
    class_name, inner = config["class_name"], config["config"]
    if class_name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner.get("dtype"))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__tuple__":
        return tuple(deserialize_keras_object(v, custom_objects) for v in inner["value"])
    if class_name == "__lambda__":
        raise ConfigError(
            "The config holds a lambda's code; numkeras never runs code from a config "
            "(even with safe_mode=False). Supply the function with custom_objects."
        )
    if class_name == "function":
        return _function(config, custom_objects)
    # the program's own classes first, by registered name, as Keras looks them up
    own = object_registration.find(custom_objects, config.get("registered_name"), class_name)
    family = _module_family(config.get("module"))
    if family == "layers" or (inspect.isclass(own) and issubclass(own, Layer)):
        return deserialize_layer(config, custom_objects)
    if own is not None:
        with object_registration.supplying(custom_objects):
            return own.from_config(inner) if hasattr(own, "from_config") else own(**inner)
    tables = {
        "losses": lambda c: losses.deserialize(c, custom_objects),
        "metrics": lambda c: metrics.deserialize(c, custom_objects),
        "optimizers": lambda c: optimizers.deserialize(c, custom_objects),
        "initializers": initializers.deserialize,
        "regularizers": regularizers.deserialize,
        "constraints": constraints.deserialize,
    }
    if family in tables:
        with object_registration.supplying(custom_objects):
            return tables[family](config)
    if family == "distillation":
        from numkeras import distillation

        cls = getattr(distillation, class_name, None)
        if isinstance(cls, type) and class_name in distillation.__all__:
            with object_registration.supplying(custom_objects):
                return cls.from_config(inner)
    try:  # no module (Keras 2 style): a layer of that name
        return deserialize_layer(config, custom_objects)
    except ConfigError:
        pass
    raise UnknownObjectError(
        f"Could not locate class {class_name!r} (module {config.get('module')!r}). Pass it in "
        f"custom_objects={{{class_name!r}: cls}} or decorate it with "
        "@numkeras.saving.register_keras_serializable()."
    )
