"""Keras's legacy (Keras 2 format) `serialize_keras_object` / `deserialize_keras_object`,
as `keras.legacy.saving` and `keras.utils.legacy` export them in Keras 3.

An object serializes to `{"class_name": <registered name>, "config": <its get_config()>}`:
strings in the config are kept, other values that serialize themselves (objects with a
`get_config`, functions and classes, by name) are replaced by their serialized form, a
dict form marked `"__passive_serialization__": True` so deserializing rebuilds it, and
everything else (numbers, lists, dicts, None) is kept as it is. Keras 3 writes its own
`get_config()` in this envelope, so the config is Keras 3's (not a Keras 2 layer config).
Deserializing finds classes among the objects the program supplies: `module_objects`,
`custom_objects`, a `custom_object_scope` or the registry.

>>> from numkeras import initializers
>>> serialize_keras_object(initializers.Constant(2.0))
{'class_name': 'Constant', 'config': {'value': 2.0}}
>>> deserialize_keras_object(
...     {"class_name": "Constant", "config": {"value": 2.0}},
...     module_objects={"Constant": initializers.Constant},
... ).value
2.0
"""

from __future__ import annotations

import inspect

from numkeras.errors import ConfigError
from numkeras.saving import object_registration as registry

_PASSIVE = "__passive_serialization__"


def serialize_keras_object(instance):
    """The `{"class_name", "config"}` dict of `instance` (an object with `get_config`),
    the registered name of a function or class, or None for None; ValueError for anything
    else (a number, a list)."""
    instance = inspect.unwrap(instance)
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        config = {}
        for key, item in instance.get_config().items():
            if isinstance(item, str):
                config[key] = item
                continue
            try:
                serialized = serialize_keras_object(item)
            except ValueError:  # (a value that is not an object: kept as it is)
                config[key] = item
                continue
            if isinstance(serialized, dict) and not isinstance(item, dict):
                serialized[_PASSIVE] = True
            config[key] = serialized
        name = registry.get_registered_name(type(instance))
        return {"class_name": name, "config": config}
    if hasattr(instance, "__name__"):
        return registry.get_registered_name(instance)
    raise ConfigError(f"Cannot serialize {instance} because it doesn't implement `get_config()`.")


def _unknown(kind: str, name) -> ConfigError:
    return ConfigError(
        f"Unknown {kind}: '{name}'. Please ensure you are using a "
        "`keras.utils.custom_object_scope` and that this object is included in the scope."
        + registry.supply_hint(name)
    )


def _class_and_config(config, module_objects, custom_objects, kind: str):
    """The class `config` names and its config, the nested objects in it deserialized
    (in place, as Keras does)."""
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ConfigError(
            f"Improper config format for {config}. Expecting python dict contains "
            "`class_name` and `config` as keys"
        )
    name = config["class_name"]
    cls = registry.get_registered_object(name, custom_objects, module_objects)
    if cls is None:
        raise _unknown(kind, name)
    cls_config = config["config"]
    if isinstance(cls_config, list):  # (Keras 2.0's Sequential: a list of layer configs)
        return cls, cls_config
    for key, item in list(cls_config.items()):
        if key == "name":  # a name is a name, even where a function is called so
            continue
        if isinstance(item, dict) and _PASSIVE in item:
            cls_config[key] = deserialize_keras_object(
                item, module_objects, custom_objects, "config_item"
            )
        elif isinstance(item, str):  # a function saved by its name
            found = registry.get_registered_object(item, custom_objects, module_objects)
            if inspect.isfunction(found):
                cls_config[key] = found
    return cls, cls_config


def deserialize_keras_object(
    identifier, module_objects=None, custom_objects=None, printable_module_name="object"
):
    """The object `identifier` describes: a `{"class_name", "config"}` dict (the class
    found in `module_objects`, `custom_objects`, a custom object scope or the registry,
    then built with its `from_config`), a name (a class found so is instantiated without
    arguments, a function returned), a function (returned as it is), or None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        cls, cls_config = _class_and_config(
            identifier, module_objects, custom_objects, printable_module_name
        )
        custom_objects = custom_objects or {}
        if not hasattr(cls, "from_config"):  # (a function making the object: its kwargs)
            with registry.CustomObjectScope(custom_objects):
                return cls(**cls_config)
        if "custom_objects" in inspect.getfullargspec(cls.from_config).args:
            supplied = {**registry.GLOBAL_CUSTOM_OBJECTS, **custom_objects}
            return cls.from_config(cls_config, custom_objects=supplied)
        with registry.CustomObjectScope(custom_objects):
            return cls.from_config(cls_config)
    if isinstance(identifier, str):
        # (Keras's order; Keras itself crashes when `custom_objects` lacks the name)
        tables = (custom_objects, registry._scope_objects(), registry.GLOBAL_CUSTOM_OBJECTS)
        obj = next((t[identifier] for t in tables if t and identifier in t), None)
        obj = obj if obj is not None else (module_objects or {}).get(identifier)
        if obj is None:
            raise _unknown(printable_module_name, identifier)
        return obj() if inspect.isclass(obj) else obj
    if inspect.isfunction(identifier):
        return identifier
    raise ConfigError(f"Could not interpret serialized {printable_module_name}: {identifier}")
