"""Custom objects, as Keras 3 names and finds them (`keras/src/saving/object_registration.py`).

A saved config names a user's class or function by its *registered name*: `"package>name"`
once `register_keras_serializable` has seen it, else its plain `__name__`. Loading finds it
only among objects the running program supplies (`custom_objects=`, `custom_object_scope`,
or the registry): no module named in a file is imported, and no code in a file is run.

>>> @register_keras_serializable(package="Demo")
... def twice(x):
...     return 2 * x
>>> get_registered_name(twice)
'Demo>twice'
>>> get_registered_object("Demo>twice") is twice
True
>>> with custom_object_scope({"thrice": len}):
...     get_registered_object("thrice") is len
True
>>> del get_custom_objects()["Demo>twice"]
"""

from __future__ import annotations

import contextlib
import inspect
import threading
from collections.abc import Callable, Iterator

from numkeras.errors import ConfigError

GLOBAL_CUSTOM_OBJECTS: dict[str, object] = {}  # registered name -> object
GLOBAL_CUSTOM_NAMES: dict[object, str] = {}  # object -> registered name
_local = threading.local()  # the innermost custom_object_scope's dict, per thread (as Keras)


def supply_hint(name) -> str:
    """What to do when a config names an object nothing supplies (for error messages)."""
    return (
        f" If {name!r} is your own, pass it as custom_objects={{{name!r}: ...}} or register it "
        "with numkeras.saving.register_keras_serializable()."
    )


def _scope_objects() -> dict:
    return getattr(_local, "objects", {})


class CustomObjectScope:
    """`with custom_object_scope({"Name": obj}):` makes `obj` loadable under `"Name"`.

    As in Keras, an inner scope replaces (does not extend) an outer one while it is open.
    """

    def __init__(self, custom_objects: dict | None = None):
        self.custom_objects = dict(custom_objects or {})
        self._backup: dict | None = None

    def __enter__(self) -> CustomObjectScope:
        self._backup = _scope_objects()
        _local.objects = dict(self.custom_objects)
        return self

    def __exit__(self, *exc) -> None:
        _local.objects = self._backup or {}


custom_object_scope = CustomObjectScope


@contextlib.contextmanager
def supplying(custom_objects: dict | None) -> Iterator[None]:
    """Within: `custom_objects` extend the open scope, so the `from_config` of a class being
    loaded finds them for the objects nested in its config (as Keras does)."""
    if not custom_objects:
        yield
        return
    with CustomObjectScope({**_scope_objects(), **custom_objects}):
        yield


def get_custom_objects() -> dict:
    """The live global registry: registered name -> class or function (not the scopes)."""
    return GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator: register a class or function under `"package>name"` (`name` defaults to
    its `__name__`), so saved configs name it so and loading finds it without
    `custom_objects`. A class needs `get_config` (Keras raises ValueError otherwise)."""

    def decorator(obj):
        registered = f"{package}>{name if name is not None else obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ConfigError("Cannot register a class that does not have a get_config() method.")
        GLOBAL_CUSTOM_OBJECTS[registered] = obj
        GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj) -> str:
    """`"package>name"` for a registered object, else its `__name__` (what Keras writes)."""
    if obj in GLOBAL_CUSTOM_NAMES:
        return GLOBAL_CUSTOM_NAMES[obj]
    return getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects=None):
    """The object registered or supplied under `name`, or None: the innermost scope first,
    then the global registry, then `custom_objects`, then `module_objects` (Keras's order)."""
    for table in (_scope_objects(), GLOBAL_CUSTOM_OBJECTS, custom_objects, module_objects):
        if table and name in table:
            return table[name]
    return None


def find(custom_objects: dict | None, *names: str | None, function: bool = False):
    """The first of `names` that the program supplies (`custom_objects`, scope, registry).

    For functions, as Keras does, a bare `name` also matches a key `"package>name"`, so a
    function saved unregistered still loads once it is registered.
    """
    for name in names:
        if name is not None:
            found = get_registered_object(name, custom_objects)
            if found is not None:
                return found
    if function:
        for name in names:
            if name is not None and ">" not in name:
                tables = (custom_objects or {}, GLOBAL_CUSTOM_OBJECTS, _scope_objects())
                for table in tables:
                    for key, obj in table.items():
                        if key.endswith(f">{name}"):
                            return obj
    return None


def module_of(cls) -> str | None:
    """The `module` Keras writes for a user's class: None for `__main__` (it names nothing
    another program could find)."""
    return None if cls.__module__ == "__main__" else cls.__module__


def class_config(obj, builtins: dict, builtin_module: str) -> dict:
    """Keras's serialized form of `obj`, an instance of a built-in class (one of `builtins`,
    by name, written under `builtin_module`) or of a user's class (its own module and
    registered name, as Keras writes them):
    `{"module", "class_name", "config", "registered_name"}`."""
    cls = type(obj)
    builtin = builtins.get(cls.__name__) is cls
    return {
        "module": builtin_module if builtin else module_of(cls),
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": None if builtin else get_registered_name(cls),
    }


def saved_class(config: dict, custom_objects: dict | None = None):
    """The user's class a serialized `config` names by its registered name, where the
    program supplies it (`custom_objects`, a scope, the registry); else None."""
    # (no registered name, as Keras 2 and hand-written configs: the class name, as Keras)
    registered = config.get("registered_name") or config.get("class_name")
    found = find(custom_objects, registered) if isinstance(registered, str) else None
    return found if isinstance(found, type) else None
