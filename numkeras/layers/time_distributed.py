"""`TimeDistributed(layer)`: apply `layer` to every timestep (axis 1) of its inputs, as
Keras 3. Inputs `(batch, timesteps, ...)`; the inner layer sees `(batch, ...)` shapes.

numkeras folds the time axis into the batch (`(batch * timesteps, ...)`), runs the inner
layer once and unfolds the result, so `TimeDistributed(Dense(8))` is one matmul. (Keras
calls the layer once per timestep: the same result for layers that treat samples
independently; a BatchNormalization in training normalizes over batch and time here.)
The config nests the inner layer's config under `"layer"`, as Keras. A mask passes through
unchanged (and reaches an inner layer that takes one, folded as the inputs are).

>>> import numpy as np
>>> from numkeras.layers import Dense
>>> TimeDistributed(Dense(2))(np.ones((3, 4, 5))).shape
(3, 4, 2)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer, accepts, call_accepts_training, check_input_all
from numkeras.layers.wrapper import Wrapper


class TimeDistributed(Wrapper):
    supports_masking = True

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ConfigError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer!r}"
            )
        super().__init__(layer, **kwargs)

    def _sublayers(self) -> list[Layer]:
        return [self.layer]

    def _saved_children(self) -> list:
        return [("layer", self.layer)]

    def _child_shape(self, input_shape) -> tuple:
        if isinstance(input_shape, list) or len(input_shape) < 3:
            raise ShapeError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *tuple(input_shape)[2:])

    def build(self, input_shape) -> None:
        self.layer._maybe_build(self._child_shape(tuple(input_shape)))
        for v in self.weights:  # Keras's paths: "time_distributed/dense/kernel"
            if not v.path.startswith(f"{self.name}/"):
                v.path = f"{self.name}/{v.path}"

    def compute_output_shape(self, input_shape):
        child_shape = self._child_shape(tuple(input_shape))
        check_input_all(self.layer.input_spec, child_shape, self.layer.name)
        child = self.layer.compute_output_shape(child_shape)
        if isinstance(child, list):
            raise ShapeError("TimeDistributed supports inner layers with one output only.")
        return (child[0], input_shape[1], *tuple(child)[1:])

    def _fold(self, inputs):
        if inputs.ndim < 3:
            raise ShapeError(
                f"Layer '{self.name}' expects inputs of rank >= 3 (batch, timesteps, ...), "
                f"received shape {format_shape(inputs.shape)}."
            )
        B, T = inputs.shape[:2]
        return inputs.reshape(B * T, *inputs.shape[2:]), B, T

    def _inner_mask(self, mask, B: int, T: int) -> dict:
        """`{"mask": the mask folded as the inputs}` for an inner layer that takes one."""
        layer = self.layer
        if mask is None or not (accepts(layer, "mask") and accepts(layer, "mask", "forward")):
            return {}
        mask = backend.xp.asarray(mask)
        if tuple(mask.shape[:2]) != (B, T):
            raise ShapeError(
                f"Layer '{self.name}': the mask's first two axes must be the inputs' "
                f"(batch, timesteps) = ({B}, {T}); received {format_shape(mask.shape)}."
            )
        return {"mask": mask.reshape(B * T, *mask.shape[2:])}

    def call(self, inputs, training: bool = False, mask=None):
        x, B, T = self._fold(inputs)
        kw = self._inner_mask(mask, B, T)
        if call_accepts_training(self.layer):
            out = self.layer.call(x, training=training, **kw)
        else:
            out = self.layer.call(x, **kw)
        return out.reshape(B, T, *out.shape[1:])

    def forward(self, inputs, training: bool = True, mask=None):
        x, B, T = self._fold(inputs)
        out, cache = self.layer.forward(x, training=training, **self._inner_mask(mask, B, T))
        return out.reshape(B, T, *out.shape[1:]), (cache, B, T)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        cache, B, T = cache
        g = grad_output.reshape(B * T, *grad_output.shape[2:])
        gin = self.layer.backward(cache, g, need_input_grad=need_input_grad)
        if gin is None:
            return None
        return gin.reshape(B, T, *gin.shape[1:])

    def get_config(self) -> dict:
        from numkeras.models.config import serialize_layer

        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from numkeras.models.config import deserialize_layer

        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)

    def _repr_args(self) -> str:
        return repr(self.layer)
