"""The Keras 3 config format shared by the registries (activations, initializers, losses).

>>> def my_fn(x):
...     return x
>>> function_config(my_fn)
{'module': 'builtins', 'class_name': 'function', 'config': 'my_fn', 'registered_name': 'function'}
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable


def function_config(fn: Callable, module: str | None = "builtins", name: str | None = None) -> dict:
    """What Keras 3 writes for a plain function in a config: its name, under `module`.

    Such a config loads back only where the function is supplied again (Keras runs no code).
    """
    return {
        "module": module,
        "class_name": "function",
        "config": name if name is not None else getattr(fn, "__name__", type(fn).__name__),
        "registered_name": "function",
    }


def takes_custom_objects(deserialize: Callable) -> Callable:
    """Give a registry's `deserialize(config)` Keras's `custom_objects=` argument: the
    objects named there are found while it runs, as inside a `custom_object_scope`."""

    @functools.wraps(deserialize)
    def with_custom_objects(config, custom_objects: dict | None = None):
        from numkeras.saving.object_registration import supplying

        with supplying(custom_objects):
            return deserialize(config)

    signature = inspect.signature(deserialize)
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    extra = inspect.Parameter("custom_objects", kind, default=None)
    with_custom_objects.__signature__ = signature.replace(
        parameters=[*signature.parameters.values(), extra]
    )
    return with_custom_objects
