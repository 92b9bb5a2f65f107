"""Losses: Keras 3's loss classes and functions, each with a hand-written gradient.

Every `Loss` has `__call__` (reduced value), `call` (per-sample values), `value_and_grad`
(value and d/dy_pred, used by training) and `check_targets` (shape/label validation with
actionable errors).

>>> from numkeras import losses
>>> losses.to_loss("mse")
MeanSquaredError(name='mse')
>>> round(float(losses.to_loss("binary_crossentropy")([[1.0]], [[0.5]])), 4)
0.6931
>>> losses.get("mse")([[1.0, 2.0]], [[1.0, 0.0]])  # Keras's `get`: the function, per sample
array([2.], dtype=float32)
"""

from __future__ import annotations

import inspect

from numkeras.errors import ConfigError, UnknownNameError, UnknownObjectError, warn_deprecated
from numkeras.losses.circle import Circle, circle
from numkeras.losses.crossentropy import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from numkeras.losses.ctc import CTC, ctc
from numkeras.losses.focal import (
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
)
from numkeras.losses.generalized_cross_entropy import (
    CategoricalGeneralizedCrossEntropy,
    categorical_generalized_cross_entropy,
)
from numkeras.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from numkeras.losses.loss import (
    Loss,
    Reduction,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
)
from numkeras.losses.overlap import Dice, Tversky, dice, tversky
from numkeras.losses.probabilistic import KLDivergence, Poisson, kl_divergence, poisson
from numkeras.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from numkeras.losses.resolve import (
    ShapeDependentCrossentropy,
    is_binary_or_sparse_categorical,
    resolve,
)
from numkeras.losses.wrapper import LossFunctionWrapper
from numkeras.utils.naming import unknown_name_message
from numkeras.utils.serialization import function_config

# function form -> class giving its checks and gradient
_FUNCTION_TO_CLASS = {
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    binary_focal_crossentropy: BinaryFocalCrossentropy,
    categorical_focal_crossentropy: CategoricalFocalCrossentropy,
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
    huber: Huber,
    log_cosh: LogCosh,
    cosine_similarity: CosineSimilarity,
    hinge: Hinge,
    squared_hinge: SquaredHinge,
    categorical_hinge: CategoricalHinge,
    kl_divergence: KLDivergence,
    poisson: Poisson,
    dice: Dice,
    tversky: Tversky,
    circle: Circle,
    categorical_generalized_cross_entropy: CategoricalGeneralizedCrossEntropy,
    ctc: CTC,
}
_CLASSES = {cls.__name__: cls for cls in (*set(_FUNCTION_TO_CLASS.values()), LossFunctionWrapper)}
_FUNCTIONS = {fn.__name__: fn for fn in _FUNCTION_TO_CLASS}
# Keras 3's aliases (keras/src/losses/__init__.py ALL_OBJECTS_DICT)
_ALIASES = {
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error,
}
# Keras 2 names that Keras 3 dropped: accepted with a one-line note
_KERAS2_NAMES = {"kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh"}
# Keras 3 losses numkeras does not implement (snake_case of the class and function names):
# the error says so, rather than guess at a typo (none left)
_KERAS_ONLY: tuple = ()
# Keras 2's module attributes that Keras 3 dropped (`from keras.losses import mse`, in
# the VAE example), also `keras.metrics.<name>` there
KERAS2_ATTRIBUTES = {
    **{name: fn for name, fn in _ALIASES.items() if name.lower() != "bce"},
    "kullback_leibler_divergence": kl_divergence,
    "logcosh": log_cosh,
}


def keras2_attribute(module: str, name: str):
    """The loss function Keras 2 named `<module>.<name>`, with one note naming Keras 3's
    spelling; AttributeError for any other name."""
    fn = KERAS2_ATTRIBUTES.get(name)
    if fn is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    warn_deprecated(f"`{module}.{name}` is Keras 2's name; Keras 3's is `{fn.__name__}`.")
    return fn


def __getattr__(name: str):
    return keras2_attribute(__name__, name)


def _valid_names() -> list[str]:
    classes = [name for name in _CLASSES if name != "LossFunctionWrapper"]
    return [*classes, *_FUNCTIONS, *_ALIASES, "crossentropy", "ce"]


def get(identifier):
    """Keras 3's `losses.get`: a function name or alias gives the loss function (per-sample
    values), a class name or class an instance, a config dict what it describes; a loss
    instance or any other callable comes back as it is.

    >>> get("bce").__name__
    'binary_crossentropy'
    >>> get("Huber")
    Huber()
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier, as_function=True)
    if isinstance(identifier, str):
        name = identifier
        if name in _KERAS2_NAMES:
            return _from_name(name)
        fn = _FUNCTIONS.get(name) or _ALIASES.get(name)
        if fn is not None:
            return fn
        if name in _CLASSES and name != "LossFunctionWrapper":
            return _CLASSES[name]()
        raise UnknownNameError(unknown_name_message("loss", name, _valid_names(), _KERAS_ONLY))
    if inspect.isclass(identifier) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise ConfigError(
        f"Could not interpret loss identifier: {identifier!r}. Pass a loss name such as "
        "'binary_crossentropy', a Loss instance or class, or a function."
    )


def to_loss(identifier) -> Loss | None:
    """A `Loss` instance from a name, alias, class, instance, function or config dict: what
    `compile` trains with (`get` gives Keras's plain functions for function names; training
    needs a `Loss`'s `value_and_grad`). A function name or alias keeps the user's spelling
    as the loss name (`to_loss("mse").name == "mse"`), as Keras's `compile` does.
    `"crossentropy"`/`"ce"` give a `ShapeDependentCrossentropy` that picks binary, categorical
    or sparse categorical cross-entropy from the shapes on first use (see `resolve`).

    >>> to_loss("bce")
    BinaryCrossentropy(name='bce')
    >>> to_loss({"class_name": "Huber", "config": {"delta": 2.0}}).delta
    2.0
    """
    if identifier is None:
        return None
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _from_name(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        cls = _FUNCTION_TO_CLASS.get(identifier)
        if cls is not None:
            return cls(name=identifier.__name__)
        return LossFunctionWrapper(identifier)
    raise ConfigError(
        f"Could not interpret loss identifier: {identifier!r}. Pass a loss name such as "
        "'binary_crossentropy', a Loss instance or class, or a function."
    )


def _from_name(name: str) -> Loss:
    if name in _KERAS2_NAMES:
        warn_deprecated(
            f"Loss name {name!r} is from Keras 2; Keras 3 calls it {_KERAS2_NAMES[name]!r}."
        )
        return _from_name(_KERAS2_NAMES[name])
    if name in _CLASSES and name != "LossFunctionWrapper":
        return _CLASSES[name]()
    fn = _FUNCTIONS.get(name) or _ALIASES.get(name)
    if fn is not None:
        return _FUNCTION_TO_CLASS[fn](name=name)
    if name.lower() in ("crossentropy", "ce"):
        return ShapeDependentCrossentropy(name=name)
    raise UnknownNameError(unknown_name_message("loss", name, _valid_names(), _KERAS_ONLY))


def serialize(loss) -> dict | str:
    """Keras's serialized form: `{"module", "class_name", "config", "registered_name"}`.

    A user's class is named by its registered name (`"package>name"`, else its own name) and
    its module (None for `__main__`); any function, as Keras 3 writes it, as
    `{"module": "builtins", "class_name": "function", "config": <registered name>}`.

    >>> serialize(MeanSquaredError())["class_name"]
    'MeanSquaredError'
    >>> serialize(mean_squared_error)["config"]
    'mean_squared_error'
    """
    from numkeras.saving import object_registration as registry

    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, ShapeDependentCrossentropy):
        return loss.name  # Keras keeps 'crossentropy' as a plain string too
    if isinstance(loss, Loss):
        return registry.class_config(loss, _CLASSES, "keras.losses")
    if callable(loss):
        builtin = _FUNCTIONS.get(getattr(loss, "__name__", None)) is loss
        return function_config(loss, name=None if builtin else registry.get_registered_name(loss))
    raise ConfigError(f"Cannot serialize loss {loss!r}: expected a Loss or a function.")


def deserialize(name, custom_objects: dict | None = None, as_function: bool = False):
    """Inverse of `serialize`: `name` is a config (Keras's parameter name), a loss name, or
    Keras 2's `{"class_name", "config"}`.

    Returns a `Loss` (or, with `as_function=True`, the function a serialized function
    names). A user's class or function is found only among `custom_objects`, an open
    `numkeras.saving.custom_object_scope` and registered objects: nothing is imported.
    """
    from numkeras.saving import object_registration as registry

    if isinstance(name, str):
        custom = registry.find(custom_objects, name)
        if custom is not None:
            return custom if as_function and not inspect.isclass(custom) else to_loss(custom)
        if as_function and name in _FUNCTIONS:
            return _FUNCTIONS[name]
        return to_loss(name)
    if not isinstance(name, dict) or "class_name" not in name:
        raise ConfigError(
            f"Cannot deserialize loss from {name!r}: expected a name or a dict with "
            "'class_name' and 'config'."
        )
    class_name, inner = name["class_name"], name.get("config") or {}
    if class_name == "function":
        fn = (
            registry.find(custom_objects, inner, function=True)
            or _FUNCTIONS.get(inner)
            or _ALIASES.get(inner)
        )
        if fn is None:
            message = unknown_name_message("loss function", str(inner), _FUNCTIONS)
            raise UnknownObjectError(message + registry.supply_hint(inner))
        return fn if as_function else to_loss(fn)
    cls = registry.find(custom_objects, name.get("registered_name"), class_name)
    cls = cls or _CLASSES.get(class_name)
    if cls is None:
        message = unknown_name_message("loss class", class_name, _CLASSES, _KERAS_ONLY)
        raise UnknownObjectError(message + registry.supply_hint(class_name))
    with registry.supplying(custom_objects):  # e.g. a LossFunctionWrapper's own function
        return cls.from_config(dict(inner))


__all__ = [
    "Loss",
    "Reduction",
    "LossFunctionWrapper",
    "ShapeDependentCrossentropy",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Huber",
    "LogCosh",
    "CosineSimilarity",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "KLDivergence",
    "Poisson",
    "Dice",
    "Tversky",
    "Circle",
    "CategoricalGeneralizedCrossEntropy",
    "CTC",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "huber",
    "log_cosh",
    "cosine_similarity",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "kl_divergence",
    "poisson",
    "dice",
    "tversky",
    "circle",
    "categorical_generalized_cross_entropy",
    "ctc",
    "get",
    "serialize",
    "deserialize",
    "resolve",
    "is_binary_or_sparse_categorical",
    "reduce_weighted_values",
    "squeeze_or_expand_to_same_rank",
]
