"""The Keras 3 config format shared by the registries (activations, initializers, losses).

>>> def my_fn(x):
...     return x
>>> function_config(my_fn)
{'module': 'builtins', 'class_name': 'function', 'config': 'my_fn', 'registered_name': 'function'}
"""

from __future__ import annotations

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
