"""Activation functions (Keras 3 names and formulas), each with a `.grad` backward pass.

Look one up by name with `get`, turn it back into its Keras name with `serialize`.

>>> import numpy as np
>>> from numkeras import activations
>>> f = activations.get("swish")
>>> activations.serialize(f)
'silu'
>>> x = np.array([0.0, 1.0], dtype="float32")
>>> f.grad(x, f(x), np.ones_like(x)).dtype
dtype('float32')
"""

from __future__ import annotations

from collections.abc import Callable

from numkeras import backend
from numkeras.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_sigmoid_keras2,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)
from numkeras.errors import ArgumentTypeError, ConfigError, UnknownNameError, did_you_mean
from numkeras.utils.serialization import function_config, takes_custom_objects

__all__ = [
    "ALL_ACTIVATIONS",
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]

_CANONICAL = (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    tanh,
    tanh_shrink,
    threshold,
)

#: Every name `get` accepts -> its function (the same keys as Keras 3's registry).
ALL_ACTIVATIONS: dict[str, Callable] = {fn.__name__: fn for fn in _CANONICAL}
ALL_ACTIVATIONS["swish"] = silu
ALL_ACTIVATIONS["hard_swish"] = hard_silu

_NAME_OF = {id(fn): fn.__name__ for fn in _CANONICAL}
# numkeras's own names, beside Keras's registry: Keras 2's formula that Keras 3 dropped
_NUMKERAS_ONLY = {"hard_sigmoid_keras2": hard_sigmoid_keras2}
_NAME_OF[id(hard_sigmoid_keras2)] = "hard_sigmoid_keras2"


def _unknown(name: str) -> UnknownNameError:
    hint = did_you_mean(name, ALL_ACTIVATIONS)
    valid = ", ".join(repr(n) for n in sorted(ALL_ACTIVATIONS))
    return UnknownNameError(
        f"Unknown activation: {name!r}.{hint} Valid names: {valid}. "
        "For a custom activation, pass the function itself."
    )


def get(identifier) -> Callable:
    """The activation function for `identifier`.

    Accepts `None` (-> `linear`), a name (`'relu'`, also the aliases `'swish'` and
    `'hard_swish'`), a Keras config dict (`{"class_name": "function", "config": "relu",
    ...}`), or any callable: returned as is when it has a `grad`, else wrapped in a
    `TracedActivation`, which computes the same and traces its gradient (Keras returns the
    callable itself).

    >>> get("relu").__name__
    'relu'
    >>> get(None) is linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = ALL_ACTIVATIONS.get(identifier) or _NUMKERAS_ONLY.get(identifier)
        if fn is None:  # a user's function by name: custom_objects, a scope, the registry
            from numkeras.saving import object_registration

            custom = object_registration.find(None, identifier, function=True)
            if custom is None:
                raise _unknown(identifier)
            return get(custom)
        return fn
    if isinstance(identifier, dict):
        # `.keras` files store built-ins as plain strings; a dict shows up for
        # functions serialized as {"class_name": "function", "config": "<name>"}.
        name = identifier.get("config")
        if not isinstance(name, str):
            name = identifier.get("class_name")
        if isinstance(name, str):
            return get(name)
        raise ConfigError(
            f"Could not read an activation from the dict {identifier!r}: expected "
            '{"class_name": "function", "config": "<name>"} or a plain name string.'
        )
    if callable(identifier):
        return identifier if hasattr(identifier, "grad") else TracedActivation(identifier)
    raise ConfigError(
        f"Could not interpret activation identifier {identifier!r} "
        f"(type {type(identifier).__name__}). Pass a name such as 'relu', None, or a callable."
    )


class TracedActivation:
    """A user's activation function (written with `numkeras.ops`, or an activation layer),
    given the `grad` every activation carries: traced into operations once per input shape
    (`numkeras.ops.trace`), as Keras differentiates it.

    >>> import numpy as np
    >>> from numkeras import ops
    >>> double_relu = get(lambda x: ops.relu(x) * 2.0)
    >>> x = np.array([[-1.0, 3.0]], "float32")
    >>> double_relu.grad(x, double_relu(x), np.ones_like(x)).tolist()
    [[0.0, 2.0]]
    """

    def __init__(self, fn: Callable):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)

    def __call__(self, x):
        return backend.xp.asarray(self.fn(x))

    def grad(self, x, y, dy):
        from numkeras.ops.trace import TraceError, check_same, trace_for

        try:
            trace = trace_for(
                self.__dict__.setdefault("_traces", {}),
                None,
                self.fn,
                [x],
                lambda t: check_same(t, [x], y),
            )
        except TraceError as e:
            raise NotImplementedError(
                f"The activation {self.__name__!r} has no gradient: numkeras differentiates an "
                "activation function by running it on a symbolic tensor and recording its "
                f"operations, and this one could not be recorded ({e}). Write it with "
                "numkeras.ops, or use a built-in activation."
            ) from e
        _, caches = trace.forward([x])
        (g,) = trace.backward(caches, [dy])
        return backend.xp.zeros_like(x) if g is None else g

    def __repr__(self) -> str:
        return f"TracedActivation({self.__name__!r})"


def serialize(activation: Callable) -> str | dict:
    """The Keras name of a built-in activation, as stored in layer configs.

    Aliases serialize to their canonical name, as in Keras (`swish` -> `'silu'`).
    Anything else serializes as Keras 3 does: a plain function to
    `{"module": "builtins", "class_name": "function", "config": <its name>, ...}` (which
    loads back only where that function is supplied), an object with `get_config`
    (an activation layer) to its class name and config.

    >>> serialize(leaky_relu)
    'leaky_relu'
    """
    if isinstance(activation, TracedActivation):
        activation = activation.fn
    name = _NAME_OF.get(id(activation))
    if name is not None:
        return name
    if hasattr(activation, "get_config"):
        cls = type(activation)
        module = cls.__module__
        if module.startswith("numkeras.layers"):
            module = "keras.layers"
        return {
            "module": module,
            "class_name": cls.__name__,
            "config": activation.get_config(),
            "registered_name": None,
        }
    if callable(activation):  # (a registered one under its "package>name", as Keras)
        from numkeras.saving.object_registration import get_registered_name

        return function_config(activation, name=get_registered_name(activation))
    raise ConfigError(
        f"Cannot serialize activation {activation!r}: it is not callable. Use a name such "
        "as 'relu' or a function."
    )


@takes_custom_objects
def deserialize(config) -> Callable:
    """The activation function for a serialized name (or Keras config dict).

    >>> deserialize("relu") is relu
    True
    """
    if config is None:
        # (a TypeError too: Keras returns None, and calling it is one)
        raise ArgumentTypeError(
            "Cannot deserialize an activation from None; expected a name ('relu') or a "
            "config dict, as serialize(activation) gives."
        )
    return get(config)
