"""Keras 3's quantization configs (`keras.quantizers.QuantizationConfig`,
`Int8QuantizationConfig`): which quantizers a layer's `quantize` uses for its weights and
its inputs. numkeras's layers compute Keras's default int8 quantization (the config a
quantized layer's file holds: `Int8QuantizationConfig()`); the other modes' configs
(int4, float8, GPTQ, AWQ) have no computation here.

>>> Int8QuantizationConfig().get_config()["activation_quantizer"]["class_name"]
'AbsMaxQuantizer'
"""

from __future__ import annotations

from numkeras.errors import ConfigError


class QuantizationConfig:
    """The base class: a `weight_quantizer` and an `activation_quantizer` (None: the
    layer's default); a subclass names its `mode`."""

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self) -> str:
        raise NotImplementedError(
            "Subclasses must implement this property. Do not instantiate QuantizationConfig "
            "directly."
        )

    def get_config(self) -> dict:
        from numkeras.quantizers import serialize

        return {
            "weight_quantizer": serialize(self.weight_quantizer),
            "activation_quantizer": serialize(self.activation_quantizer),
        }

    @classmethod
    def from_config(cls, config: dict):
        from numkeras.quantizers import deserialize

        return cls(
            weight_quantizer=deserialize(config.get("weight_quantizer")),
            activation_quantizer=deserialize(config.get("activation_quantizer")),
        )

    @staticmethod
    def weight_quantizer_or_default(config, default):
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """Keras's int8 config: `activation_quantizer="default"` is `AbsMaxQuantizer()`."""

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        from numkeras.quantizers.quantizers import AbsMaxQuantizer

        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ConfigError(
                "Int8QuantizationConfig requires a weight_quantizer with output_dtype='int8'. "
                f"Received: output_dtype={weight_quantizer.output_dtype}"
            )

    @property
    def mode(self) -> str:
        return "int8"
