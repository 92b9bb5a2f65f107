"""`Wrapper(layer)`: Keras 3's abstract base class of the layers that wrap another layer
(`TimeDistributed`, `SpectralNormalization`); subclass it and write `call` to wrap a layer
your own way. The wrapped layer's weights are the wrapper's, it is built with the wrapper,
and the config nests its config under `"layer"`, as Keras.

>>> import numpy as np
>>> from numkeras.layers import Dense
>>> class Doubled(Wrapper):
...     def call(self, x):
...         return self.layer(x) * 2.0
>>> w = Doubled(Dense(3))
>>> w(np.ones((2, 4), "float32")).shape, len(w.weights)
((2, 3), 2)
"""

from __future__ import annotations

from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer


class Wrapper(Layer):
    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ConfigError(
                f"Layer {layer!r} supplied to Wrapper isn't a supported layer type. Please "
                "ensure wrapped layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def _sublayers(self) -> list[Layer]:
        return [self.layer]

    def _saved_children(self) -> list:
        return [("layer", self.layer)]

    def build(self, input_shape=None) -> None:
        if not self.layer.built:
            self.layer._maybe_build(input_shape)

    def get_config(self) -> dict:
        from numkeras.models.config import serialize_layer

        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from numkeras.models.config import deserialize_layer

        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects=custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(layer, **config)

    def _repr_args(self) -> str:
        return repr(self.layer)
