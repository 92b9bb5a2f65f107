"""`GroupNormalization(groups=32, axis=-1)`: normalize each sample over groups of channels,
as Keras 3 (Wu & He, 2018); `groups=1` is LayerNormalization over all features, `groups`
equal to the channels (or `groups=-1`, resolved to the channel count at `build`) is
InstanceNormalization.

Its `call` is written with `numkeras.ops`, Keras's own formula step by step, and it trains
through that call traced into operations (`numkeras.layers.traced_call`), as a user's layer
does: no hand-written backward pass to keep in step with the forward one.

>>> import numpy as np
>>> layer = GroupNormalization(groups=2)
>>> y = layer(np.array([[1.0, 3.0, 10.0, 20.0]], "float32"))
>>> np.round(y, 3).tolist()
[[-1.0, 1.0, -1.0, 1.0]]
"""

from __future__ import annotations

from numkeras import ops
from numkeras.errors import AxisBoundsError, ConfigError, ShapeError, format_shape
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer
from numkeras.layers.layer_normalization import (
    add_scale_and_center,
    scale_and_center_config,
    store_scale_and_center,
)
from numkeras.utils.checks import is_int


class GroupNormalization(Layer):
    supports_masking = True

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        if not is_int(groups) or (groups <= 0 and groups != -1):
            raise ConfigError(
                "`groups` must be a positive integer or -1 (one group per channel, i.e. "
                f"instance normalization), received {groups!r}."
            )
        if not is_int(axis):
            raise ConfigError(f"`axis` must be an integer, received {axis!r}.")
        super().__init__(**kwargs)
        self.groups = int(groups)
        self.axis = int(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        store_scale_and_center(
            self,
            beta_initializer,
            gamma_initializer,
            beta_regularizer,
            gamma_regularizer,
            beta_constraint,
            gamma_constraint,
        )

    def build(self, input_shape) -> None:
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise AxisBoundsError(
                f"Layer '{self.name}': axis {self.axis} is outside inputs of shape "
                f"{format_shape(input_shape)} (rank {ndim}; axis 0 is the batch). Use an axis "
                f"in [1, {ndim}) or [{-ndim + 1}, -1]."
            )
        if self.axis % ndim == 0:
            raise ShapeError(
                f"Layer '{self.name}': axis {self.axis} is not a feature axis of inputs of "
                f"shape {format_shape(input_shape)} (axis 0 is the batch)."
            )
        channels = input_shape[self.axis]
        if channels is None:
            raise ShapeError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the "
                f"layer received an input with shape {format_shape(input_shape)}."
            )
        if self.groups == -1:  # instance normalization: Keras resolves it here, for good
            self.groups = channels
        if channels < self.groups:
            raise ConfigError(
                f"Number of groups ({self.groups}) cannot be more than the number of channels "
                f"({channels})."
            )
        if channels % self.groups:
            raise ConfigError(
                f"Number of groups ({self.groups}) must be a multiple of the number of "
                f"channels ({channels})."
            )
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: channels})
        add_scale_and_center(self, (channels,), self.scale, self.center)

    def call(self, inputs):
        # Keras 3's _apply_normalization: the channel axis split into (groups, size),
        # moments over every axis but the batch and the group
        shape = ops.shape(inputs)
        ndim = len(shape)
        axis = self.axis % ndim
        channels = shape[axis]
        grouped = (*shape[:axis], self.groups, channels // self.groups, *shape[axis + 1 :])
        x = ops.reshape(inputs, grouped)
        reduce = [a for a in range(1, ndim + 1) if a != axis]
        mean, variance = ops.moments(x, axes=reduce, keepdims=True)
        inv = 1.0 / ops.sqrt(variance + self.epsilon)
        broadcast = [1] * (ndim + 1)
        broadcast[axis], broadcast[axis + 1] = self.groups, channels // self.groups
        if self.scale:
            inv = inv * ops.reshape(self.gamma, broadcast)
        shift = -mean * inv
        if self.center:
            shift = shift + ops.reshape(self.beta, broadcast)
        return ops.reshape(x * inv + shift, shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **scale_and_center_config(self),
        }

    def _repr_args(self) -> str:
        return f"groups={self.groups}"
