"""Keras 2's single-file `.h5` format (keras-facts.md 6.2; Keras's `legacy_h5_format.py`).

Root attributes hold the model config (`model_config`, JSON) and, for a compiled model, the
`training_config`; the `model_weights` group has one subgroup per layer (by layer name)
listing its `weight_names`, each a dataset at that path. A layer's weights are its
`trainable_weights + non_trainable_weights` (nested models' included). Loading goes by
position, as Keras does: the model's layers that have weights, matched in order with the
saved layers that have weights.
"""

from __future__ import annotations

import json
import warnings

import numpy as np

from numkeras.errors import ConfigError, NumkerasWarning, ShapeError, format_shape
from numkeras.metrics.resolve import SHAPE_RESOLVED_NAMES
from numkeras.saving import keras2, weights_h5

KERAS_VERSION = "3.15.1"  # the Keras whose formats numkeras writes (and was checked against)


def _legacy_weights(layer) -> list:
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _names(values) -> np.ndarray:
    return np.array([str(v).encode("utf8") for v in values], dtype="S")


def _decode(values) -> list[str]:
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def write_model(model, h5, training_config: dict | None) -> None:
    from numkeras.models.config import IMPLIED_KWARGS, serialize_layer

    h5.attrs["keras_version"] = KERAS_VERSION
    h5.attrs["backend"] = "numpy"
    # Keras 2's config form, which tf_keras 2 and Keras 3 both read (module docstring)
    token = IMPLIED_KWARGS.set(False)
    try:
        plain = serialize_layer(model)
    finally:
        IMPLIED_KWARGS.reset(token)
    config = keras2.keras2_model_config(serialize_layer(model), keras2_source=plain)
    h5.attrs["model_config"] = json.dumps(config)
    if training_config:
        h5.attrs["training_config"] = json.dumps(
            keras2.keras2_training_config(training_config, model)
        )
    write_weights(model, h5.create_group("model_weights"))
    if training_config and model.optimizer is not None:
        state = h5.create_group("optimizer_weights")
        legacy = keras2.legacy_optimizer_state(model.optimizer)
        if legacy is not None and _keras3_would_misread(model.optimizer, legacy[1]):
            legacy = None
        if legacy is not None:  # what tf_keras's optimizer (built from this file) loads
            names, values = legacy
        else:
            variables = model.optimizer.variables
            names, values = [v.path for v in variables], [v.numpy() for v in variables]
        state.attrs["weight_names"] = _names(names)
        for name, value in zip(names, values):
            state.create_dataset(name, data=value)


def _keras3_would_misread(optimizer, values: list) -> bool:
    """Keras 3 loads a `.h5`'s optimizer state into its optimizer built on no variables
    (iterations, learning rate), assigning the saved values in order while the shapes
    agree: in Keras 2's layout a scalar first slot (an `Attention` scale's momentum)
    would silently become its learning rate. Keras 3's layout is written then (tf_keras
    refuses its length and starts a fresh optimizer)."""
    has_lr = optimizer._learning_rate is optimizer._lr_var
    return has_lr and len(values) > 1 and np.shape(values[1]) == ()


def write_weights(model, group) -> None:
    """Keras 2's weights layout into `group`: a full model file's `model_weights`, or the
    root of a weights-only file (Keras 2's `save_weights("w.h5")`)."""
    layers = list(model.layers)
    group.attrs["layer_names"] = _names(layer.name for layer in layers)
    group.attrs["backend"] = "numpy"
    group.attrs["keras_version"] = KERAS_VERSION
    for layer in sorted(layers, key=lambda la: la.name):
        sub = group.create_group(layer.name)
        variables = _legacy_weights(layer)
        sub.attrs["weight_names"] = _names(v.path for v in variables)
        for v in variables:
            sub.create_dataset(v.path, data=v.numpy())


def read_optimizer(model, h5) -> None:
    """Restore a just-compiled model's optimizer state from `optimizer_weights`, if any."""
    if "optimizer_weights" not in h5:
        return
    group = h5["optimizer_weights"]
    names = _read_attr(group, "weight_names")
    values = [group[name][()] for name in names]
    if keras2.is_keras2(h5.attrs.get("keras_version")) or keras2.slot_major(names):
        store = keras2.optimizer_store(model.optimizer, model, values, names)
        if store is not None:
            model.optimizer.load_own_variables(store)
        return
    weights_h5.restore_optimizer(model.optimizer, model, {str(i): v for i, v in enumerate(values)})


def _read_attr(group, name: str) -> list[str]:
    # long attributes are split into `name0`, `name1`, ... (Keras's HDF5 header limit)
    if name in group.attrs:
        return _decode(group.attrs[name])
    out, i = [], 0
    while f"{name}{i}" in group.attrs:
        out.extend(_decode(group.attrs[f"{name}{i}"]))
        i += 1
    return out


def read_config(h5) -> dict:
    if "model_config" not in h5.attrs:
        raise ConfigError(
            "This .h5 file has no model config (`model_config`): it holds weights only. "
            "Build the model in code and call `model.load_weights(path)`."
        )
    raw = h5.attrs["model_config"]
    config = json.loads(raw.decode("utf8") if isinstance(raw, bytes) else raw)
    written_by_keras2 = keras2.is_keras2(h5.attrs.get("keras_version"))
    if written_by_keras2 or keras2.looks_keras2(config):
        # tf_keras's files, and numkeras's own (Keras 2's form, Keras 3's meanings)
        config = keras2.model_config(config, written_by_keras2)
    return config


# What Keras 3's `.h5` loader (`compile_args_from_training_config`) makes of a saved name:
# a loss function's or class's name becomes that function or a default instance; a metric's
# name, a default instance of its class (so `metrics=["mae"]` reports
# `mean_absolute_error` once loaded). Keras 3.15's tables; the aliases it cannot load as
# losses (`mse`, `mae`, ...: a ValueError in Keras) stay names here.
_LOSS_FUNCTIONS = frozenset(
    "binary_crossentropy binary_focal_crossentropy categorical_crossentropy "
    "categorical_focal_crossentropy categorical_generalized_cross_entropy categorical_hinge "
    "circle cosine_similarity ctc dice hinge huber kl_divergence log_cosh mean_absolute_error "
    "mean_absolute_percentage_error mean_squared_error mean_squared_logarithmic_error poisson "
    "sparse_categorical_crossentropy squared_hinge tversky".split()
)
_LOSS_CLASSES = frozenset(
    "BinaryCrossentropy BinaryFocalCrossentropy CTC CategoricalCrossentropy "
    "CategoricalFocalCrossentropy CategoricalGeneralizedCrossEntropy CategoricalHinge Circle "
    "CosineSimilarity Dice Hinge Huber KLDivergence LogCosh MeanAbsoluteError "
    "MeanAbsolutePercentageError MeanSquaredError MeanSquaredLogarithmicError Poisson "
    "SparseCategoricalCrossentropy SquaredHinge Tversky".split()
)
_METRIC_CLASSES = frozenset(
    "AUC Accuracy BinaryAccuracy BinaryCrossentropy BinaryIoU CategoricalAccuracy "
    "CategoricalCrossentropy CategoricalHinge ConcordanceCorrelation CosineSimilarity F1Score "
    "FBetaScore FalseNegatives FalsePositives Hinge IoU KLDivergence LogCoshError Mean "
    "MeanAbsoluteError MeanAbsolutePercentageError MeanIoU MeanSquaredError "
    "MeanSquaredLogarithmicError OneHotIoU OneHotMeanIoU PearsonCorrelation Poisson Precision "
    "PrecisionAtRecall R2Score Recall RecallAtPrecision RootMeanSquaredError "
    "SensitivityAtSpecificity SparseCategoricalAccuracy SparseCategoricalCrossentropy "
    "SparseTopKCategoricalAccuracy SpecificityAtSensitivity SquaredHinge Sum "
    "TopKCategoricalAccuracy TrueNegatives TruePositives".split()
)
_METRIC_ALIASES = {
    "bce": "BinaryCrossentropy",
    "mse": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError",
}


def _class_form(module: str, class_name: str) -> dict:
    return {"module": module, "class_name": class_name, "config": {}, "registered_name": None}


def _metric_classes() -> dict:
    from numkeras.utils.naming import to_snake_case

    table = {name: name for name in _METRIC_CLASSES}
    table.update({to_snake_case(name): name for name in _METRIC_CLASSES})
    table.update(_METRIC_ALIASES)
    table.update({alias.upper(): name for alias, name in _METRIC_ALIASES.items()})
    return table


def keras3_compile_forms(config: dict) -> dict:
    """A Keras 3 `.h5`'s compile arguments as Keras 3's loader resolves their names."""
    from numkeras.models.config import map_leaves

    def loss(spec):
        if isinstance(spec, str) and spec in _LOSS_FUNCTIONS:
            return {
                "module": "builtins",
                "class_name": "function",
                "config": spec,
                "registered_name": "function",
            }
        if isinstance(spec, str) and spec in _LOSS_CLASSES:
            return _class_form("keras.losses", spec)
        return spec

    classes = _metric_classes()

    def metric(spec):
        if isinstance(spec, str) and spec not in SHAPE_RESOLVED_NAMES and spec in classes:
            return _class_form("keras.metrics", classes[spec])
        return spec

    config = dict(config)
    config["loss"] = map_leaves(config.get("loss"), loss, skip_names=False)
    for key in ("metrics", "weighted_metrics"):
        config[key] = map_leaves(config.get(key), metric, skip_names=False)
    return config


def read_training_config(h5) -> dict | None:
    raw = h5.attrs.get("training_config")
    if raw is None:
        return None
    return json.loads(raw.decode("utf8") if isinstance(raw, bytes) else raw)


def read_weights(
    model, h5, where: str = "the file", skip_mismatch: bool = False, by_name: bool = False
) -> None:
    """Set `model`'s weights from a legacy file (all or nothing): by position, as Keras does,
    or with `by_name=True` each model layer from the saved layer of its name (the others
    keep their values). `skip_mismatch=True`: a layer whose saved weight count differs, or a
    weight whose shape differs, keeps its values, with a warning, as in Keras (a different
    number of layers stays an error, as in Keras)."""
    group = h5["model_weights"] if "model_weights" in h5 else h5
    saved = []
    for name in _read_attr(group, "layer_names"):
        weight_names = _read_attr(group[name], "weight_names")
        if weight_names or by_name:
            saved.append((name, [group[name][w][()] for w in weight_names]))
    if by_name:
        by_layer = dict(saved)
        pairs = [
            (k, layer, layer.name, by_layer[layer.name])
            for k, layer in enumerate(model.layers)
            if layer.name in by_layer
        ]
    else:
        layers = [la for la in model.layers if _legacy_weights(la)]
        if len(layers) != len(saved):  # (Keras raises this one even with skip_mismatch)
            raise ShapeError(
                "Layer count mismatch when loading weights from file. Model expected "
                f"{len(layers)} layers with weights, found {len(saved)} saved layers with "
                f"weights in {where}."
            )
        pairs = [(k, la, name, arrays) for k, (la, (name, arrays)) in enumerate(zip(layers, saved))]
    updates = []
    for k, layer, name, arrays in pairs:
        variables = _legacy_weights(layer)
        if len(variables) != len(arrays):
            message = (
                f"Weight count mismatch for layer #{k} (named {layer.name} in the current "
                f"model, {name} in the save file). Layer expects {len(variables)} weight(s). "
                f"Received {len(arrays)} saved weight(s)."
            )
            if not skip_mismatch:
                raise ShapeError(message)
            warnings.warn(f"Skipping loading of weights: {message}", NumkerasWarning, stacklevel=4)
            continue
        for v, a in zip(variables, arrays):
            if tuple(a.shape) != v.shape:
                message = (
                    f"Layer #{k} ('{layer.name}'), weight '{v.path}': the model has shape "
                    f"{format_shape(v.shape)}, the file ('{name}') {format_shape(a.shape)}."
                )
                if not skip_mismatch:
                    raise ShapeError(message)
                warnings.warn(
                    f"Skipping loading this weight: {message}", NumkerasWarning, stacklevel=4
                )
                continue
            updates.append((v, a))
    for v, a in updates:
        v.assign(a)
