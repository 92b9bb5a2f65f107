"""Which models compute each row on its own, so `predict` may run several batches at once.

`predict(x, batch_size=32)` means: the rows go through the model 32 at a time, and each
batch is one step for the callbacks. When no user callback watches the batches and every
layer maps each input row to its output row alone (a Dense, a convolution, inference-mode
BatchNormalization; not a Lambda, a stateful RNN or a layer forced into training mode),
the batch size cannot change any row's result, only the speed: then `predict` runs
chunks of several batches (up to `TARGET_ROWS` rows, `MAX_CHUNK_BYTES` of the widest
activation). One product over 1,024 rows is much faster than 32 products over 32 rows;
the values agree to float32 rounding (BLAS may sum in a different order for another
number of rows, as it may between any two batch sizes).

>>> import numpy as np
>>> from numkeras import layers, models
>>> m = models.Sequential([layers.Input(shape=(64,)), layers.Dense(256, activation="relu")])
>>> rows_independent(m), chunk_rows(m, 32)
(True, 1024)
>>> m2 = models.Sequential([layers.Input(shape=(64,)), layers.Lambda(lambda x: x - x.mean(0))])
>>> rows_independent(m2), chunk_rows(m2, 32)
(False, 32)
"""

from __future__ import annotations

import math

TARGET_ROWS = 1024  # past this many rows, bigger products stop paying on CPU BLAS
MAX_CHUNK_BYTES = 8 << 20  # the widest layer output of one chunk, float32


def chunk_rows(model, batch_size: int) -> int:
    """The rows `predict` computes at once for `batch_size`: a multiple of it, or
    `batch_size` itself when the model is not `rows_independent` or its activations'
    sizes are not known."""
    if batch_size >= TARGET_ROWS or not rows_independent(model):
        return batch_size
    width = _widest_row(model)
    if width is None:
        return batch_size
    per_batch = batch_size * width * 4
    return batch_size * max(1, min(TARGET_ROWS // batch_size, MAX_CHUNK_BYTES // per_batch))


def rows_independent(model) -> bool:
    """Whether `model` (a graph model) computes each output row from its input row alone,
    in inference: every step a built-in layer of a row-wise kind (exactly that class, not
    a subclass, which may override `call`), with built-in activations, no layer forced to
    `training=True`, and no input declared with a fixed batch size."""
    steps = getattr(model, "_steps", None)
    if steps is None or model._is_subclassed():
        return False
    if any(t.shape[0] is not None for t in model._inputs_list):
        return False
    for step, node in zip(steps, model._nodes):
        if step.training_override:
            return False
        layer = step.layer
        if _is_model(layer):  # a nested Sequential / functional model
            if not rows_independent(layer):
                return False
            continue
        check = _row_wise_kinds().get(type(layer))
        if check is None or not check(layer, len(node.inputs[0].shape)):
            return False
    return True


def _widest_row(model) -> int | None:
    """The most values one row holds in any tensor of the graph (nested models included);
    None when a size is unknown (`None` time steps)."""
    sizes = [_row_size(t.shape) for t in model._inputs_list]
    for step, node in zip(model._steps, model._nodes):
        if _is_model(step.layer):
            sizes.append(_widest_row(step.layer))
        sizes += [_row_size(t.shape) for t in node.outputs]
    return None if any(s is None for s in sizes) else max(sizes)


def _is_model(layer) -> bool:
    """Whether `layer` is a nested model: a class test, not an attribute's presence (a
    layer may keep a `_steps` of its own: RandomColorJitter's list of its augmentations)."""
    from numkeras.models.model import Model

    return isinstance(layer, Model)


def _row_size(shape) -> int | None:
    dims = shape[1:]
    return None if any(d is None for d in dims) else math.prod(dims)


def _builtin(fn) -> bool:
    from numkeras.activations import activations

    return getattr(activations, getattr(fn, "__name__", ""), None) is fn


def _axes_skip_batch(axis, rank: int) -> bool:
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return all(a % rank != 0 for a in axes)


_KINDS: dict | None = None


def _row_wise_kinds() -> dict:
    """Layer class -> check(layer, input rank) that an instance maps rows one to one."""
    global _KINDS
    if _KINDS is None:
        from numkeras import layers as L

        def always(layer, rank):
            return True

        def activated(layer, rank):
            return _builtin(layer.activation)

        def on_axis(layer, rank):
            return _axes_skip_batch(layer.axis, rank)

        def recurrent(layer, rank):
            return not layer.stateful and all(
                _builtin(f)
                for f in (layer.activation, getattr(layer, "recurrent_activation", None))
                if f is not None
            )

        kinds = {"activated": activated, "on_axis": on_axis, "recurrent": recurrent}
        by_kind = {
            "activated": "Dense Activation Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose "
            "Conv3DTranspose DepthwiseConv1D DepthwiseConv2D SeparableConv1D SeparableConv2D",
            "on_axis": "Softmax LayerNormalization UnitNormalization Concatenate",
            "recurrent": "LSTM GRU SimpleRNN",
            "always": "Dropout GaussianNoise GaussianDropout AlphaDropout SpatialDropout1D "
            "SpatialDropout2D SpatialDropout3D Identity Flatten Reshape Permute RepeatVector "
            "Masking Rescaling ReLU LeakyReLU ELU PReLU BatchNormalization Embedding "
            "MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D "
            "AveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D "
            "GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D "
            "ZeroPadding1D ZeroPadding2D ZeroPadding3D Cropping1D Cropping2D Cropping3D "
            "UpSampling1D UpSampling2D UpSampling3D Add Subtract Multiply Average Maximum "
            "Minimum",
        }
        _KINDS = {
            getattr(L, name): kinds.get(kind, always)
            for kind, names in by_kind.items()
            for name in names.split()
        }
    return _KINDS
