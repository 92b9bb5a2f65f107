"""The activity penalties of a layer that another layer calls inside its own call (the
layers a Bidirectional or a SpectralNormalization wraps). Keras 3 calls them through
`__call__`, which adds each one's activity regularizer penalty to the loss, so numkeras
adds them too (TimeDistributed calls its layer's `call`: Keras adds nothing there)."""

from __future__ import annotations

import numpy as np

from numkeras import regularizers
from numkeras.backend import stateless_scope
from numkeras.layers import layer as layer_module


def inner_activity(layer, outputs: list, with_grad: bool) -> list | None:
    """Add `layer`'s activity penalties on its `outputs`: in a model's run they join its
    loss; after a direct call they are the inner layer's `losses` (its last call's, as
    Keras's). Returns their gradients with respect to `outputs` with `with_grad`, else None
    (None too where the layer has no activity regularizer)."""
    regularizer = layer.activity_regularizer
    if regularizer is None:
        return None
    found = [regularizers.activity_penalty(regularizer, o, with_grad) for o in outputs]
    values = [np.float32(value) for value, _ in found]
    if layer_module._loss_sinks or stateless_scope.active is not None:
        for value in values:
            layer.add_loss(value)
    else:
        layer._activity_losses = values
    return [grad for _, grad in found] if with_grad else None


def plus_activity(grads, activity: list | None):
    """`grads` (one array, or a list of one per output) plus the penalties' gradients."""
    if activity is None:
        return grads
    if isinstance(grads, (list, tuple)):
        return [g + a for g, a in zip(grads, activity)]
    return grads + activity[0]
