"""`Pipeline(layers, name=None)`: apply `layers` in order, as a single layer (Keras 3's
`keras.layers.Pipeline`, e.g. an image augmentation pipeline). Unlike a Sequential
model it is a plain layer: put it first in a model, or call it on a batch.

Its `training` argument defaults to True (as Keras's: a direct call augments) and is
passed to every layer that takes one; in a model, `fit` runs it in training and
`predict`/`evaluate` at inference. The backward pass runs the layers' backward passes in
reverse order, so a pipeline of differentiable layers trains what comes before it (and
the weights of any layer in it). The config is Keras's: `{"layers": [serialized layers],
"name": ...}`.

>>> import numpy as np
>>> from numkeras.layers.random_invert import RandomInvert
>>> from numkeras.layers.random_posterization import RandomPosterization
>>> pipe = Pipeline([RandomInvert((1.0, 1.0)), RandomPosterization((1, 1))])
>>> pipe(np.array([[[[10.0, 200.0]]]]))[0, 0, 0]  # 245, 55 -> keep 1 bit
array([128.,   0.], dtype=float32)
"""

from __future__ import annotations

from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer, call_accepts_training


class Pipeline(Layer):
    keras_call_takes_mask = True  # (Keras's call has `mask`; a given one is not used)

    def __init__(self, layers, name: str | None = None, **kwargs):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
            raise ConfigError(
                "Pipeline: `layers` must be a list of layers, e.g. "
                f"Pipeline([RandomFlip(), RandomRotation(0.1)]). Received: layers={layers!r}"
            )
        super().__init__(name=name, **kwargs)
        self._pipeline_layers = list(layers)

    @property
    def layers(self) -> list:
        return self._pipeline_layers

    def _sublayers(self) -> list:
        return list(self._pipeline_layers)

    def _saved_children(self) -> list:
        return [(f"layers/{layer.name}", layer) for layer in self._pipeline_layers]

    def build(self, input_shape) -> None:
        shape = input_shape
        for layer in self._pipeline_layers:
            layer._maybe_build(shape)
            shape = layer.compute_output_shape(shape)

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._pipeline_layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def call(self, inputs, training: bool = True):
        x = inputs
        for layer in self._pipeline_layers:
            if call_accepts_training(layer):
                x = layer(x, training=training)
            else:
                x = layer(x)
        return x

    def forward(self, inputs, training: bool = True):
        caches, x = [], inputs
        for layer in self._pipeline_layers:
            layer._maybe_build(tuple(x.shape))
            x, cache = layer.forward(x, training=training)
            caches.append(cache)
        return x, caches

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        g = grad_output
        layers = self._pipeline_layers
        for i in range(len(layers) - 1, -1, -1):
            g = layers[i].backward(cache[i], g, need_input_grad=need_input_grad or i > 0)
        return g if need_input_grad else None

    def get_config(self) -> dict:
        from numkeras.saving.serialization_lib import serialize_keras_object

        return {
            "layers": [serialize_keras_object(layer) for layer in self._pipeline_layers],
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config: dict):
        from numkeras.saving.serialization_lib import deserialize_keras_object

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ConfigError(
                "`Pipeline` config must contain a `layers` key mapping to a list of serialized "
                f"layers. Received config with layers={layers!r}."
            )
        config = {**config, "layers": [deserialize_keras_object(x) for x in layers]}
        return cls(**config)

    def _repr_args(self) -> str:
        return "[" + ", ".join(type(layer).__name__ for layer in self._pipeline_layers) + "]"
