"""Metrics: Keras 3's stateful metrics and function forms.

A metric accumulates over batches: `update_state(y_true, y_pred, sample_weight=None)` per
batch, `result()` for the (weighted) mean over every sample seen, `reset_state()` to start
over. `resolve` implements `compile(metrics=["accuracy"])`'s choice of accuracy.

>>> from numkeras import metrics
>>> m = metrics.get("binary_accuracy")
>>> m.update_state([[1], [0]], [[0.8], [0.4]])
>>> m.update_state([[1]], [[0.3]])
>>> round(m.result(), 4)
0.6667
"""

from __future__ import annotations

import inspect

from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    UnknownNameError,
    UnknownObjectError,
    warn_deprecated,
)
from numkeras.losses import _FUNCTIONS as _LOSS_FUNCTIONS

# the loss functions Keras 3 re-exports as `keras.metrics.*` (the same objects)
from numkeras.losses import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from numkeras.losses import serialize as _serialize_function
from numkeras.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from numkeras.metrics.auc import AUC
from numkeras.metrics.confusion import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from numkeras.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from numkeras.metrics.f_score import F1Score, FBetaScore
from numkeras.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from numkeras.metrics.metric import Metric
from numkeras.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from numkeras.metrics.r2 import R2Score
from numkeras.metrics.reduction import Mean, MeanMetricWrapper, Sum
from numkeras.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    cosine_similarity,
)
from numkeras.metrics.resolve import resolve
from numkeras.utils.naming import to_snake_case, unknown_name_message

_ALL_CLASSES = (
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    ConcordanceCorrelation,
    PearsonCorrelation,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score,
    FBetaScore,
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)
_CLASSES = {cls.__name__: cls for cls in _ALL_CLASSES}
# Keras 3's lookup table: class names, their snake_case, and a few aliases
_NAMES = {**_CLASSES, **{to_snake_case(name): cls for name, cls in _CLASSES.items()}}
_NAMES.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
    }
)

_METRIC_FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        accuracy,
        binary_accuracy,
        categorical_accuracy,
        sparse_categorical_accuracy,
        top_k_categorical_accuracy,
        sparse_top_k_categorical_accuracy,
        cosine_similarity,
        pearson_correlation,
        concordance_correlation,
    )
}


# Keras 2 metric names that Keras 3 dropped (tf_keras 2.21 takes them, as numkeras takes
# them as loss names): accepted with a one-line note
_KERAS2_NAMES = {
    "logcosh": "log_cosh_error",
    "kullback_leibler_divergence": "kl_divergence",
    "cosine_proximity": "cosine_similarity",  # (tf_keras 2.21's: +1 = same direction)
}

# Keras 3 metrics numkeras does not implement (snake_case of their names, as
# to_snake_case spells the class names): the error says so, rather than guess at a typo
_KERAS_ONLY: frozenset = frozenset()


def __getattr__(name: str):
    # Keras 2's `keras.metrics.mse` and the other loss functions it listed there
    from numkeras.losses import keras2_attribute

    return keras2_attribute(__name__, name)


def get(identifier) -> Metric | None:
    """A `Metric` from a name, alias, class, instance, function or config dict.

    Names follow Keras 3 (`"binary_accuracy"`, `"mse"`, `"AUC"`...; the instance keeps the
    class's default name, `compile` renames it, see `resolve`). `"acc"` gives
    `Accuracy(name="acc")`. A function is wrapped in `MeanMetricWrapper` (Keras returns it
    as is). For the shape-dependent `"accuracy"` of `compile`, use `resolve`.

    >>> get("mse")
    MeanSquaredError()
    >>> get("acc")
    Accuracy(name='acc')
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier == "acc":
            return Accuracy(name="acc")
        if identifier in _KERAS2_NAMES:
            new = _KERAS2_NAMES[identifier]
            warn_deprecated(
                f"Metric name {identifier!r} is from Keras 2; Keras 3 calls it {new!r}."
            )
            return _instantiate(_NAMES[new], identifier)
        cls = _NAMES.get(identifier)
        if cls is None or identifier in ("MeanMetricWrapper", "mean_metric_wrapper"):
            if identifier.lower() in ("crossentropy", "ce"):
                raise ConfigError(
                    f"Metric {identifier!r} depends on the data shapes; it is resolved by "
                    "compile (numkeras.metrics.resolve(identifier, loss, y_true_shape, "
                    "y_pred_shape))."
                )
            valid = [n for n in _NAMES if n not in ("MeanMetricWrapper", "mean_metric_wrapper")]
            raise UnknownNameError(
                unknown_name_message("metric", identifier, [*valid, "acc"], _KERAS_ONLY)
            )
        return _instantiate(cls, identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return _instantiate(identifier, identifier.__name__)
    if callable(identifier):
        name = to_snake_case(getattr(identifier, "__name__", type(identifier).__name__))
        return MeanMetricWrapper(identifier, name=name)
    raise ConfigError(
        f"Could not interpret metric identifier: {identifier!r}. Pass a metric name such as "
        "'accuracy' or 'mse', a Metric instance or class, or a function."
    )


def _instantiate(cls, identifier: str) -> Metric:
    """`cls()`, or an error naming the arguments a metric such as MeanIoU requires (a
    TypeError, as Keras's missing-argument failure there, and a ConfigError)."""
    required = [
        p.name
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.name != "self"
        and p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    if required and cls in _ALL_CLASSES:
        args = ", ".join(f"{name}=..." for name in required)
        raise ArgumentTypeError(
            f"Metric {identifier!r} needs arguments ({', '.join(required)}), so it cannot be "
            f"given by name; pass an instance instead, e.g. metrics=[{cls.__name__}({args})]."
        )
    return cls()


def serialize(metric) -> dict | str:
    """Keras's serialized form of a metric (`module`, `class_name`, `config`, ...); a
    function in Keras 3's function form, a user's class under its registered name."""
    from numkeras.saving import object_registration as registry

    if metric is None or isinstance(metric, str):
        return metric
    if isinstance(metric, Metric):
        return registry.class_config(metric, _CLASSES, "keras.metrics")
    return _serialize_function(metric)


def deserialize(config, custom_objects: dict | None = None, as_function: bool = False):
    """Inverse of `serialize` (also accepts a name, and Keras 2's `{"class_name", "config"}`).

    Returns a `Metric` (or, with `as_function=True`, the function a serialized function
    names). A user's class or function is found only among `custom_objects`, an open
    `numkeras.saving.custom_object_scope` and registered objects: nothing is imported.
    """
    from numkeras.saving import object_registration as registry

    if isinstance(config, str):
        custom = registry.find(custom_objects, config)
        if custom is not None and as_function and not inspect.isclass(custom):
            return custom
        return get(config if custom is None else custom)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(
            f"Cannot deserialize metric from {config!r}: expected a name or a dict with "
            "'class_name' and 'config'."
        )
    if config["class_name"] == "function":
        fn = _function_from_config(config, custom_objects)
        return fn if as_function else get(fn)
    cls = registry.find(custom_objects, config.get("registered_name"), config["class_name"])
    cls = cls or _CLASSES.get(config["class_name"])
    if cls is None:
        message = unknown_name_message("metric class", config["class_name"], _CLASSES, _KERAS_ONLY)
        raise UnknownObjectError(message + registry.supply_hint(config["class_name"]))
    with registry.supplying(custom_objects):  # e.g. a MeanMetricWrapper's own function
        return cls.from_config(dict(config.get("config") or {}))


def _function_from_config(fn_config, custom_objects: dict | None = None):
    """The function a serialized `{'class_name': 'function', 'config': name}` names."""
    from numkeras.saving import object_registration as registry

    if callable(fn_config):
        return fn_config
    name = fn_config.get("config") if isinstance(fn_config, dict) else fn_config
    fn = (
        registry.find(custom_objects, name, function=True)
        or _METRIC_FUNCTIONS.get(name)
        or _LOSS_FUNCTIONS.get(name)
    )
    if fn is None:
        known = [*_METRIC_FUNCTIONS, *_LOSS_FUNCTIONS]
        message = unknown_name_message("metric function", str(name), known)
        raise UnknownObjectError(message + registry.supply_hint(name))
    return fn


__all__ = [
    "Metric",
    "Mean",
    "Sum",
    "MeanMetricWrapper",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "RootMeanSquaredError",
    "CosineSimilarity",
    "LogCoshError",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "Precision",
    "Recall",
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "AUC",
    "PrecisionAtRecall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    "F1Score",
    "FBetaScore",
    "R2Score",
    "PearsonCorrelation",
    "ConcordanceCorrelation",
    "IoU",
    "BinaryIoU",
    "MeanIoU",
    "OneHotIoU",
    "OneHotMeanIoU",
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "cosine_similarity",
    "pearson_correlation",
    "concordance_correlation",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "get",
    "resolve",
    "serialize",
    "deserialize",
]
